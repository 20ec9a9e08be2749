/**
 * Test data for the renderers: a full `ReplaceabilityReport` assessed from simulator traffic, plus one task
 * whose name is hostile markup, so escaping is tested on real output. The `replaceable` summary is built here
 * the way the report builder is expected to (tasks with verdict `specialise`).
 */
import { createPricingTable } from '../../../providers/pricing-table.ts';
import type { ReplaceabilityReport, TaskAssessment } from '../../replaceability-report.ts';
import { assessTask } from '../assess-task.ts';
import { defaultCostModel } from '../default-cost-model.ts';
import { createSimulatedTraffic } from './simulated-call-records.ts';

export const hostileTaskName = '<script>alert("x")</script> | *bold*';

export async function createSampleReport(): Promise<ReplaceabilityReport> {
  const traffic = await createSimulatedTraffic({ episodesPerAgent: 40, seed: 'sample-report' });
  const costModel = defaultCostModel(createPricingTable());
  const totals = {
    calls: traffic.calls.length,
    costUsd: traffic.calls.reduce((sum, call) => sum + (call.costUsd ?? 0), 0),
    tokensIn: traffic.calls.reduce((sum, call) => sum + (call.tokensIn ?? 0), 0),
    tokensOut: traffic.calls.reduce((sum, call) => sum + (call.tokensOut ?? 0), 0),
  };
  const tasks: TaskAssessment[] = traffic.tasks.map((task) => {
    const renamed = task.id === 'support/extract-order' ? { ...task, name: hostileTaskName, templates: [{ text: 'user: <img src=x onerror=alert(1)> {{slot_1}}', calls: 3 }] } : task;
    // Enough examples for the structured tasks to reach a verdict of `specialise` at this small volume.
    return assessTask({ task: renamed, calls: traffic.callsOf(task.id), totals, costModel, examplesAvailable: 1000 });
  });
  const specialised = tasks.filter((task) => task.verdict === 'specialise');
  const replaceableCalls = specialised.reduce((sum, task) => sum + task.calls, 0);
  const replaceableCost = specialised.reduce((sum, task) => sum + task.costUsd, 0);
  return {
    version: 1,
    generatedAt: '2026-01-15T10:00:00.000Z',
    window: { from: 1_750_000_000_000, to: 1_750_000_900_000 },
    totals,
    replaceable: {
      calls: replaceableCalls,
      callShare: replaceableCalls / totals.calls,
      costUsd: replaceableCost,
      spendShare: replaceableCost / totals.costUsd,
      projectedSavingsUsd: specialised.reduce((sum, task) => sum + task.projectedSavingsUsd, 0),
    },
    tasks,
    unassignedCalls: 3,
    skipped: { binary_content: 1 },
    costModel,
    embedder: 'lexical',
  };
}
