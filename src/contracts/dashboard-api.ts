/**
 * The dashboard's API: what the gateway's `/admin/*` routes return for the pages under `/ui`. Every route sits
 * behind the admin token (`Authorization: Bearer <admin token>`), whatever the bind address, or the session cookie
 * the one-time login link (`GET /ui/login?token=…`) sets; with the cookie, every request other than GET must carry
 * the header `x-understudy-ui: 1` (else 403 `forbidden`). Figures are computed
 * from the store on each request (no caches), so a page always shows what a store query returns now.
 *
 * Routes (all JSON; errors are OpenAI-format bodies with stable codes):
 *   GET  /admin/overview?since=&until=&bucket=    → DashboardOverview   (bucket: minute|hour|day, default auto)
 *   GET  /admin/tasks                             → { object: 'list', data: DashboardTaskRow[] }
 *   GET  /admin/tasks/:id                         → DashboardTaskDetail
 *   PUT  /admin/routes/:task   body RouteChangeRequest → DashboardRoute (writes the route and its change event)
 *   GET  /admin/jobs?status=&limit=               → { object: 'list', data: DashboardJob[] }
 *   GET  /admin/jobs/:id                          → DashboardJob (with its loss curve)
 *   GET  /admin/specialists                       → { object: 'list', data: DashboardSpecialist[] }
 *   GET  /admin/models                            → { object: 'list', data: DashboardModel[] }   (the model catalog)
 *   GET  /admin/escalations?task=&reason=&limit=&offset= → DashboardEscalations
 *   (existing) GET /admin/calls, /admin/calls/:id, /admin/summary, /admin/keys, /admin/providers
 *
 * The UI marks every figure it shows with `data-figure="<key>"` and its raw value in `data-value` (numbers
 * unformatted, ratios as 0..1, money in USD), so the browser tests can compare each one with a store query.
 * Figure keys used by the pages: overview `calls`, `cost-usd`, `baseline-usd`, `savings-usd`, `slm-share`,
 * `escalation-rate`, `tasks`, `routed-tasks`; tasks table rows `task-calls:<id>`, `task-spend-share:<id>`,
 * `task-route-mode:<id>`, `task-agreement:<id>`; task page `detail-calls`, `detail-route-mode`,
 * `detail-eval-agreement`; jobs `job-status:<id>`, `job-step:<id>`; escalations `escalations-total`.
 */
import type { EscalationReason, RouteEvent, RouteMode, RoutePolicy } from './route-policy.ts';

/**
 * The settings key (store.settings) under which the latest replaceability report is kept as JSON: written by
 * `understudy report` and by every loop round, read by the dashboard's tasks pages (verdicts, output shapes).
 */
export const latestReportSettingKey = 'discover.latest-report';

/** One bucket of the overview's time series. */
export interface OverviewBucket {
  /** Epoch ms of the bucket's start. */
  start: number;
  calls: number;
  /** Calls a specialist answered. */
  specialistCalls: number;
  escalations: number;
  /** What the calls cost as served (LLM + specialist machine time), USD. */
  costUsd: number;
  /** What they would have cost on the LLM alone, USD. */
  baselineUsd: number;
  /** specialistCalls ÷ calls. */
  slmShare: number;
  /** escalations ÷ (specialist-served + escalations); null when no call was meant for a specialist. */
  escalationRate: number | null;
}

export interface DashboardOverview {
  window: { since: number | null; until: number | null };
  bucketMs: number;
  totals: {
    calls: number;
    /** Calls with status ok. */
    okCalls: number;
    costUsd: number;
    baselineUsd: number;
    /** baselineUsd − costUsd (negative when routing costs more). */
    savingsUsd: number;
    slmShare: number | null;
    escalationRate: number | null;
    /** Known tasks (store.tasks). */
    tasks: number;
    /** Tasks whose route mode is not `off`. */
    routedTasks: number;
  };
  series: OverviewBucket[];
  /** The stated machine price and cost model (economics basis), for the page's footnote. */
  basis: { usdPerHour: number; specialistCost: string; baseline: string };
  /** True when the store has no calls yet: the page shows how to send some. */
  empty: boolean;
}

export type TaskVerdict = 'replace' | 'candidate' | 'keep-on-llm' | 'unknown';

export interface DashboardTaskRow {
  id: string;
  name: string;
  source: 'declared' | 'discovered';
  agency: 'code' | 'language-model';
  /** Calls of this task (`taskOfCall`: routing.task, else the task tag, else the discovered task is the id), all time. */
  calls: number;
  costUsd: number;
  /** costUsd ÷ every call's cost (0 when nothing cost anything). */
  spendShare: number;
  /** From the latest replaceability report (`unknown` before one was made). */
  verdict: TaskVerdict;
  openEnded: boolean;
  route: { mode: RouteMode; canaryShare: number; specialistId: string | null } | null;
  /** Shadow/audit agreement of the current specialist on live traffic (null without such observations). */
  agreement: number | null;
  /** Latest offline evaluation agreement of the current specialist (null without one). */
  evalAgreement: number | null;
  escalationRate: number | null;
}

export interface TemplateSegment {
  text: string;
  /** True for a variable slot (`{{slot_N}}` in the template). */
  slot: boolean;
}

export interface DashboardTaskDetail {
  task: DashboardTaskRow;
  /** The task's most common templates, split into fixed text and slots for highlighting. */
  templates: Array<{ calls: number; segments: TemplateSegment[] }>;
  /** A few recent calls of the task with personal data and secrets redacted (the curation redactor). */
  examples: Array<{ callId: string; at: number; request: string; response: string; route: string }>;
  /** The inferred output shape (JSON schema, tool profile or text), from the latest report. */
  outputShape: unknown;
  route: RoutePolicy | null;
  events: RouteEvent[];
  /** The current specialist's latest stored offline evaluation (null without one). */
  evaluation: StoredEvaluation | null;
  reasons: string[];
}

/** An offline evaluation as stored (store.evaluations): the SpecialistEvaluation summary with its failures. */
export interface StoredEvaluation {
  id: string;
  specialistId: string;
  task: string;
  createdAt: number;
  examples: number;
  agreement: number;
  validRate: number;
  metric: string;
  passed: boolean;
  threshold: number | null;
  coverage: number | null;
  /** Failing examples side by side: the LLM's answer (expected) and the specialist's. */
  failures: Array<{ input: string; expected: string; actual: string; score: number; reason: string }>;
}

export interface RouteChangeRequest {
  mode: RouteMode;
  /** Canary share in (0, 1]; required for `canary` unless the route has one. */
  canaryShare?: number;
  /** The specialist to route to; default the route's current one (or the task's newest ready specialist). */
  specialistId?: string;
  /** Must be true: the UI asks for confirmation before sending. */
  confirm: true;
  reason?: string;
}

export type DashboardRoute = RoutePolicy;

export interface DashboardJob {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  task: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  step: number | null;
  totalSteps: number | null;
  loss: number | null;
  etaSeconds: number | null;
  message: string | null;
  error: string | null;
  specialistId: string | null;
  /** Training loss per step (list endpoint: empty; detail endpoint: the whole curve). */
  lossCurve: Array<{ step: number; loss: number }>;
}

export interface DashboardSpecialist {
  id: string;
  task: string;
  name: string;
  status: 'ready' | 'retired';
  baseModel: string;
  adapterPath: string | null;
  createdAt: number;
  /** Routes that use it now. */
  routedIn: RouteMode | null;
  evalAgreement: number | null;
}

export interface DashboardModel {
  id: string;
  name: string;
  family: string;
  parameters: number | null;
  licence: string;
  commercialUse: boolean | 'conditional';
  contextLength: number | null;
  /** Estimated memory at Q4_K_M with its full context (the catalog's memory estimate), MiB. */
  memoryMiB: number | null;
  /** Weights present in the local cache. */
  cached: boolean;
}

export interface DashboardEscalations {
  total: number;
  byReason: Partial<Record<EscalationReason, number>>;
  data: Array<{ callId: string; task: string; specialistId: string; reason: EscalationReason | null; confidence: number | null; at: number }>;
}
