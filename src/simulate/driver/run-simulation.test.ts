import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { GroundTruth, SimulatedAgent } from '../simulated-task.ts';
import { createTestAgent } from '../teacher/testing/create-test-agent.ts';
import { runSimulation, type RunSimulationOptions } from './run-simulation.ts';
import { startSimulationStack, type SimulationStack } from './start-simulation-stack.ts';

/** What each episode sent, keyed by the sha256 of the exact body, to join the store to the sidecar. */
const sentBodies = new Map<string, unknown>();

/** The test agents, wrapped to remember every request they send. */
const agents: SimulatedAgent[] = [createTestAgent('query'), createTestAgent('support')].map((agent) => ({
  ...agent,
  runEpisode: (context) =>
    agent.runEpisode({
      ...context,
      send(call) {
        sentBodies.set(createHash('sha256').update(JSON.stringify(call.request)).digest('hex'), call.request);
        return context.send(call);
      },
    }),
}));

/** JSON with sorted keys: the gateway stores the request as parsed, which may reorder keys. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, member]) => member !== undefined).sort(([left], [right]) => (left < right ? -1 : 1));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function readGroundTruth(file: string): GroundTruth[] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as GroundTruth);
}

describe('runSimulation through a real gateway', () => {
  let stack: SimulationStack;
  let directory: string;
  before(async () => {
    stack = await startSimulationStack({ skills: agents.flatMap((agent) => agent.skills), teacher: { seed: 9, errorRate: 0, latency: { scale: 0 } } });
    directory = mkdtempSync(path.join(tmpdir(), 'understudy-simulation-test-'));
  });
  after(async () => {
    await stack.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const options = (seed: number, file: string): RunSimulationOptions => ({
    agents,
    episodes: 24,
    concurrency: 5,
    seed,
    gatewayBaseUrl: stack.gateway.baseUrl,
    apiKey: stack.apiKey,
    groundTruthFile: path.join(directory, file),
  });

  test('logged calls match the ground truth, the agent mix and the teacher', async () => {
    const progress: number[] = [];
    const summary = await runSimulation({ ...options(1, 'first.jsonl'), onProgress: ({ episodesDone }) => progress.push(episodesDone) });
    assert.equal(summary.failures, 0, summary.failureSamples.join('\n'));
    assert.equal(progress.at(-1), 24);
    assert.equal(summary.teacherCorrectRate, 1);
    assert.deepEqual(summary.byAgent, { query: { episodes: 12, calls: summary.byAgent.query?.calls }, support: { episodes: 12, calls: summary.byAgent.support?.calls } });
    assert.ok(summary.openEndedShare > 0 && summary.openEndedShare < 0.5);

    const truths = readGroundTruth(summary.groundTruthFile ?? '');
    assert.equal(truths.length, summary.calls);
    // Episodes in index order, steps in order within each: the file does not depend on scheduling.
    const episodeOrder = [...new Set(truths.map((truth) => truth.episodeId))];
    assert.deepEqual(episodeOrder, Array.from({ length: 24 }, (_, index) => `sim-1-${index}`));
    for (const truth of truths) assert.equal(truth.agent, Number(truth.episodeId.split('-')[2]) % 2 === 0 ? 'query' : 'support');

    await stack.gateway.logWriter.flush();
    const stored = await stack.gateway.store.calls.list({ projectId: stack.projectId, limit: 10_000, order: 'asc' });
    const ours = stored.filter((call) => call.episodeId?.startsWith('sim-1-'));
    assert.equal(ours.length, truths.length);
    assert.ok(ours.every((call) => call.status === 'ok' && call.task === null && call.tokensIn !== null));
    // Every sidecar line joins, by its sha256, a request that the store holds for the same episode.
    const logged = ours.map((call) => `${call.episodeId} ${canonicalJson(call.request)}`).sort();
    const expected = truths.map((truth) => `${truth.episodeId} ${canonicalJson(sentBodies.get(truth.requestSha256))}`).sort();
    assert.deepEqual(logged, expected);
    const loggedByAgent = { query: 0, support: 0 };
    for (const call of ours) loggedByAgent[Number(call.episodeId?.split('-')[2]) % 2 === 0 ? 'query' : 'support'] += 1;
    assert.deepEqual(loggedByAgent, { query: summary.byAgent.query?.calls, support: summary.byAgent.support?.calls });
    assert.ok(ours.some((call) => call.stream));
  });

  test('the same seed gives a byte-identical ground truth file; another seed does not', async () => {
    const first = await runSimulation(options(2, 'a.jsonl'));
    const second = await runSimulation({ ...options(2, 'b.jsonl'), concurrency: 2 });
    const other = await runSimulation(options(3, 'c.jsonl'));
    const read = (summary: { groundTruthFile: string | null }) => readFileSync(summary.groundTruthFile ?? '');
    assert.ok(read(first).length > 0);
    assert.ok(read(first).equals(read(second)));
    assert.ok(!read(first).equals(read(other)));
  });

  test('failed calls are counted and end only their episode', async () => {
    // Three failed calls: the gateway makes three attempts at each (its default `gateway.retries`) before it gives up.
    stack.teacher.setFault({ kind: 'status', status: 503, count: 9 });
    const summary = await runSimulation({ ...options(4, 'faults.jsonl'), concurrency: 1, episodes: 6 });
    stack.teacher.setFault(null);
    assert.equal(summary.failedEpisodes, 3);
    assert.equal(summary.failures, 3);
    assert.match(summary.failureSamples[0] ?? '', /HTTP 50[23]/);
  });
});
