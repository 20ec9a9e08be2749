/**
 * Test support: what every figure the dashboard shows must equal, computed straight from the store. The browser
 * tests read each `[data-figure]` element of a page and ask `expectedFigure` for its key; a key missing from the
 * table below is a failure, so a figure added to a page cannot go unchecked.
 *
 * The table (key → store query; `<id>` is a task, job or specialist id, `<n>` a template's position):
 *   calls                          store.calls.count()
 *   cost-usd, baseline-usd         computeEconomics over every call and observation: overall totalUsd, baselineUsd
 *   savings-usd                    baselineUsd − totalUsd
 *   slm-share, escalation-rate     computeEconomics overall slmShare, escalationRate
 *   tasks                          store.tasks.list().length
 *   routed-tasks                   store.routes.list() with mode ≠ off
 *   task-calls:<id>, detail-calls  calls whose taskOfCall (routing.task ?? task ?? discoveredTask) is the id, counted
 *   task-cost-usd:<id>, detail-cost-usd     Σ costUsd of those calls
 *   task-spend-share:<id>, detail-spend-share  that ÷ store.calls.summarize().costUsd
 *   task-route-mode:<id>, detail-route-mode    store.routes.get(id)?.mode ?? 'off'
 *   task-agreement:<id>, detail-agreement      agreed ÷ scored shadow and audit observations of the current specialist
 *   task-eval-agreement:<id>, detail-eval-agreement  store.evaluations.latest(current specialist)?.agreement
 *   task-escalation-rate:<id>, detail-escalation-rate  computeEconomics per-task escalationRate
 *   evaluation-agreement|valid-rate|examples|coverage  the current specialist's latest stored evaluation
 *   template-calls:<n>             the latest report's (store.settings) templates of the task, n-th, calls (should
 *                                  two reported tasks share the id, the one matching the stored task's name and calls)
 *   job-status|step|total-steps|loss:<id>   store.jobs.get(id): status, progress.step, .totalSteps, .loss
 *   job-progress:<id>              progress.step ÷ progress.totalSteps
 *   job-eta:<id>                   progress.etaSeconds while queued or running, else null
 *   job-duration:<id>              (finishedAt − startedAt) ÷ 1000 of a finished job
 *   specialist-status:<id>         store.specialists.get(id).status
 *   specialist-routed:<id>         mode of the task's route when it names the specialist and is not off, else null
 *   specialist-eval-agreement:<id> store.evaluations.latest(id)?.agreement
 *   escalations-total              store.observations.list() of kind `escalated`
 *   escalations-reason:<reason>    those with that escalation reason
 *   call-latency-ms, call-cost-usd store.calls.get(the call the panel shows): latencyMs, costUsd
 *   model-parameters|context:<id>  the bundled model catalog (loadModelCatalog): parameters, contextLength
 *   model-memory-mib:<id>          estimateMemory at Q4_K_M and the model's full context (else the default), MiB
 * "Current specialist": the one the task's route names (the contract's `route.specialistId`).
 */
import { taskOfCall, type CallRecord } from '../../contracts/call-record.ts';
import type { LoadedConfig } from '../../contracts/config.ts';
import { latestReportSettingKey, type StoredEvaluation } from '../../contracts/dashboard-api.ts';
import type { RouteObservation, RoutePolicy } from '../../contracts/route-policy.ts';
import type { ReplaceabilityReport } from '../../discover/replaceability-report.ts';
import { createPricingTable } from '../../providers/pricing-table.ts';
import { computeEconomics, type Economics } from '../../route/compute-economics.ts';
import { estimateMemory, memoryEstimateContextTokens } from '../../select/memory-estimate.ts';
import { loadModelCatalog } from '../../select/model-catalog.ts';
import { loadCalls } from '../../store/load-calls.ts';
import type { JobRecord, Store } from '../../store/store.ts';

export type FigureValue = number | string | boolean | null;

/** Which task or call the page shows, for keys without an id of their own (`detail-calls`, `call-cost-usd`). */
export interface FigurePageContext {
  task?: string;
  callId?: string;
}

/** What a page's figure must show; `unknown` when the table has no store query for its key. */
export type FigureExpectation = { known: true; value: FigureValue; query: string } | { known: false };

export interface StoreFigures {
  expectedFigure(key: string, page?: FigurePageContext): FigureExpectation;
  calls: readonly CallRecord[];
  observations: readonly RouteObservation[];
  economics: Economics;
  /** Task ids the latest report gives to more than one task (a discovery id collision). */
  duplicateReportIds: string[];
}

/** Reads everything the figures depend on once; call again after anything changed the store. */
export async function readStoreFigures(store: Store, loaded: LoadedConfig): Promise<StoreFigures> {
  const [calls, observations, tasks, routes, specialists, jobs, summary, reportText, callCount] = await Promise.all([
    loadCalls(store, {}),
    store.observations.list(),
    store.tasks.list(),
    store.routes.list(),
    store.specialists.list({ includeRetired: true }),
    store.jobs.list({ limit: 1000 }),
    store.calls.summarize(),
    store.settings.get(latestReportSettingKey),
    store.calls.count(),
  ]);
  const catalog = loadModelCatalog();
  const economics = computeEconomics({ calls, observations, pricing: createPricingTable(loaded.config.pricing), usdPerHour: loaded.config.routing.usdPerHour });
  const report = reportText === undefined ? null : (JSON.parse(reportText) as ReplaceabilityReport);
  const routeOf = new Map(routes.map((route) => [route.task, route]));
  const currentSpecialist = (task: string): string | null => routeOf.get(task)?.specialistId ?? null;
  const evaluations = new Map<string, StoredEvaluation | undefined>();
  for (const specialist of specialists) evaluations.set(specialist.id, await store.evaluations.latest(specialist.id));
  const specialistById = new Map(specialists.map((specialist) => [specialist.id, specialist]));
  const callById = new Map(calls.map((call) => [call.id, call]));
  const jobById = new Map(jobs.map((job) => [job.id, job]));
  const taskFigures = (task: string) => taskFiguresOf(task, { calls, observations, economics, summaryCostUsd: summary.costUsd, route: routeOf.get(task), specialistId: currentSpecialist(task), evaluations });

  /**
   * The report's assessment of a stored task. Should discovery give two clusters one id, the stored task is the
   * one whose name and call count match (the report alone cannot tell them apart).
   */
  function reportedTaskOf(taskId: string): ReplaceabilityReport['tasks'][number] | undefined {
    const candidates = report?.tasks.filter((task) => task.taskId === taskId) ?? [];
    if (candidates.length <= 1) return candidates[0];
    const stored = tasks.find((task) => task.id === taskId);
    return candidates.find((task) => task.name === stored?.name && task.calls === stored.callCount);
  }

  function expectedFigure(key: string, page: FigurePageContext = {}): FigureExpectation {
    const pageTask = page.task;
    const separator = key.indexOf(':');
    const name = separator < 0 ? key : key.slice(0, separator);
    const argument = separator < 0 ? null : key.slice(separator + 1);
    const known = (value: FigureValue, query: string): FigureExpectation => ({ known: true, value, query });
    const overall = economics.overall;
    if (argument === null) {
      switch (name) {
        case 'calls':
          return known(callCount, 'store.calls.count()');
        case 'cost-usd':
          return known(overall.totalUsd, 'computeEconomics(all calls, all observations).overall.totalUsd');
        case 'baseline-usd':
          return known(overall.baselineUsd, 'computeEconomics(…).overall.baselineUsd');
        case 'savings-usd':
          return known(overall.baselineUsd - overall.totalUsd, 'computeEconomics(…).overall baselineUsd − totalUsd');
        case 'slm-share':
          return known(overall.slmShare, 'computeEconomics(…).overall.slmShare');
        case 'escalation-rate':
          return known(overall.escalationRate, 'computeEconomics(…).overall.escalationRate');
        case 'tasks':
          return known(tasks.length, 'store.tasks.list().length');
        case 'routed-tasks':
          return known(routes.filter((route) => route.mode !== 'off').length, "store.routes.list() with mode ≠ 'off'");
        case 'escalations-total':
          return known(observations.filter((observation) => observation.kind === 'escalated').length, "store.observations.list() of kind 'escalated'");
        case 'call-latency-ms':
        case 'call-cost-usd': {
          const call = page.callId === undefined ? undefined : callById.get(page.callId);
          if (call === undefined) return { known: false };
          return known(name === 'call-latency-ms' ? call.latencyMs : call.costUsd, `store.calls.get(${call.id}).${name === 'call-latency-ms' ? 'latencyMs' : 'costUsd'}`);
        }
      }
    }
    if (name.startsWith('detail-') && argument === null && pageTask !== undefined) {
      const figure = taskFigures(pageTask)[name.slice('detail-'.length)];
      return figure === undefined ? { known: false } : known(figure.value, `${figure.query} (task ${pageTask})`);
    }
    if (name.startsWith('task-') && argument !== null) {
      const figure = taskFigures(argument)[name.slice('task-'.length)];
      return figure === undefined ? { known: false } : known(figure.value, `${figure.query} (task ${argument})`);
    }
    if (name.startsWith('evaluation-') && argument === null && pageTask !== undefined) {
      const specialistId = currentSpecialist(pageTask);
      const evaluation = specialistId === null ? undefined : evaluations.get(specialistId);
      const field = ({ agreement: 'agreement', 'valid-rate': 'validRate', examples: 'examples', coverage: 'coverage' } as const)[name.slice('evaluation-'.length)];
      if (field === undefined) return { known: false };
      return known(evaluation?.[field] ?? null, `store.evaluations.latest(${specialistId ?? 'none'}).${field}`);
    }
    if (name === 'template-calls' && argument !== null && pageTask !== undefined) {
      const template = reportedTaskOf(pageTask)?.templates[Number(argument)];
      return known(template?.calls ?? null, `latest report (store.settings) task ${pageTask} templates[${argument}].calls`);
    }
    if (name === 'escalations-reason' && argument !== null) {
      const count = observations.filter((observation) => observation.kind === 'escalated' && observation.escalationReason === argument).length;
      return known(count, `store.observations.list() of kind 'escalated' with reason ${argument}`);
    }
    if (name.startsWith('specialist-') && argument !== null) {
      const specialist = specialistById.get(argument);
      if (specialist === undefined) return { known: false };
      switch (name) {
        case 'specialist-status':
          return known(specialist.status, `store.specialists.get(${argument}).status`);
        case 'specialist-routed': {
          const route = routeOf.get(specialist.task);
          return known(route?.specialistId === argument && route.mode !== 'off' ? route.mode : null, `mode of the route of ${specialist.task} when it names ${argument}`);
        }
        case 'specialist-eval-agreement':
          return known(evaluations.get(argument)?.agreement ?? null, `store.evaluations.latest(${argument}).agreement`);
      }
      return { known: false };
    }
    if (name.startsWith('model-') && argument !== null) {
      const entry = catalog.models.find((model) => model.id === argument);
      if (entry === undefined) return { known: false };
      const contextLength = entry.contextLength?.value ?? null;
      switch (name) {
        case 'model-parameters':
          return known(entry.parameters?.value ?? null, `catalog ${argument}.parameters`);
        case 'model-context':
          return known(contextLength, `catalog ${argument}.contextLength`);
        case 'model-memory-mib': {
          const memory = estimateMemory(entry, contextLength ?? memoryEstimateContextTokens);
          return known(memory.kind === 'computed' ? Math.round(memory.bytes / (1024 * 1024)) : null, `estimateMemory(${argument}, ${contextLength ?? memoryEstimateContextTokens} tokens) in MiB`);
        }
      }
      return { known: false };
    }
    if (name.startsWith('job-') && argument !== null) {
      const job = jobById.get(argument);
      const figure = job === undefined ? undefined : jobFigures(job)[name.slice('job-'.length)];
      return figure === undefined ? { known: false } : known(figure, `store.jobs.get(${argument}) ${name.slice('job-'.length)}`);
    }
    return { known: false };
  }

  const reportIds = report?.tasks.map((task) => task.taskId) ?? [];
  const duplicateReportIds = [...new Set(reportIds.filter((id, index) => reportIds.indexOf(id) !== index))];
  return { expectedFigure, calls, observations, economics, duplicateReportIds };
}

interface TaskFigureInputs {
  calls: readonly CallRecord[];
  observations: readonly RouteObservation[];
  economics: Economics;
  summaryCostUsd: number;
  route: RoutePolicy | undefined;
  specialistId: string | null;
  evaluations: ReadonlyMap<string, StoredEvaluation | undefined>;
}

function taskFiguresOf(task: string, inputs: TaskFigureInputs): Record<string, { value: FigureValue; query: string }> {
  const calls = inputs.calls.filter((call) => taskOfCall(call) === task);
  const costUsd = calls.reduce((sum, call) => sum + (call.costUsd ?? 0), 0);
  const scored = inputs.observations.filter(
    (observation) => observation.task === task && observation.specialistId === inputs.specialistId && (observation.kind === 'shadow' || observation.kind === 'audit') && observation.agreed !== null,
  );
  const agreed = scored.filter((observation) => observation.agreed === true).length;
  const evaluation = inputs.specialistId === null ? undefined : inputs.evaluations.get(inputs.specialistId);
  return {
    calls: { value: calls.length, query: 'calls whose routing.task ?? task ?? discoveredTask is the id' },
    'cost-usd': { value: costUsd, query: 'Σ costUsd of the task’s calls' },
    'spend-share': { value: inputs.summaryCostUsd > 0 ? costUsd / inputs.summaryCostUsd : 0, query: 'Σ costUsd of the task’s calls ÷ store.calls.summarize().costUsd' },
    'route-mode': { value: inputs.route?.mode ?? 'off', query: "store.routes.get(id)?.mode ?? 'off'" },
    agreement: { value: scored.length === 0 ? null : agreed / scored.length, query: `agreed ÷ scored shadow+audit observations of ${inputs.specialistId ?? 'no specialist'}` },
    'eval-agreement': { value: evaluation?.agreement ?? null, query: `store.evaluations.latest(${inputs.specialistId ?? 'none'}).agreement` },
    'escalation-rate': { value: inputs.economics.tasks.find((entry) => entry.task === task)?.escalationRate ?? null, query: 'computeEconomics(…).tasks[id].escalationRate' },
  };
}

function jobFigures(job: JobRecord): Record<string, FigureValue> {
  const progress = (typeof job.progress === 'object' && job.progress !== null ? job.progress : {}) as Record<string, unknown>;
  const numberOrNull = (value: unknown) => (typeof value === 'number' ? value : null);
  const step = numberOrNull(progress.step);
  const totalSteps = numberOrNull(progress.totalSteps);
  const active = job.status === 'queued' || job.status === 'running';
  return {
    status: job.status,
    step,
    'total-steps': totalSteps,
    loss: numberOrNull(progress.loss),
    progress: step !== null && totalSteps ? step / totalSteps : null,
    eta: active ? numberOrNull(progress.etaSeconds) : null,
    duration: !active && job.startedAt !== null && job.finishedAt !== null ? (job.finishedAt - job.startedAt) / 1000 : null,
  };
}

/** True when a `data-value` string shows the expected value (numbers within 1e-9, relative for large ones). */
export function figureMatches(actual: string, expected: FigureValue): boolean {
  if (expected === null) return actual === '';
  if (typeof expected === 'number') {
    if (actual.trim() === '') return false;
    const parsed = Number(actual);
    return Number.isFinite(parsed) && Math.abs(parsed - expected) <= Math.max(1e-9, Math.abs(expected) * 1e-9);
  }
  return actual === String(expected);
}
