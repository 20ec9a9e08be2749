import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { GroundTruth } from '../simulated-task.ts';
import { runSimulation } from './run-simulation.ts';
import { resolveDriftedTasks, resolveSimulatedAgents, simulatedAgents } from './simulated-agents.ts';
import { startSimulationStack, type SimulationStack } from './start-simulation-stack.ts';

const agents = Object.values(simulatedAgents);
const skills = agents.flatMap((agent) => agent.skills);

describe('the real agents through the gateway and the teacher', () => {
  let directory: string;
  before(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'understudy-agents-test-'));
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  test('at error rate 0: the logged mix follows the agents and every scored answer is right', async () => {
    const stack: SimulationStack = await startSimulationStack({ skills, teacher: { seed: 11, errorRate: 0, latency: { scale: 0 } } });
    try {
      const groundTruthFile = path.join(directory, 'truth.jsonl');
      const episodes = agents.length * 20;
      const summary = await runSimulation({ agents, episodes, seed: 11, concurrency: 6, gatewayBaseUrl: stack.gateway.baseUrl, apiKey: stack.apiKey, groundTruthFile });
      assert.equal(summary.failures, 0, summary.failureSamples.join('\n'));
      assert.equal(summary.failedEpisodes, 0, summary.failureSamples.join('\n'));
      assert.equal(summary.teacherCorrectRate, 1, JSON.stringify(summary.byTask));
      const teacher = stack.teacher.stats();
      assert.equal(teacher.unrecognised, 0);
      assert.equal(teacher.ambiguous, 0);

      const truths = readFileSync(groundTruthFile, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as GroundTruth);
      assert.equal(truths.length, summary.calls);
      // The teacher recognised each call as the task the agent generated.
      for (const [task, tally] of Object.entries(summary.byTask)) assert.equal(teacher.byTask[task], tally.calls, task);

      await stack.gateway.logWriter.flush();
      const stored = await stack.gateway.store.calls.list({ projectId: stack.projectId, limit: 100_000 });
      assert.equal(stored.length, summary.calls);
      const agentOfEpisode = new Map(truths.map((truth) => [truth.episodeId, truth.agent]));
      const loggedByAgent: Record<string, number> = {};
      for (const call of stored) {
        const agent = agentOfEpisode.get(call.episodeId ?? '') ?? 'unknown';
        loggedByAgent[agent] = (loggedByAgent[agent] ?? 0) + 1;
      }
      assert.deepEqual(
        loggedByAgent,
        Object.fromEntries(Object.entries(summary.byAgent).map(([agent, tally]) => [agent, tally.calls])),
      );
      for (const agent of agents) assert.equal(summary.byAgent[agent.name]?.episodes, 20);
      assert.ok(stored.every((call) => call.status === 'ok' && call.task === null));
    } finally {
      await stack.close();
    }
  });

  test('at error rate 0.1: about one scored answer in ten is wrong', async () => {
    const stack = await startSimulationStack({ skills, teacher: { seed: 13, errorRate: 0.1, latency: { scale: 0 } } });
    try {
      const summary = await runSimulation({ agents, episodes: agents.length * 200, seed: 13, concurrency: 8, gatewayBaseUrl: stack.gateway.baseUrl, apiKey: stack.apiKey });
      assert.equal(summary.failures, 0, summary.failureSamples.join('\n'));
      // The workload and the teacher's decisions are seeded: this draw is the same on every run.
      assert.ok(summary.scoredCalls > 1000);
      const wrongRate = 1 - (summary.teacherCorrectRate ?? 0);
      // A deliberately wrong answer is occasionally still right (a different query with the same rows).
      assert.ok(wrongRate > 0.06 && wrongRate < 0.14, `wrong rate ${wrongRate}`);
      const teacher = stack.teacher.stats();
      assert.ok(Math.abs(teacher.wrongAnswers / summary.scoredCalls - 0.1) < 0.03, `teacher wrong ${teacher.wrongAnswers}/${summary.scoredCalls}`);
    } finally {
      await stack.close();
    }
  });

  test('the same seed gives the same workload byte for byte', async () => {
    const stack = await startSimulationStack({ skills, teacher: { seed: 21, errorRate: 0.05, latency: { scale: 0 } } });
    try {
      const run = async (file: string, concurrency: number) => {
        const groundTruthFile = path.join(directory, file);
        await runSimulation({ agents, episodes: agents.length * 15, seed: 21, concurrency, gatewayBaseUrl: stack.gateway.baseUrl, apiKey: stack.apiKey, groundTruthFile });
        return readFileSync(groundTruthFile);
      };
      const first = await run('same-1.jsonl', 8);
      // requestSha256 on every line: equal files mean every request body was equal too.
      assert.ok(first.equals(await run('same-2.jsonl', 3)));
    } finally {
      await stack.close();
    }
  });

  test('task drift from an episode on: the drifted calls carry the new field, earlier ones are unchanged', async () => {
    const stack = await startSimulationStack({ skills, teacher: { seed: 23, errorRate: 0, latency: { scale: 0 } } });
    try {
      const support = resolveSimulatedAgents('support');
      const run = async (file: string, drift?: { tasks: string[]; fromEpisode: number }) => {
        const groundTruthFile = path.join(directory, file);
        const summary = await runSimulation({ agents: support, episodes: 80, seed: 23, concurrency: 6, gatewayBaseUrl: stack.gateway.baseUrl, apiKey: stack.apiKey, groundTruthFile, ...(drift ? { drift } : {}) });
        assert.equal(summary.failures, 0, summary.failureSamples.join('\n'));
        assert.equal(summary.teacherCorrectRate, 1, JSON.stringify(summary.byTask));
        return readFileSync(groundTruthFile, 'utf8').trimEnd().split('\n');
      };
      const plain = await run('no-drift.jsonl');
      const drifted = await run('drift.jsonl', { tasks: ['support/extract-order'], fromEpisode: 40 });
      const episodeOf = (line: string) => Number((JSON.parse(line) as GroundTruth).episodeId.split('-')[2]);
      // Before the switch, byte for byte what a run without drift sends.
      assert.deepEqual(drifted.filter((line) => episodeOf(line) < 40), plain.filter((line) => episodeOf(line) < 40));
      let driftedOrders = 0;
      for (const truth of drifted.map((line) => JSON.parse(line) as GroundTruth)) {
        const late = Number(truth.episodeId.split('-')[2]) >= 40;
        const isOrder = truth.task === 'support/extract-order';
        assert.equal(truth.drifted, late && isOrder ? true : undefined, `${truth.episodeId} ${truth.task}`);
        if (isOrder && truth.expected.kind === 'json') {
          const value = truth.expected.value as Record<string, unknown>;
          assert.equal('delivery' in value, late, truth.episodeId);
          if (late) assert.ok(value.delivery === 'standard' || value.delivery === 'express');
          if (late) driftedOrders += 1;
        }
      }
      assert.equal(driftedOrders, 40);
      assert.equal(stack.teacher.stats().unrecognised, 0);
    } finally {
      await stack.close();
    }
  });

  test('a drift no agent of the run can make is refused', async () => {
    const options = { agents: resolveSimulatedAgents('query'), episodes: 1, gatewayBaseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k' };
    await assert.rejects(runSimulation({ ...options, drift: { tasks: ['support/extract-order'] } }), /no agent of this run can drift 'support\/extract-order'/);
    await assert.rejects(runSimulation({ ...options, agents: resolveSimulatedAgents('support'), drift: { tasks: ['support/extract-order'], fromEpisode: -1 } }), /fromEpisode/);
    assert.deepEqual(resolveDriftedTasks(' support/extract-order ,support/extract-order', resolveSimulatedAgents('query,support')), ['support/extract-order']);
    assert.throws(() => resolveDriftedTasks('support/extract-contact', resolveSimulatedAgents('support')), /cannot drift.*driftable: support\/extract-order/);
    assert.throws(() => resolveDriftedTasks('support/extract-order', resolveSimulatedAgents('query')), /driftable: none/);
    assert.throws(() => resolveDriftedTasks(',', resolveSimulatedAgents('support')), /at least one/);
  });

  test('agent lists resolve by name and reject unknown names', () => {
    assert.deepEqual(
      resolveSimulatedAgents(agents.map((agent) => agent.name).join(',')).map((agent) => agent.name),
      agents.map((agent) => agent.name),
    );
    assert.throws(() => resolveSimulatedAgents('nobody'), /Unknown agent 'nobody'/);
    assert.throws(() => resolveSimulatedAgents(' , '), /at least one/);
  });
});
