import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallRecord } from '../contracts/call-record.ts';
import { createTestCallRecord } from '../store/internal/call-record-fixture.ts';
import { simulatedAgents } from '../simulate/driver/simulated-agents.ts';
import type { SimulatedAgent } from '../simulate/simulated-task.ts';
import { clusterAgreement } from './cluster-agreement.ts';
import { discoverTasks } from './discover-tasks.ts';
import { extractCallFeatures, type CallFeatures } from './internal/call-features.ts';
import { buildSkeletonVocabulary } from './internal/skeleton-vocabulary.ts';
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
    assert.ok(nmi >= 0.95, `NMI ${nmi.toFixed(4)}`);
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

/** Deterministic draws for hand-built traffic (mulberry32). */
function seeded(seed: number): { int: (n: number) => number; pick: <T>(items: readonly T[]) => T; words: (n: number) => string } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(items: readonly T[]) => items[int(items.length)]!;
  const vocabulary = ['amber', 'basil', 'cedar', 'delta', 'ember', 'fjord', 'garnet', 'harbor', 'indigo', 'juniper', 'kelp', 'lumen', 'maple', 'nectar', 'onyx', 'pepper', 'quartz', 'russet', 'sorrel', 'tundra'];
  return { int, pick, words: (n) => Array.from({ length: n }, () => pick(vocabulary) + int(1000)).join(' ') };
}

function record(id: string, episodeId: string, truth: string, messages: Array<{ role: string; content: string }>, truthOf: Map<string, string>): CallRecord {
  truthOf.set(id, truth);
  return createTestCallRecord({ id, episodeId, task: null, request: { model: 'm', messages: messages as never, temperature: 0 } });
}

describe('discoverTasks with payload that recurs and conversations that grow', () => {
  it('does not split a task by a run-constant payload block that recurs across runs (a database schema)', async () => {
    const random = seeded(7);
    const domains = ['shop', 'clinic', 'airline', 'payroll'].map((domain) => ({
      domain,
      tables: Array.from({ length: 5 }, (_, table) => `Table ${domain}_t${table} has columns id, ${domain}_name${table}, ${domain}_value${table}, created_${domain}.`),
    }));
    const truthOf = new Map<string, string>();
    const calls: CallRecord[] = [];
    for (let episode = 0; episode < 240; episode += 1) {
      const run = `run-${episode}`;
      const { domain, tables } = random.pick(domains);
      const question = `Question: ${random.words(6)}?`;
      calls.push(
        record(`${run}-pick`, run, 'pick-tables', [
          { role: 'system', content: `${random.pick(['You choose the tables a question needs.', 'Act as a schema expert who picks tables.'])} The data comes from the ${domain} system. Never invent tables.` },
          { role: 'user', content: `${tables.join('\n')}\n\n${question}\n\n${random.pick(['List the tables, comma-separated.', 'Which tables are needed? Comma-separated names only.', 'Name the needed tables, separated by commas.'])}` },
        ], truthOf),
        record(`${run}-sql`, run, 'write-sql', [
          { role: 'system', content: 'You write SQLite queries for analysts. Reply with SQL only.' },
          { role: 'user', content: `Hint: the ${domain} database names every key column id.\n\n${question}\n\nWrite the query.` },
        ], truthOf),
        record(`${run}-sum`, run, 'summarise', [
          { role: 'system', content: 'You summarise query results for managers.' },
          { role: 'user', content: `Result: ${random.words(8)}\n\nSummarise the result in two sentences.` },
        ], truthOf),
      );
    }
    // The rule itself: one schema's sentences and another's are alternatives of one slot; steps stay apart.
    const vocabulary = buildSkeletonVocabulary(calls.map((call) => (extractCallFeatures(call) as { ok: true; features: CallFeatures }).features));
    const feature = (sentence: string) => vocabulary.featureOf.get(sentence);
    assert.notEqual(feature('s:the data comes from the shop system.'), undefined);
    assert.equal(feature('s:the data comes from the shop system.'), feature('s:the data comes from the clinic system.'));
    assert.equal(feature('u:table shop_t# has columns id, shop_name#, shop_value#, created_shop.'), feature('u:table airline_t# has columns id, airline_name#, airline_value#, created_airline.'));
    assert.notEqual(feature('u:write the query.'), feature('u:summarise the result in two sentences.'));
    assert.notEqual(feature('s:you write sqlite queries for analysts.'), feature('s:you summarise query results for managers.'));
    const result = await discoverTasks(calls);
    const { nmi, purity } = agreement(result, calls, truthOf);
    assert.equal(result.tasks.length, 3, result.tasks.map((task) => `${task.name}:${task.callIds.length}`).join(', '));
    assert.equal(nmi, 1);
    assert.equal(purity, 1);
  });

  it("joins a chat's later turns (follow-ups from a pool) to the chat, and keeps the run's other step apart", async () => {
    const random = seeded(11);
    const openers = ['Do you ship to Norway?', 'Can I pay with PayPal?', 'How long do refunds take?', 'Is there a student discount?', 'Can I change my delivery address?', 'Do you sell gift cards?'];
    const followUps = ['Great, one more thing.', 'Hmm, that is not very clear.', 'Perfect, thanks a lot.', 'Okay, and is that the same for all countries?', 'Could you explain that again?', 'And what about returns?'];
    const truthOf = new Map<string, string>();
    const calls: CallRecord[] = [];
    for (let episode = 0; episode < 200; episode += 1) {
      const run = `chat-${episode}`;
      calls.push(
        record(`${run}-label`, run, 'label', [
          { role: 'system', content: 'Label the customer message as shipping, payment, refund or other. Answer with the label only.' },
          { role: 'user', content: `Message: ${random.words(7)}` },
        ], truthOf),
      );
      const messages: Array<{ role: string; content: string }> = [{ role: 'system', content: 'You are the shop assistant in the website chat. Be friendly and brief.' }, { role: 'user', content: random.pick(openers) }];
      const turns = 1 + random.int(4);
      for (let turn = 0; turn < turns; turn += 1) {
        calls.push(record(`${run}-turn-${turn}`, run, 'chat', [...messages], truthOf));
        messages.push({ role: 'assistant', content: `Sure: ${random.words(10)}.` }, { role: 'user', content: random.pick(followUps) });
      }
    }
    const result = await discoverTasks(calls);
    const { nmi, purity } = agreement(result, calls, truthOf);
    assert.equal(result.tasks.length, 2, result.tasks.map((task) => `${task.name}:${task.callIds.length}`).join(', '));
    assert.equal(nmi, 1);
    assert.equal(purity, 1);
  });
});
