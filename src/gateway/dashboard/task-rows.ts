/**
 * `GET /admin/tasks`: every known task (store.tasks) with its calls and spend (all time; a call's task is
 * `taskOfCall`), its route, the live agreement and escalation rate of its specialist, the latest offline
 * evaluation and the latest report's verdict. Spend is the calls' logged `costUsd` (what was paid as served;
 * calls without a price count 0).
 */
import type { CallRecord } from '../../contracts/call-record.ts';
import type { DashboardTaskRow } from '../../contracts/dashboard-api.ts';
import type { RouteObservation, RoutePolicy } from '../../contracts/route-policy.ts';
import type { KnownTask } from '../../contracts/task-signature.ts';
import { loadCalls } from '../../store/load-calls.ts';
import type { Store } from '../../store/store.ts';
import { dashboardVerdict, loadLatestReport, type ReportedTask } from './latest-report.ts';
import { taskOfCall } from './task-of-call.ts';

/** What the rows are made of; the detail page reuses it for its one task. */
export interface TaskRowSources {
  calls: CallRecord[];
  totalCostUsd: number;
  routes: Map<string, RoutePolicy>;
  observationsByTask: Map<string, RouteObservation[]>;
  report: Map<string, ReportedTask>;
}

export async function loadTaskRowSources(store: Store): Promise<TaskRowSources> {
  const [calls, routes, observations, report] = await Promise.all([loadCalls(store, {}), store.routes.list(), store.observations.list(), loadLatestReport(store.settings)]);
  const observationsByTask = new Map<string, RouteObservation[]>();
  for (const observation of observations) {
    const list = observationsByTask.get(observation.task) ?? [];
    list.push(observation);
    observationsByTask.set(observation.task, list);
  }
  return {
    calls,
    totalCostUsd: calls.reduce((sum, call) => sum + (call.costUsd ?? 0), 0),
    routes: new Map(routes.map((route) => [route.task, route])),
    observationsByTask,
    report,
  };
}

export async function listTaskRows(store: Store): Promise<DashboardTaskRow[]> {
  const [tasks, sources] = await Promise.all([store.tasks.list(), loadTaskRowSources(store)]);
  const callsByTask = new Map<string, { calls: number; costUsd: number }>();
  for (const call of sources.calls) {
    const task = taskOfCall(call);
    if (task === null) continue;
    const entry = callsByTask.get(task) ?? { calls: 0, costUsd: 0 };
    entry.calls += 1;
    entry.costUsd += call.costUsd ?? 0;
    callsByTask.set(task, entry);
  }
  return Promise.all(tasks.map((task) => taskRow(store, task, callsByTask.get(task.id) ?? { calls: 0, costUsd: 0 }, sources)));
}

export async function taskRow(store: Store, task: KnownTask, usage: { calls: number; costUsd: number }, sources: TaskRowSources): Promise<DashboardTaskRow> {
  const route = sources.routes.get(task.id);
  const specialistId = route?.specialistId ?? null;
  const observations = sources.observationsByTask.get(task.id) ?? [];
  const evaluation = specialistId === null ? undefined : await store.evaluations.latest(specialistId);
  return {
    id: task.id,
    name: task.name,
    source: task.source,
    agency: task.agency,
    calls: usage.calls,
    costUsd: roundUsd(usage.costUsd),
    spendShare: sources.totalCostUsd > 0 ? usage.costUsd / sources.totalCostUsd : 0,
    verdict: dashboardVerdict(sources.report.get(task.id)),
    openEnded: task.openEnded,
    route: route === undefined ? null : { mode: route.mode, canaryShare: route.canaryShare, specialistId },
    agreement: specialistId === null ? null : liveAgreement(observations, specialistId),
    evalAgreement: evaluation?.agreement ?? null,
    escalationRate: escalationRate(observations),
  };
}

/** Agreed ÷ compared, over the shadow and audit observations of one specialist that were scored. */
export function liveAgreement(observations: readonly RouteObservation[], specialistId: string): number | null {
  let compared = 0;
  let agreed = 0;
  for (const observation of observations) {
    if (observation.specialistId !== specialistId || (observation.kind !== 'shadow' && observation.kind !== 'audit') || observation.agreed === null) continue;
    compared += 1;
    if (observation.agreed) agreed += 1;
  }
  return compared === 0 ? null : agreed / compared;
}

/** Escalated ÷ (served + escalated) over the task's observations; null when no call was meant for a specialist. */
export function escalationRate(observations: readonly RouteObservation[]): number | null {
  const escalated = observations.filter((observation) => observation.kind === 'escalated').length;
  const served = observations.filter((observation) => observation.kind === 'served').length;
  return served + escalated === 0 ? null : escalated / (served + escalated);
}

function roundUsd(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}
