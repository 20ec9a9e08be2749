/**
 * A loop round over captured calls that declared no task: discovery's placements reach the store, and the
 * dashboard's tasks endpoint (over a real gateway on loopback) and the economics count each call under the stored
 * task discovery placed it in — the router's classification and the agent's declaration still win. No training:
 * the round is told to train nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { taskOfCall, type CallRecord } from '../contracts/call-record.ts';
import { parseConfig, type LoadedConfig } from '../contracts/config.ts';
import type { DashboardTaskRow } from '../contracts/dashboard-api.ts';
import type { RoutingExplanation } from '../contracts/route-policy.ts';
import type { KnownTask } from '../contracts/task-signature.ts';
import { createSimulatedTraffic } from '../discover/report/internal/simulated-call-records.ts';
import { startTestGateway, type TestGateway } from '../gateway/testing/start-test-gateway.ts';
import { createPricingTable } from '../providers/pricing-table.ts';
import { computeEconomics } from '../route/compute-economics.ts';
import { simulatedAgents } from '../simulate/driver/simulated-agents.ts';
import { loadCalls } from '../store/load-calls.ts';
import type { Store } from '../store/store.ts';
import { runLoopRound, type LoopRoundReport } from './run-loop-round.ts';

const routedTask = 'routed/elsewhere';

function knownTask(id: string): KnownTask {
  return { id, name: id, source: 'declared', agency: 'code', signature: { anchors: [], optional: [], structure: [] }, tools: [], responseFormat: null, callCount: 1, openEnded: false, updatedAt: 0 };
}

const routing: RoutingExplanation = {
  task: routedTask, classifiedBy: 'declared', mode: 'off', specialistId: null, escalationReason: null, escalationDetail: null, confidence: null, specialistLatencyMs: null, comparison: null,
};

describe('a loop round places undeclared calls in their discovered tasks', () => {
  let harness: TestGateway;
  let store: Store;
  let round: LoopRoundReport;
  let calls: CallRecord[];
  const routedCallId = 'routed-call';
  const emptyCallId = 'empty-call';

  before(async () => {
    harness = await startTestGateway();
    store = harness.gateway.store;
    const traffic = await createSimulatedTraffic({ episodesPerAgent: 12, seed: 'discovered-task', agents: [simulatedAgents.support!] });
    const stripped = traffic.calls.map((call) => ({ ...call, task: null }));
    // A call the router classified (like one before it) and one discovery can place nowhere; the latter carries a
    // placement from an earlier discovery, which this round must clear.
    const routed = { ...stripped[0]!, id: routedCallId, routing };
    const empty = { ...stripped[0]!, id: emptyCallId, request: { model: stripped[0]!.request.model, messages: [] } };
    await store.calls.insertMany([...stripped, routed, empty]);
    await store.tasks.upsert([knownTask(routedTask)]);
    await store.calls.assignDiscoveredTasks([{ callId: emptyCallId, task: 'stale-task' }]);
    const loaded: LoadedConfig = { config: parseConfig({}, 'test'), dataDir: harness.dataDir, databaseUrl: undefined, configPath: null, environment: {} };
    round = await runLoopRound({ store, loaded, only: () => false });
    calls = await loadCalls(store, {});
  });
  after(async () => {
    await harness?.close();
  });

  it('stores each call’s place under the stored task ids and clears a placement discovery no longer makes', async () => {
    assert.ok(round.tasks.length >= 2, `${round.tasks.length} tasks discovered`);
    const storedIds = new Set((await store.tasks.list()).map((task) => task.id));
    const placed = calls.filter((call) => call.discoveredTask !== undefined);
    assert.equal(placed.length, round.tasks.reduce((sum, outcome) => sum + outcome.calls, 0), 'every member of a task, and nothing else, is placed');
    assert.ok(placed.length > calls.length * 0.8, `${placed.length} of ${calls.length} calls placed`);
    for (const call of placed) assert.ok(storedIds.has(call.discoveredTask!), `${call.id} placed in ${call.discoveredTask}, not a stored task`);
    for (const outcome of round.tasks) {
      assert.equal(placed.filter((call) => call.discoveredTask === outcome.task).length, outcome.calls, `${outcome.name}: members placed`);
    }
    assert.equal(calls.find((call) => call.id === emptyCallId)?.discoveredTask, undefined, 'the stale placement is cleared');
  });

  it('the tasks endpoint counts undeclared calls under their discovered task, the router’s classification first', async () => {
    const response = await fetch(`http://127.0.0.1:${harness.gateway.port}/admin/tasks`, { headers: { authorization: `Bearer ${harness.adminToken}` } });
    assert.equal(response.status, 200);
    const rows = ((await response.json()) as { data: DashboardTaskRow[] }).data;
    const routedCall = calls.find((call) => call.id === routedCallId)!;
    assert.ok(routedCall.discoveredTask !== undefined && routedCall.discoveredTask !== routedTask, 'discovery placed the routed call in a discovered task');
    for (const outcome of round.tasks) {
      const row = rows.find((entry) => entry.id === outcome.task);
      assert.ok(row, `row for ${outcome.task}`);
      // The routed call is a member of its discovered task but counts under the router's task.
      const expected: number = outcome.calls - (outcome.task === routedCall.discoveredTask ? 1 : 0);
      assert.ok(expected > 0);
      assert.equal(row.calls, expected, `${outcome.name}: calls`);
    }
    assert.equal(rows.find((entry) => entry.id === routedTask)?.calls, 1);
    // Without placements every discovered task's row read 0: only declared or routed calls counted.
    const counted = rows.reduce((sum, row) => sum + row.calls, 0);
    assert.equal(counted, round.tasks.reduce((sum, outcome) => sum + outcome.calls, 0), 'every placed call counts once, the routed one under its route');
  });

  it('the economics group calls the same way: only calls discovery placed nowhere are unclassified', () => {
    const economics = computeEconomics({ calls, observations: [], pricing: createPricingTable({}), usdPerHour: 0.0816 });
    const unplaced = calls.filter((call) => call.discoveredTask === undefined && call.routing === null && call.task === null);
    assert.ok(unplaced.some((call) => call.id === emptyCallId));
    assert.equal(economics.tasks.find((entry) => entry.task === null)?.calls, unplaced.length);
    for (const outcome of round.tasks) {
      assert.equal(economics.tasks.find((entry) => entry.task === outcome.task)?.calls, calls.filter((call) => taskOfCall(call) === outcome.task).length);
    }
    // Declared beats discovered: an agent's own task name is never overridden by discovery's grouping.
    const declared = { ...calls[0]!, id: 'declared-call', task: 'declared/own', routing: null, discoveredTask: round.tasks[0]!.task };
    const withDeclared = computeEconomics({ calls: [declared], observations: [], pricing: createPricingTable({}), usdPerHour: 0.0816 });
    assert.deepEqual(withDeclared.tasks.map((entry) => entry.task), ['declared/own']);
  });
});
