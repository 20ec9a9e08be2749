// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
// @understudy-test-lane serial — loads models, runs Python or trains (scripts/test.js runs these one at a time).
/**
 * `understudy demo --quick --no-serve --json` as a user runs it, twice on one fresh data directory: the first run
 * captures, discovers, trains (or takes the adapter from the shared training cache — the repository's
 * `.understudy`, which CI fills once), proves, routes and prints figures that agree with the store; the second run
 * resumes — no capture, no training from scratch (the specialist is kept, or, where it failed its gates, the same
 * dataset's training comes back from the cache). Skips only where the SmolLM2 weights or the Python trainer cannot
 * be obtained. Bad flags are one-line usage errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { DemoFigures } from '../../loop/run-demo.ts';
import { locateSmolLm2 } from '../../providers/engines/internal/llama-test-models.ts';
import { openStore } from '../../store/open-store.ts';
import { prepareTrainingEnvironment } from '../../train/backends/peft-lora-trainer.ts';
import { runCli } from '../internal/cli-test-process.ts';

const repositoryCache = fileURLToPath(new URL('../../../.understudy', import.meta.url));
const cacheDir = process.env.UNDERSTUDY_CACHE_DIR ?? repositoryCache;

async function skipReason(): Promise<string | false> {
  const located = await locateSmolLm2();
  if (located.verdict !== 'found') return located.reason;
  try {
    await prepareTrainingEnvironment({ dataDir: cacheDir });
  } catch (error) {
    if (error instanceof UnderstudyError && (error.code === 'system_dependency_missing' || error.code === 'upstream_unreachable')) return error.message.split('\n')[0]!;
    throw error;
  }
  return false;
}

const skip = await skipReason();

type DemoOutput = DemoFigures & { dataDir: string; baseUrl: string; dashboardUrl: string | null };

describe('understudy demo --quick', () => {
  let workDir: string;
  before(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'understudy-demo-'));
  });
  after(() => rmSync(workDir, { recursive: true, force: true }));

  it('rejects bad flags with one line and a usage exit code', async () => {
    for (const args of [['--budget', 'soon'], ['--episodes', '2.5'], ['--episodes', '0'], ['--port', '70000']]) {
      const result = await runCli(workDir, ['demo', '--quick', '--no-serve', ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^understudy: .*(--budget|--episodes|port)/);
    }
  });

  it('runs the whole loop, prints figures that match the store, and resumes on a second run', { skip, timeout: 25 * 60_000 }, async () => {
    const environment = { UNDERSTUDY_CACHE_DIR: cacheDir, UNDERSTUDY_DATA_DIR: path.join(workDir, 'data') };
    const started = Date.now();
    const first = await runCli(workDir, ['demo', '--quick', '--no-serve', '--json', '--latency-scale', '0'], environment);
    assert.equal(first.code, 0, first.stderr);
    const one = JSON.parse(first.stdout) as DemoOutput;
    process.stderr.write(`demo --quick, first run: ${((Date.now() - started) / 1000).toFixed(0)} s (${one.training.trained} trained, ${one.training.reused} reused)\n`);

    const store = await openStore({ dataDir: one.dataDir });
    let storeCalls: number;
    try {
      storeCalls = (await store.calls.summarize({})).calls;
    } finally {
      await store.close();
    }
    assert.equal(one.dashboardUrl, null);
    assert.equal(one.capture.skipped, false);
    assert.equal(one.capture.episodesThisRun, 150);
    assert.ok(one.capture.callsThisRun > 300, `${one.capture.callsThisRun} calls captured`);
    assert.equal(one.storeCalls, storeCalls, 'the figures count what the store holds');
    assert.equal(one.economics.overall.calls, storeCalls);
    assert.equal(one.discovery.calls, one.capture.callsThisRun, 'discovery saw every captured call');
    assert.ok(one.discovery.tasks >= 5, `${one.discovery.tasks} tasks discovered`);
    assert.ok(one.training.available);
    assert.equal(one.training.trained + one.training.reused, 1, 'quick trains (or reuses) exactly one task');
    const trained = one.tasks.find((task) => task.action === 'trained');
    assert.ok(trained?.evaluation, 'the trained task was evaluated offline');
    assert.ok(trained.evaluation.examples > 0 && trained.evaluation.agreement >= 0 && trained.evaluation.agreement <= 1);
    const overall = one.economics.overall;
    assert.equal(overall.llmCalls + overall.specialistCalls, overall.calls);
    assert.ok(overall.baselineUsd > 0 && Number.isFinite(overall.totalUsd));
    if (trained.evaluation.passed) {
      assert.ok(one.route.calls > 0, 'a specialist that passed is routed on more traffic');
      assert.ok(overall.shadowRuns + overall.specialistCalls > 0, 'the specialist ran on live traffic');
    }
    assert.ok(one.stillOnLlm.length >= one.discovery.tasks - 1, 'every other task says why it is still on the LLM');
    assert.ok(one.stillOnLlm.every((task) => task.why.length > 0));

    const second = await runCli(workDir, ['demo', '--quick', '--no-serve', '--json', '--latency-scale', '0'], environment);
    assert.equal(second.code, 0, second.stderr);
    const two = JSON.parse(second.stdout) as DemoOutput;
    process.stderr.write(`demo --quick, both runs: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    assert.equal(two.capture.skipped, true, 'the second run keeps the captured calls');
    assert.equal(two.capture.callsThisRun, 0);
    assert.equal(two.training.trained, 0, 'nothing is trained from scratch again');
    const again = two.tasks.find((task) => task.task === trained.task);
    assert.ok(again, 'the trained task is rediscovered under the same id');
    assert.ok(
      again.reused || again.action === 'kept',
      `the second run kept the specialist or reused its training from the cache: ${again.action} — ${again.reason}`,
    );
    assert.ok(two.storeCalls >= one.storeCalls);
  });
});
