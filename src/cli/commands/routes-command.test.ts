// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
/**
 * `understudy routes` and `understudy economics` as a user runs them: real processes on a real store. The
 * tasks come from `understudy report` on simulated traffic (so `report` must have saved them for routing), and
 * a route set here is what the gateway's router reads.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../store/open-store.ts';
import { createTestCallRecord } from '../../store/internal/call-record-fixture.ts';
import { runCli } from '../internal/cli-test-process.ts';

describe('understudy routes and economics', () => {
  let cwd: string;
  let taskId: string;

  before(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), 'understudy-routes-'));
    const simulated = await runCli(cwd, ['simulate', '--agents', 'support', '--episodes', '60', '--latency-scale', '0', '--error-rate', '0', '--json']);
    assert.equal(simulated.code, 0, simulated.stderr);
    const report = await runCli(cwd, ['report', '--json']);
    assert.equal(report.code, 0, report.stderr);
    const store = await openStore({ dataDir: path.join(cwd, '.understudy') });
    try {
      const known = await store.tasks.list();
      assert.ok(known.length >= 3, `report saved ${known.length} tasks for routing`);
      assert.ok(known.some((task) => task.openEnded), 'the open-ended reply task is marked to stay on the LLM');
      const structured = known.find((task) => !task.openEnded && task.responseFormat !== null);
      assert.ok(structured !== undefined, 'a structured task was found');
      taskId = structured.id;
      await store.specialists.register({
        id: 'spec-one',
        task: taskId,
        name: 'one',
        status: 'ready',
        baseModel: '/models/base.gguf',
        adapterPath: '/models/one.gguf',
        adapterHfDir: null,
        promptFormat: 'chat-template', promptContext: null,
        datasetVersion: null,
        jobId: null,
        metrics: null,
        createdAt: Date.now(),
      });
      // Two calls the specialist served, one escalation, one plain LLM call: something for economics to count.
      const base = Date.now();
      const routing = { task: taskId, classifiedBy: 'template' as const, mode: 'live' as const, specialistId: 'spec-one', escalationReason: null, escalationDetail: null, confidence: 0.9, specialistLatencyMs: 500, comparison: null };
      await store.calls.insertMany([
        createTestCallRecord({ id: 'c1', startedAt: base, route: 'specialist', costUsd: 0.0000113, latencyMs: 500, routing }),
        createTestCallRecord({ id: 'c2', startedAt: base + 1, route: 'specialist', costUsd: 0.0000113, latencyMs: 500, routing }),
        createTestCallRecord({ id: 'c3', startedAt: base + 2, route: 'escalated', costUsd: 0.002, latencyMs: 1500, routing: { ...routing, escalationReason: 'invalid_output', escalationDetail: 'not JSON' } }),
      ]);
      await store.observations.append([
        { id: 'o1', callId: 'c1', task: taskId, specialistId: 'spec-one', kind: 'served', mode: 'live', valid: true, agreed: null, score: null, confidence: 0.9, specialistLatencyMs: 500, llmCostUsd: null, escalationReason: null, at: base },
        { id: 'o2', callId: 'c2', task: taskId, specialistId: 'spec-one', kind: 'served', mode: 'live', valid: true, agreed: null, score: null, confidence: 0.9, specialistLatencyMs: 500, llmCostUsd: null, escalationReason: null, at: base + 1 },
        { id: 'o3', callId: 'c3', task: taskId, specialistId: 'spec-one', kind: 'escalated', mode: 'live', valid: false, agreed: null, score: null, confidence: null, specialistLatencyMs: 400, llmCostUsd: null, escalationReason: 'invalid_output', at: base + 2 },
      ]);
    } finally {
      await store.close();
    }
  });
  after(async () => {
    if (cwd !== undefined) await rm(cwd, { recursive: true, force: true });
  });

  it('sets a route with the task newest specialist, lists it, and keeps the change history', async () => {
    const set = await runCli(cwd, ['routes', 'set', taskId, '--mode', 'canary', '--canary-share', '0.25', '--threshold', '0.8', '--json']);
    assert.equal(set.code, 0, set.stderr);
    const { route, event } = JSON.parse(set.stdout) as { route: { specialistId: string; canaryShare: number; confidenceThreshold: number; automatic: boolean }; event: { fromMode: string | null; toMode: string } };
    assert.equal(route.specialistId, 'spec-one');
    assert.equal(route.canaryShare, 0.25);
    assert.equal(route.confidenceThreshold, 0.8);
    assert.equal(route.automatic, false, 'an operator route is pinned unless --automatic');
    assert.deepEqual([event.fromMode, event.toMode], [null, 'canary']);

    const live = await runCli(cwd, ['routes', 'set', taskId, '--mode', 'live', '--automatic']);
    assert.equal(live.code, 0, live.stderr);
    assert.match(live.stdout, /canary → live with spec-one, automatic/);

    const list = await runCli(cwd, ['routes', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${taskId}.*live.*spec-one.*0\\.800`));

    const events = await runCli(cwd, ['routes', 'events', taskId, '--json']);
    assert.deepEqual((JSON.parse(events.stdout) as { events: Array<{ toMode: string }> }).events.map((entry) => entry.toMode), ['live', 'canary']);
  });

  it('refuses what cannot work with one line and exit 1', async () => {
    const badMode = await runCli(cwd, ['routes', 'set', taskId, '--mode', 'sometimes']);
    assert.equal(badMode.code, 1);
    assert.match(badMode.stderr, /--mode: 'sometimes' is not one of off, shadow, canary, live/);
    const unknown = await runCli(cwd, ['routes', 'set', 'no-such-task', '--mode', 'live']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No known task 'no-such-task'/);
    const share = await runCli(cwd, ['routes', 'set', taskId, '--mode', 'canary', '--canary-share', '2']);
    assert.equal(share.code, 1);
    assert.match(share.stderr, /--canary-share: '2' is not a share between 0 and 1/);
  });

  it('prices what routing did: specialist share, escalations and savings against all-LLM', async () => {
    const result = await runCli(cwd, ['economics', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const economics = JSON.parse(result.stdout) as { tasks: Array<{ task: string | null; calls: number; specialistCalls: number; escalations: { total: number; byReason: Record<string, number> }; escalationRate: number | null }> };
    const routed = economics.tasks.find((task) => task.task === taskId);
    assert.ok(routed !== undefined);
    assert.equal(routed.specialistCalls, 2);
    assert.equal(routed.escalations.byReason['invalid_output'], 1);
    assert.ok(Math.abs((routed.escalationRate ?? 0) - 1 / 3) < 1e-9);
    const table = await runCli(cwd, ['economics']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /All tasks/);
  });
});
