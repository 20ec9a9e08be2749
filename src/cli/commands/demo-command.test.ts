// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
// @understudy-test-lane serial — loads models, runs Python or trains (scripts/test.js runs these one at a time).
/**
 * `understudy demo --quick --no-serve --json` as a user runs it on a fresh clone, in two fresh data directories that
 * share one training cache (the repository's `.understudy`, or `UNDERSTUDY_CACHE_DIR`): the first run captures,
 * discovers, trains (or takes the adapter from the cache, where an earlier run left it), proves, routes and prints
 * figures that agree with the store; the second, in another fresh data directory, captures the same seeded traffic
 * (in another order, under other call ids) and reuses that adapter instead of training again — the dataset version,
 * and so the cache key, depends only on the calls' content and the redaction key, which both runs share through
 * `UNDERSTUDY_SECRET_KEY` (a per-installation secret by default, so different installations never share pseudonyms).
 * Skips only where the SmolLM2 weights or the Python trainer cannot be obtained. Bad flags are one-line usage errors.
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

/** Test-only redaction key, the same for both data directories (as a team or CI would share one). */
const sharedSecretKey = Buffer.alloc(32, 0x5a).toString('base64');

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

  it('runs the whole loop with figures that match the store, then a fresh data directory reuses the adapter from the shared cache (trained 0, reused 1), and a re-run there resumes', { skip, timeout: 25 * 60_000 }, async () => {
    const environment = (name: string) => ({ UNDERSTUDY_CACHE_DIR: cacheDir, UNDERSTUDY_DATA_DIR: path.join(workDir, name), UNDERSTUDY_SECRET_KEY: sharedSecretKey });
    const demoArguments = ['demo', '--quick', '--no-serve', '--json', '--latency-scale', '0'];
    const started = Date.now();
    const first = await runCli(workDir, demoArguments, environment('data-a'));
    assert.equal(first.code, 0, first.stderr);
    const one = JSON.parse(first.stdout) as DemoOutput;
    process.stderr.write(`demo --quick, first data directory: ${((Date.now() - started) / 1000).toFixed(0)} s (${one.training.trained} trained, ${one.training.reused} reused)\n`);

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
    const outcomes = (figures: DemoOutput) => figures.tasks.filter((task) => task.action !== null && task.reason !== 'not selected').map((task) => `${task.name}: ${task.action} — ${task.reason}`).join('; ');
    assert.equal(one.training.trained + one.training.reused, 1, `quick trains (or reuses) exactly one task: ${outcomes(one)}`);
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

    // A fresh clone (or a CI job): another empty data directory, the same cache and redaction key.
    const second = await runCli(workDir, demoArguments, environment('data-b'));
    assert.equal(second.code, 0, second.stderr);
    const two = JSON.parse(second.stdout) as DemoOutput;
    process.stderr.write(`demo --quick, both data directories: ${((Date.now() - started) / 1000).toFixed(0)} s (second: ${two.training.trained} trained, ${two.training.reused} reused)\n`);
    assert.notEqual(two.dataDir, one.dataDir);
    assert.equal(two.capture.skipped, false, 'the fresh data directory captures its own calls');
    assert.equal(two.capture.callsThisRun, one.capture.callsThisRun, 'the same seeded traffic');
    assert.equal(two.training.trained, 0, `nothing is trained again: ${outcomes(two)}`);
    assert.equal(two.training.reused, 1, `the adapter comes from the shared training cache: ${outcomes(two)}`);
    const again = two.tasks.find((task) => task.task === trained.task);
    assert.ok(again, 'the trained task is discovered under the same id');
    assert.equal(again.action, 'trained');
    assert.equal(again.reused, true, `${again.action} — ${again.reason}`);
    assert.ok(again.evaluation, 'the reused specialist is proven offline like a new one');
    assert.equal(again.evaluation.examples, trained.evaluation.examples, 'the same validation split');
    assert.equal(again.evaluation.agreement, trained.evaluation.agreement, 'the same adapter on the same examples');

    // Re-running in the same directory resumes: nothing captured or trained again, the specialist kept.
    const third = await runCli(workDir, demoArguments, environment('data-b'));
    assert.equal(third.code, 0, third.stderr);
    const three = JSON.parse(third.stdout) as DemoOutput;
    process.stderr.write(`demo --quick, all three runs: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    assert.equal(three.capture.skipped, true, 'the re-run keeps the captured calls');
    assert.equal(three.capture.callsThisRun, 0);
    assert.equal(three.training.trained, 0, `nothing is trained from scratch again: ${outcomes(three)}`);
    const kept = three.tasks.find((task) => task.task === trained.task);
    assert.ok(kept, 'the trained task is rediscovered under the same id');
    assert.ok(kept.reused || kept.action === 'kept', `the re-run kept the specialist or reused its training: ${kept.action} — ${kept.reason}`);
    assert.ok(three.storeCalls >= two.storeCalls);
  });
});
