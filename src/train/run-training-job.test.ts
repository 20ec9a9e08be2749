// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
/**
 * The job runner's refusals, on a real store and real datasets: a dataset too small to teach anything, a
 * dataset changed since the job was launched, a backend this worker cannot run and hyper-parameters the
 * backend rejects all end the job `failed` with a reason before any training, and register nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDataset } from '../curate/dataset/build-dataset.ts';
import { createSimulatedTaskRecords } from '../curate/dataset/internal/simulated-task-records.ts';
import { createRedactor } from '../curate/redact/create-redactor.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createLoraBackend } from './backends/lora-backend.ts';
import { runJobWorker } from './run-job-worker.ts';
import { minimumTrainingExamples } from './run-training-job.ts';
import { launchTraining, pollTraining, type TrainJobSpec } from './training-job.ts';

describe('training job runner refusals', () => {
  let dir: string;
  let store: Store;
  let small: { dir: string; version: string };
  let large: { dir: string; version: string };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'understudy-runner-'));
    store = await openStore({ dataDir: path.join(dir, 'data') });
    const records = await createSimulatedTaskRecords({ agents: 'support', episodesPerAgent: 80, seed: 'runner' });
    const calls = records.get('support/extract-order') ?? [];
    const redactor = () => createRedactor({ mode: 'surrogate', scope: 'runner', secretKey: randomBytes(32) });
    const built = await buildDataset({ task: 'support/extract-order', calls, redactor: redactor(), outDir: path.join(dir, 'datasets'), seed: 'runner' });
    large = { dir: built.dir, version: built.manifest.version };
    const few = await buildDataset({ task: 'support/extract-order-few', calls: calls.slice(0, 6), redactor: redactor(), outDir: path.join(dir, 'datasets'), seed: 'runner' });
    small = { dir: few.dir, version: few.manifest.version };
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const spec = (overrides: Partial<TrainJobSpec>): TrainJobSpec => ({
    formatVersion: 1,
    task: 'support/extract-order',
    datasetDir: large.dir,
    datasetVersion: large.version,
    backend: 'lora',
    base: 'default',
    hyperparameters: {},
    device: 'cpu',
    verifyExamples: 2,
    ...overrides,
  });

  async function runToEnd(jobSpec: TrainJobSpec): Promise<string> {
    const handle = await launchTraining(store, jobSpec);
    await runJobWorker({
      store,
      dataDir: path.join(dir, 'data'),
      workerId: 'test-worker',
      createBackend: (job) => (job.backend === 'lora' ? createLoraBackend() : undefined),
      resolveBase: async (base) => base,
      scorer: async () => ({ correct: true, score: 1, valid: true, metric: 'exact' }),
      usdPerHour: 0.08,
      costBasis: 'test',
      once: true,
    });
    const status = await pollTraining(store, handle);
    assert.equal(status.state, 'failed', JSON.stringify(status));
    return status.state === 'failed' ? status.reason : '';
  }

  it('fails a job whose dataset is too small, changed, or whose backend or hyper-parameters cannot run, registering nothing', async () => {
    assert.match(await runToEnd(spec({ task: 'support/extract-order-few', datasetDir: small.dir, datasetVersion: small.version })), new RegExp(`at least ${minimumTrainingExamples} are needed`));
    assert.match(await runToEnd(spec({ datasetVersion: 'v-000000000000' })), /the job asked for v-000000000000/);
    assert.match(await runToEnd(spec({ backend: 'micro' })), /cannot run the 'micro' backend/);
    assert.match(await runToEnd(spec({ hyperparameters: { learning_rate: 0.1, rank: -1 } })), /unknown learning_rate.*rank/);
    assert.deepEqual(await store.specialists.list({ includeRetired: true }), []);
    const jobs = await store.jobs.list();
    assert.equal(jobs.length, 4);
    assert.ok(jobs.every((job) => job.status === 'failed' && job.finishedAt !== null));
  });

  it('refuses a malformed job spec at launch with every problem named', async () => {
    await assert.rejects(launchTraining(store, { ...spec({}), backend: 'gpu' as never, verifyExamples: -1 }), /backend.*verifyExamples|verifyExamples.*backend/);
  });
});
