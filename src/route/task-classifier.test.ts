import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { CallRecord } from '../contracts/call-record.ts';
import type { KnownTask, TaskSignature } from '../contracts/task-signature.ts';
import { discoverTasks, extractCallFeatures, knownTaskFromDiscovered, type DiscoveryResult } from '../discover/index.ts';
import { createSimulatedTraffic } from '../discover/report/internal/simulated-call-records.ts';
import { createRandom } from '../simulate/random.ts';
import { supportAgent } from '../simulate/support/support-agent.ts';
import { teacherAnswer } from '../simulate/support/internal/teacher-for-tests.ts';
import { createTaskClassifier, type TaskClassifier } from './task-classifier.ts';

/** Discovery on one seed's traffic (task headers stripped); the classifier then meets another seed's calls. */
interface Trained {
  discovery: DiscoveryResult;
  classifier: TaskClassifier;
  /** Discovered task id → the true task most of its member calls belong to. */
  mapping: Map<string, string>;
  fresh: CallRecord[];
}

let trained: Trained;
const trainingCalls = new Map<string, CallRecord>();

before(async () => {
  const training = await createSimulatedTraffic({ episodesPerAgent: 150, seed: 'classifier-train' });
  const fresh = await createSimulatedTraffic({ episodesPerAgent: 150, seed: 'classifier-fresh' });
  for (const call of training.calls) trainingCalls.set(call.id, call);
  const discovery = await discoverTasks(training.calls.map((call) => ({ ...call, task: null })));
  const truth = new Map(training.calls.map((call) => [call.id, call.task!] as const));
  const mapping = new Map<string, string>();
  for (const task of discovery.tasks) {
    const counts = new Map<string, number>();
    for (const id of task.callIds) counts.set(truth.get(id)!, (counts.get(truth.get(id)!) ?? 0) + 1);
    mapping.set(task.id, [...counts].sort((a, b) => b[1] - a[1])[0]![0]);
  }
  const classifier = createTaskClassifier(discovery.tasks.map((task) => knownTaskFromDiscovered(task, { openEnded: false, now: 0 })));
  trained = { discovery, classifier, mapping, fresh: fresh.calls };
});

describe('createTaskClassifier on simulator traffic', () => {
  it('classifies a fresh seed’s calls to the discovered task of their true task', () => {
    const { classifier, mapping, fresh } = trained;
    const ownTask = new Set(mapping.values());
    let agreed = 0;
    let agreedOwn = 0;
    let own = 0;
    let wrongTask = 0;
    const methods: Record<string, number> = {};
    for (const call of fresh) {
      const result = classifier.classify(call.request, null);
      methods[result.method] = (methods[result.method] ?? 0) + 1;
      const right = result.task !== null && mapping.get(result.task) === call.task;
      if (right) agreed += 1;
      if (ownTask.has(call.task!)) {
        own += 1;
        if (right) agreedOwn += 1;
        else if (result.task !== null) wrongTask += 1;
      }
    }
    const agreement = agreed / fresh.length;
    const agreementOwn = agreedOwn / own;
    console.log(`agreement ${agreement.toFixed(4)} over ${fresh.length} calls; ${agreementOwn.toFixed(4)} over the ${own} calls whose true task discovery found; ${JSON.stringify(methods)}`);
    // Measured 0.9598 and 0.9840 (deterministic traffic). All-calls agreement is capped by discovery: on this
    // training seed it merged query/fix-sql into query/write-sql (44 calls here), which no classifier can undo.
    // Every other miss is `unknown`, none a wrong task: support/draft-reply calls whose only skeleton is a
    // temperature three discovered tasks share (a tie, so no guess).
    assert.ok(agreement >= 0.955, `agreement ${agreement.toFixed(4)}`);
    assert.ok(agreementOwn >= 0.98, `agreement on discovered tasks ${agreementOwn.toFixed(4)}`);
    assert.equal(wrongTask, 0, 'a call of a task discovery found was given another task');
    assert.ok(methods['template']! / fresh.length >= 0.95, JSON.stringify(methods));
  });

  it('agrees with discovery on the calls discovery saw', () => {
    const { discovery, classifier } = trained;
    let agreed = 0;
    let total = 0;
    for (const task of discovery.tasks) {
      for (const id of task.callIds) {
        total += 1;
        if (classifier.classify(requestOf(id), null).task === task.id) agreed += 1;
      }
    }
    console.log(`agreement with discovery on its own calls ${(agreed / total).toFixed(4)}`);
    // Measured 0.9777: the misses are mostly the skeleton-less draft-reply calls, classified unknown.
    assert.ok(agreed / total >= 0.96, `${agreed}/${total}`);
  });

  it('calls an unrelated prompt unknown', () => {
    const result = trained.classifier.classify(
      { model: 'gpt-4.1-mini', messages: [{ role: 'system', content: 'You are a poet.' }, { role: 'user', content: 'Write a haiku about autumn leaves falling on a quiet pond.' }] },
      null,
    );
    assert.deepEqual({ task: result.task, method: result.method }, { task: null, method: 'unknown' });
    assert.equal(trained.classifier.classify({ messages: [] }, null).method, 'unknown');
    assert.equal(trained.classifier.classify('not a request', null).method, 'unknown');
  });

  it('takes a declared known task as given, and never guesses past an unknown declared name', () => {
    const { classifier, discovery, fresh } = trained;
    const task = discovery.tasks[0]!;
    assert.deepEqual(classifier.classify({ messages: [{ role: 'user', content: 'anything' }] }, task.id), { task: task.id, method: 'declared', similarity: 1 });
    assert.deepEqual(classifier.classify(fresh[0]!.request, 'never-declared-before'), { task: null, method: 'unknown', similarity: 0 });
  });

  it('keeps a task whose schema gained a field (drift) on its route', async () => {
    const { classifier, mapping } = trained;
    const results: Record<string, number> = {};
    for (let seed = 0; seed < 40; seed += 1) {
      await supportAgent.runEpisode({
        episodeId: `drift-${seed}`,
        random: createRandom(`drift-${seed}`),
        split: 'train',
        openEndedShare: 0.3,
        drift: new Set(['support/extract-order']),
        send: async (call) => {
          if (call.task === 'support/extract-order') {
            const schema = (call.request as { response_format?: { json_schema?: { schema?: { properties?: Record<string, unknown> } } } }).response_format?.json_schema?.schema;
            assert.ok(schema?.properties?.['delivery'] !== undefined, 'the drifted schema has the new field');
            const result = classifier.classify(call.request, null);
            const key = result.task === null ? 'unknown' : mapping.get(result.task)!;
            results[key] = (results[key] ?? 0) + 1;
          }
          return teacherAnswer(supportAgent.skills, call.request, createRandom(`answer-${seed}`));
        },
      });
    }
    const total = Object.values(results).reduce((sum, count) => sum + count, 0);
    assert.ok(total >= 20, `${total} drifted calls`);
    assert.ok((results['support/extract-order'] ?? 0) / total >= 0.95, JSON.stringify(results));
  });

  it('sends a call with one anchor sentence reworded to its task by nearest', () => {
    const { classifier, discovery, fresh, mapping } = trained;
    const task = discovery.tasks.find((candidate) => candidate.signature.anchors.some((anchor) => anchor.startsWith('s:') && !anchor.includes('#')))!;
    assert.ok(task, 'a discovered task with a literal system-prompt anchor');
    const call = fresh.find((candidate) => candidate.task === mapping.get(task.id) && classifier.classify(candidate.request, null).method === 'template')!;
    const request = structuredClone(call.request) as { messages: Array<{ role: string; content: unknown }> };
    const system = request.messages.find((message) => message.role === 'system')!;
    const content = system.content as string;
    const anchor = task.signature.anchors.find((candidate) => candidate.startsWith('s:') && content.toLowerCase().includes(candidate.slice(2)))!;
    const at = content.toLowerCase().indexOf(anchor.slice(2));
    system.content = `${content.slice(0, at)}Note that ${content.slice(at)}`;
    const features = extractCallFeatures({ id: 'x', episodeId: null, task: null, request, response: null });
    assert.ok(features.ok && !features.features.sentences.includes(anchor), 'the anchor is gone');
    const result = classifier.classify(request, null);
    assert.equal(result.method, 'nearest');
    assert.equal(result.task, task.id);
    assert.ok(result.similarity >= 0.6 && result.similarity < 1, String(result.similarity));
  });
});

describe('createTaskClassifier on hand-made signatures', () => {
  const known = (id: string, signature: TaskSignature, callCount = 10): KnownTask => ({
    id,
    name: id,
    source: 'discovered',
    agency: 'code',
    signature,
    tools: [],
    responseFormat: null,
    callCount,
    openEnded: false,
    updatedAt: 0,
  });
  const request = (temperature: number, topP?: number) => ({
    model: 'm',
    temperature,
    ...(topP === undefined ? {} : { top_p: topP }),
    messages: [{ role: 'system', content: 'Sort the tickets. Reply with one label.' }, { role: 'user', content: 'My parcel never arrived.' }],
  });

  it('prefers a template match to a closer nearest match', () => {
    const classifier = createTaskClassifier([
      known('anchored', { anchors: ['s:sort the tickets.', 's:reply with one label.'], optional: [], structure: ['p:temperature=0'] }),
      known('loose', { anchors: [], optional: ['s:sort the tickets.', 's:reply with one label.'], structure: ['p:temperature=0', 'p:top_p=1'] }, 1000),
    ]);
    const call = request(0, 1);
    assert.equal(classifier.classifyNearest(call).task, 'loose');
    assert.deepEqual(classifier.classify(call, null), { task: 'anchored', method: 'template', similarity: 1 });
  });

  it('never matches a task without anchors and structure by template', () => {
    const classifier = createTaskClassifier([known('empty', { anchors: [], optional: ['s:sort the tickets.'], structure: [] })]);
    assert.notEqual(classifier.classify(request(0), null).method, 'template');
  });

  it('requires the task’s tools and response format', () => {
    const classifier = createTaskClassifier([known('plain', { anchors: ['s:sort the tickets.', 's:reply with one label.'], optional: [], structure: [] })]);
    assert.equal(classifier.classify(request(0), null).method, 'template');
    const withFormat = { ...request(0), response_format: { type: 'json_object' } };
    assert.equal(classifier.classify(withFormat, null).task, null);
  });
});

function requestOf(id: string): unknown {
  const call = trainingCalls.get(id);
  assert.ok(call, id);
  return call.request;
}
