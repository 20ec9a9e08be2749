// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
/**
 * `understudy train` and `understudy worker` as users run them, on the real LoRA worker (Debian torch) and
 * the real SmolLM2 base: a queued job is picked up by a worker that is SIGKILLed mid-run, a second worker takes
 * the stale job over and resumes from its checkpoint, and the specialist is registered only after it answered
 * validation examples in the embedded engine. Bad hyper-parameters fail the job with a reason and register
 * nothing. Skips cleanly where torch or the model is missing.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UnderstudyError } from '../../contracts/errors.ts';
import { locateSmolLm2 } from '../../providers/engines/internal/llama-test-models.ts';
import { prepareTrainingEnvironment } from '../../train/backends/peft-lora-trainer.ts';
import { prepareContactExtractionTask, startCli } from '../internal/cli-test-process.ts';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));


async function skipReason(): Promise<string | false> {
  const located = await locateSmolLm2();
  if (located.verdict !== 'found') return located.reason;
  try {
    await prepareTrainingEnvironment({ dataDir: path.join(repositoryRoot, '.understudy') });
  } catch (error) {
    if (error instanceof UnderstudyError && (error.code === 'system_dependency_missing' || error.code === 'upstream_unreachable')) return error.message.split('\n')[0]!;
    throw error;
  }
  return false;
}

const skip = await skipReason();

describe('understudy train and worker', { skip, timeout: 20 * 60_000 }, () => {
  let workDir: string;
  const children: ChildProcess[] = [];

  before(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'understudy-train-'));
    const located = await locateSmolLm2();
    assert.ok(located.verdict === 'found');
    // Reuse the repository's model cache and training venv instead of fetching and building them again.
    const pypiCache = path.dirname(path.dirname(located.modelPath));
    mkdirSync(path.join(workDir, '.understudy', 'models', 'pypi'), { recursive: true });
    mkdirSync(path.join(workDir, '.understudy', 'python'), { recursive: true });
    symlinkSync(pypiCache, path.join(workDir, '.understudy', 'models', 'pypi', path.basename(pypiCache)));
    symlinkSync(path.join(repositoryRoot, '.understudy', 'python', 'train'), path.join(workDir, '.understudy', 'python', 'train'));
  });
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  });

  function start(args: string[]) {
    const started = startCli(workDir, args);
    children.push(started.child);
    return started;
  }
  const run = (args: string[]) => start(args).done;

  async function job(id: string): Promise<{ status: string; attempts: number; progress: { phase?: string; step?: number } | null; error: string | null; result: { specialistId: string; reportPath: string; steps: number; verification: { examples: number; metric: string } } | null }> {
    const shown = await run(['jobs', 'show', id]);
    assert.equal(shown.code, 0, shown.stderr);
    return JSON.parse(shown.stdout) as never;
  }

  it('trains through a worker that is killed mid-run and a second one that resumes, then registers a verified specialist', async () => {
    const contact = { taskId: await prepareContactExtractionTask(workDir, { build: true }) };

    const queued = await run(['train', contact.taskId, '--steps', '6', '--batch-size', '2', '--lr', '1e-3', '--verify', '2', '--hyper', '{"checkpointEverySteps":2}', '--queue', '--json']);
    assert.equal(queued.code, 0, queued.stderr);
    const jobId = (JSON.parse(queued.stdout) as { handle: { jobId: string } }).handle.jobId;
    assert.equal((await job(jobId)).status, 'queued');

    // First worker: killed without warning once it is past its first checkpoint.
    const first = start(['worker', '--poll', '0.2']);
    const deadline = Date.now() + 8 * 60_000;
    for (;;) {
      const state = await job(jobId);
      if (state.status === 'running' && (state.progress?.step ?? 0) >= 3) break;
      assert.ok(state.status === 'queued' || state.status === 'running', `job ${state.status}: ${state.error}`);
      assert.ok(Date.now() < deadline, 'the first worker reaches step 3');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    first.child.kill('SIGKILL');
    await first.done;
    assert.equal((await job(jobId)).status, 'running', 'a dead worker leaves its job running until someone notices');

    // Second worker: after the stale limit it takes the job over and resumes from the step-2 (or later) checkpoint.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const second = await run(['worker', '--once', '--stale-after', '10', '--json']);
    assert.equal(second.code, 0, second.stderr);
    const finished = await job(jobId);
    assert.equal(finished.status, 'succeeded', finished.error ?? '');
    assert.equal(finished.attempts, 2);
    assert.ok(finished.result);
    assert.equal(finished.result.steps, 6);
    assert.equal(finished.result.verification.examples, 2);
    assert.equal(finished.result.verification.metric, 'json');
    const trainingReport = JSON.parse(readFileSync(path.join(path.dirname(finished.result.reportPath), 'report.json'), 'utf8')) as { lossCurve: Array<{ step: number }>; specialistId: string };
    assert.ok(trainingReport.lossCurve.length > 0 && trainingReport.lossCurve[0]!.step > 1, `the second worker resumed instead of starting over: ${JSON.stringify(trainingReport.lossCurve.map((point) => point.step))}`);
    assert.match(readFileSync(finished.result.reportPath, 'utf8'), /<svg[^>]+training loss/);
    assert.ok(existsSync(path.join(workDir, '.understudy', 'training', jobId, 'adapter.gguf')));

    // Bad hyper-parameters: the job fails with the reason, nothing is registered.
    const bad = await run(['train', contact.taskId, '--hyper', '{"learning_rate":0.1}']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown learning_rate/);
    assert.equal(bad.stderr.trim().split('\n').filter((line) => line.startsWith('understudy:')).length, 1);
    const list = JSON.parse((await run(['jobs', 'list', '--json'])).stdout) as { jobs: Array<{ status: string }> };
    assert.deepEqual(list.jobs.map((entry) => entry.status), ['failed', 'succeeded']);
    const badFlag = await run(['train', contact.taskId, '--backend', 'hosted', '--hosted-url', 'http://127.0.0.1:9/v1', '--rank', '8']);
    assert.equal(badFlag.code, 1);
    assert.match(badFlag.stderr, /--rank does not apply to --backend hosted/);
  });
});
