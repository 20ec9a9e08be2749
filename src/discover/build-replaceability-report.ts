/**
 * From logged calls to the replaceability report: discover the tasks, assess each (output shape, verdict,
 * savings), and sum what a specialist could take. Shares are of all calls given, unassigned and skipped
 * calls included, so the headline figures never overstate.
 */
import type { CallRecord } from '../contracts/call-record.ts';
import { createPricingTable, type PricingTable } from '../providers/pricing-table.ts';
import { discoverTasks, type DiscoverTasksOptions } from './discover-tasks.ts';
import type { DiscoveryResult } from './discovered-task.ts';
import type { CostModel, ReplaceabilityReport, TaskAssessment } from './replaceability-report.ts';
import { assessTask } from './report/assess-task.ts';
import { defaultCostModel } from './report/default-cost-model.ts';

export interface BuildReportOptions extends DiscoverTasksOptions {
  pricingTable?: PricingTable;
  costModel?: CostModel;
  /** Reuse a discovery already run on these calls. */
  discovery?: DiscoveryResult;
  now?: () => Date;
}

export async function buildReplaceabilityReport(calls: readonly CallRecord[], options: BuildReportOptions = {}): Promise<{ report: ReplaceabilityReport; discovery: DiscoveryResult }> {
  const discovery = options.discovery ?? (await discoverTasks(calls, options));
  const costModel = options.costModel ?? defaultCostModel(options.pricingTable ?? createPricingTable());
  const byId = new Map(calls.map((call) => [call.id, call] as const));
  const totals = { calls: calls.length, costUsd: 0, tokensIn: 0, tokensOut: 0 };
  let from: number | null = null;
  let to: number | null = null;
  for (const call of calls) {
    totals.costUsd += call.costUsd ?? 0;
    totals.tokensIn += call.tokensIn ?? 0;
    totals.tokensOut += call.tokensOut ?? 0;
    if (Number.isFinite(call.startedAt)) {
      from = from === null ? call.startedAt : Math.min(from, call.startedAt);
      to = to === null ? call.startedAt : Math.max(to, call.startedAt);
    }
  }
  const tasks: TaskAssessment[] = discovery.tasks.map((task) =>
    assessTask({ task, calls: task.callIds.map((id) => byId.get(id)).filter((call): call is CallRecord => call !== undefined), totals, costModel }),
  );
  tasks.sort((a, b) => b.costUsd - a.costUsd || b.calls - a.calls);
  const specialised = tasks.filter((task) => task.verdict === 'specialise');
  const replaceableCalls = specialised.reduce((sum, task) => sum + task.calls, 0);
  const replaceableCost = specialised.reduce((sum, task) => sum + task.costUsd, 0);
  const report: ReplaceabilityReport = {
    version: 1,
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    window: { from, to },
    totals,
    replaceable: {
      calls: replaceableCalls,
      callShare: totals.calls > 0 ? replaceableCalls / totals.calls : 0,
      costUsd: replaceableCost,
      spendShare: totals.costUsd > 0 ? replaceableCost / totals.costUsd : 0,
      projectedSavingsUsd: specialised.reduce((sum, task) => sum + task.projectedSavingsUsd, 0),
    },
    tasks,
    unassignedCalls: discovery.unassigned.length,
    skipped: discovery.skipped,
    costModel,
    embedder: discovery.embedder,
  };
  return { report, discovery };
}
