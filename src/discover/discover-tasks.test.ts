import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallRecord } from '../contracts/call-record.ts';
import { createTestCallRecord } from '../store/internal/call-record-fixture.ts';
import { simulatedAgents } from '../simulate/driver/simulated-agents.ts';
import type { SimulatedAgent } from '../simulate/simulated-task.ts';
import { clusterAgreement } from './cluster-agreement.ts';
import { discoverTasks } from './discover-tasks.ts';
import type { DiscoveryResult } from './discovered-task.ts';
import { createSimulatedTraffic } from './report/internal/simulated-call-records.ts';

function agreement(result: DiscoveryResult, calls: readonly CallRecord[], truth: ReadonlyMap<string, string>) {
  const taskOf = new Map<string, string>();
  for (const task of result.tasks) for (const id of task.callIds) taskOf.set(id, task.id);
  return clusterAgreement(calls.map((call) => taskOf.get(call.id) ?? 'unassigned'), calls.map((call) => truth.get(call.id)!));
}

function stripTasks(calls: readonly CallRecord[]): { stripped: CallRecord[]; truth: Map<string, string> } {
  return { stripped: calls.map((call) => ({ ...call, task: null })), truth: new Map(calls.map((call) => [call.id, call.task!] as const)) };
}

const agents = (names: string[]) => names.map((name) => (simulatedAgents as Record<string, SimulatedAgent>)[name]!);

describe('discoverTasks on simulator traffic with the task headers stripped', () => {
  it('recovers the code-agency tasks, the two shared-skeleton table tasks included', async () => {
    const traffic = await createSimulatedTraffic({ episodesPerAgent: 150, seed: 'discover-code', agents: agents(['query', 'support']) });
    const { stripped, truth } = stripTasks(traffic.calls);
    const result = await discoverTasks(stripped);
    const { nmi, purity } = agreement(result, stripped, truth);
    // Deterministic traffic: these are the measured figures with a small margin, not a hoped-for band.
    console.log(`code agency: NMI ${nmi.toFixed(4)} purity ${purity.toFixed(4)} tasks ${result.tasks.length}`);
    assert.ok(nmi >= 0.87, `NMI ${nmi.toFixed(4)}`);
    assert.ok(purity >= 0.95, `purity ${purity.toFixed(4)}`);
    // The two tasks that share one system-prompt skeleton never land in one discovered task.
    for (const task of result.tasks) {
      const members = new Set(task.callIds.map((id) => truth.get(id)));
      assert.ok(!(members.has('query/extract-tables') && members.has('query/rerank-tables')), `${task.name} mixes table extraction and re-ranking`);
    }
    assert.equal(result.unassigned.length + Object.values(result.skipped).reduce((a, b) => a + b, 0), 0);
    for (const task of result.tasks) {
      assert.equal(task.source, 'discovered');
      assert.match(task.name, /^[a-z0-9-]+$/);
      assert.ok(task.templates[0]!.text.length > 0, `template of ${task.name}`);
    }
  });

  it('finds the language-model-agency loop as one "next step" task with its tools', async () => {
    const traffic = await createSimulatedTraffic({ episodesPerAgent: 120, seed: 'discover-loop', agents: agents(['toolloop']) });
    const { stripped, truth } = stripTasks(traffic.calls);
    const result = await discoverTasks(stripped);
    const { nmi, purity } = agreement(result, stripped, truth);
    assert.equal(result.tasks.length, 1, result.tasks.map((task) => `${task.name}:${task.callIds.length}`).join(', '));
    assert.equal(nmi, 1);
    assert.equal(purity, 1);
    const [loop] = result.tasks;
    assert.equal(loop!.agency, 'language-model');
    assert.ok(loop!.tools.includes('search_flights'));
    assert.match(loop!.name, /^next-step/);
  });
});

describe('discoverTasks with declared tasks', () => {
  it('recovers every declared task exactly and discovers only the rest', async () => {
    const traffic = await createSimulatedTraffic({ episodesPerAgent: 40, seed: 'discover-declared' });
    const declaredNames = new Set(['support/classify-intent', 'query/write-sql']);
    const calls = traffic.calls.map((call) => (declaredNames.has(call.task!) ? call : { ...call, task: null }));
    const result = await discoverTasks(calls);
    for (const name of declaredNames) {
      const task = result.tasks.find((candidate) => candidate.id === name);
      assert.ok(task, `declared ${name} recovered`);
      assert.equal(task.source, 'declared');
      assert.deepEqual(new Set(task.callIds), new Set(traffic.callsOf(name).map((call) => call.id)));
    }
    const discoveredIds = result.tasks.filter((task) => task.source === 'discovered').flatMap((task) => task.callIds);
    assert.equal(discoveredIds.length, calls.filter((call) => call.task === null).length);
  });
});

describe('discoverTasks on bad input', () => {
  it('skips unreadable calls with a counted reason and never throws', async () => {
    const good = Array.from({ length: 30 }, (_, index) =>
      createTestCallRecord({ id: `good-${index}`, episodeId: `run-${index}`, request: { model: 'm', messages: [{ role: 'system', content: 'Classify the ticket.' }, { role: 'user', content: `Ticket ${index}: printer on fire` }] } }),
    );
    const bad: unknown[] = [
      { id: 'no-messages', episodeId: null, task: null, request: { model: 'm' }, response: null },
      { id: 'not-object', episodeId: null, task: null, request: 'hello', response: null },
      { id: 'empty', episodeId: null, task: null, request: { messages: [] }, response: null },
      { id: 'null-content', episodeId: null, task: null, request: { messages: [{ role: 'user', content: null }] }, response: null },
      { id: 'numbers', episodeId: null, task: null, request: { messages: [{ role: 'user', content: 42 }, 7, null] }, response: 5 },
      { id: 'binary', episodeId: null, task: null, request: { messages: [{ role: 'user', content: '\u0000\u0001\u0002\u0003\u0004'.repeat(200) }] }, response: null },
      { id: 'non-utf8', episodeId: null, task: null, request: { messages: [{ role: 'user', content: '\ufffd\ufffd\ufffd abc \ufffd\ufffd'.repeat(50) }] }, response: null },
      { id: 'huge', episodeId: null, task: null, request: { messages: [{ role: 'user', content: 'x '.repeat(3_000_000) }] }, response: null },
      { id: 'getter-throws', episodeId: null, task: null, get request(): unknown { throw new Error('boom'); }, response: null },
    ];
    const result = await discoverTasks([...good, ...(bad as CallRecord[])]);
    const skipped = Object.values(result.skipped).reduce((sum, count) => sum + count, 0);
    assert.equal(skipped, 8, JSON.stringify(result.skipped));
    assert.equal(result.skipped['binary or non-UTF-8 content'], 2);
    assert.ok(result.tasks.some((task) => task.callIds.includes('huge')) || result.unassigned.some((entry) => entry.callId === 'huge'));
    assert.equal(result.tasks.reduce((sum, task) => sum + task.callIds.length, 0) + result.unassigned.length + skipped, good.length + bad.length);
  });
});
