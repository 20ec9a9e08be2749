import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { isUnderstudyError, UnderstudyError } from '../../contracts/errors.ts';
import { buildDataset } from '../../curate/dataset/build-dataset.ts';
import { createSimulatedTaskRecords } from '../../curate/dataset/internal/simulated-task-records.ts';
import { readDataset, type LoadedDataset } from '../../curate/dataset/read-dataset.ts';
import { createRedactor } from '../../curate/redact/create-redactor.ts';
import { createOpenAICompatibleEngine } from '../../providers/engines/openai-compatible-engine.ts';
import type { TrainingProgress, TrainingRequest } from '../training-backend.ts';
import { createHostedFineTuningBackend, hostedJobStateFileName } from './hosted-fine-tuning-backend.ts';
import { startFineTuningApiStandIn } from './internal/fine-tuning-api-stand-in.ts';

const workDir = await mkdtemp(path.join(tmpdir(), 'understudy-hosted-'));
after(() => rm(workDir, { recursive: true, force: true }));
const task = 'support/extract-order';
const records = (await createSimulatedTaskRecords({ agents: 'support', episodesPerAgent: 40, seed: 'hosted' })).get(task) ?? [];
const built = await buildDataset({ task, calls: records, redactor: createRedactor({ scope: 'hosted-test', secretKey: new Uint8Array(32) }), outDir: path.join(workDir, 'datasets'), seed: 'hosted' });
const dataset = await readDataset(built.dir);
const apiKey = 'sk-stand-in-0123456789abcdef';
const keyVariable = 'UNDERSTUDY_TEST_FINE_TUNING_KEY';
process.env[keyVariable] = apiKey;
const base = 'gpt-4.1-nano-2025-04-14';

let runNumber = 0;
function trainingRequest(overrides: Partial<TrainingRequest> = {}): TrainingRequest {
  runNumber += 1;
  return { dataDir: workDir, dataset, base, outputDir: path.join(workDir, `run-${runNumber}`), hyperparameters: { n_epochs: 2, batch_size: 4, learning_rate_multiplier: 0.5, seed: 7 }, device: 'auto', ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

test('happy path: uploads both splits, creates the job, maps metrics events to progress and the loss curve, and the served model answers', async (t) => {
  assert.ok(dataset.train.length >= 10 && dataset.validation.length > 0, `dataset has ${dataset.train.length} train / ${dataset.validation.length} validation lines`);
  const standIn = await startFineTuningApiStandIn({ apiKey, baseModels: [base], totalSteps: 6, stepsPerPoll: 2, replyText: '{"item":"latte","quantity":2}' });
  t.after(() => standIn.close());
  const backend = createHostedFineTuningBackend({ baseUrl: `${standIn.url}/`, apiKeyEnv: keyVariable, pollIntervalMs: 1 });
  const progress: TrainingProgress[] = [];
  const request = trainingRequest();
  const artifacts = await backend.train(request, { onProgress: (report) => progress.push(report) });

  assert.equal(backend.name, 'hosted');
  const files = [...standIn.files.values()].filter((file) => file.purpose === 'fine-tune');
  assert.equal(files.length, 2);
  const [job, ...otherJobs] = standIn.jobs.values();
  assert.ok(job);
  assert.equal(otherJobs.length, 0);
  const trainingFile = standIn.files.get(job.training_file);
  const validationFile = job.validation_file === null ? undefined : standIn.files.get(job.validation_file);
  assert.deepEqual(trainingFile?.content, await readFile(path.join(dataset.dir, 'train.jsonl')));
  assert.deepEqual(validationFile?.content, await readFile(path.join(dataset.dir, 'validation.jsonl')));
  assert.match(trainingFile?.filename ?? '', /^support-extract-order\.v-[0-9a-f]{12}\.train\.jsonl$/);
  assert.equal(job.model, base);
  assert.deepEqual(job.hyperparameters, { n_epochs: 2, batch_size: 4, learning_rate_multiplier: 0.5 });
  assert.equal(job.seed, 7);
  assert.equal(job.user_provided_suffix, 'support-extract-order');
  assert.equal(job.status, 'succeeded');

  assert.deepEqual(progress.filter((report) => report.phase === 'upload').map((report) => report.message?.split(' ')[0]), ['train.jsonl', 'validation.jsonl']);
  assert.ok(progress.some((report) => report.phase === 'queued' && report.message?.includes('validating_files')));
  const steps = progress.filter((report) => report.phase === 'training' && report.step !== undefined);
  assert.deepEqual(steps.map((report) => report.step), [1, 2, 3, 4, 5, 6]);
  assert.ok(steps.every((report) => report.totalSteps === 6 && typeof report.loss === 'number' && typeof report.etaSeconds === 'number'));
  assert.ok(progress.some((report) => report.message?.startsWith('New fine-tuned model created')));

  assert.equal(artifacts.backend, 'hosted');
  assert.equal(artifacts.baseModel, base);
  assert.equal(artifacts.adapterPath, null);
  assert.equal(artifacts.adapterHfDir, null);
  assert.equal(artifacts.modelPath, null);
  assert.deepEqual(artifacts.served, { baseUrl: standIn.url, model: job.fine_tuned_model, apiKeyEnv: keyVariable });
  assert.match(artifacts.served?.model ?? '', /^ft:gpt-4\.1-nano-2025-04-14:.+:support-extract-order:/);
  assert.equal(artifacts.steps, 6);
  assert.deepEqual(artifacts.lossCurve.map((point) => point.step), [1, 2, 3, 4, 5, 6]);
  assert.ok(artifacts.lossCurve.every((point, index, curve) => index === 0 || point.loss < (curve[index - 1]?.loss ?? Infinity)), 'loss falls');
  assert.equal(artifacts.metrics.firstLoss, artifacts.lossCurve[0]?.loss);
  assert.equal(artifacts.metrics.trainLoss, artifacts.lossCurve.at(-1)?.loss);
  assert.equal(typeof artifacts.metrics.evalLoss, 'number');
  assert.equal(artifacts.metrics.trainedTokens, job.trained_tokens);

  const state = JSON.parse(await readFile(path.join(request.outputDir, hostedJobStateFileName), 'utf8')) as Record<string, unknown>;
  assert.equal(state.jobId, job.id);
  assert.equal(state.trainingFileId, job.training_file);
  assert.equal(JSON.stringify(state).includes(apiKey), false, 'the key is never stored');

  const served = artifacts.served;
  assert.ok(served);
  const engine = createOpenAICompatibleEngine({ baseUrl: served.baseUrl, model: served.model, apiKey });
  const wrongModel = createOpenAICompatibleEngine({ baseUrl: served.baseUrl, model: base, apiKey });
  t.after(() => Promise.all([engine.close(), wrongModel.close()]));
  const answer = await engine.complete({ messages: [{ role: 'user', content: 'Two lattes for Ana.' }] });
  assert.equal(answer.content, '{"item":"latte","quantity":2}');
  const notFineTuned = await rejection(wrongModel.complete({ messages: [{ role: 'user', content: 'Hi' }] }));
  assert.ok(isUnderstudyError(notFineTuned, 'upstream_error') && notFineTuned.message.includes('does not exist'));
});

test('re-attaches after a crash: a second train() with the same outputDir follows the same job and uploads nothing again', async (t) => {
  const standIn = await startFineTuningApiStandIn({ apiKey, totalSteps: 8, stepsPerPoll: 2, pollsPerStatus: 2 });
  t.after(() => standIn.close());
  // The first process loses its network for good once the job is running: as if it had been killed.
  let retrieves = 0;
  const dyingFetch: typeof fetch = async (input, init) => {
    if (/\/fine_tuning\/jobs\/[^/]+$/.test(String(input)) && (retrieves += 1) > 5) throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    return fetch(input, init);
  };
  const request = trainingRequest();
  const crashed = await rejection(createHostedFineTuningBackend({ baseUrl: standIn.url, apiKeyEnv: keyVariable, pollIntervalMs: 1, fetchImpl: dyingFetch }).train(request, {}));
  assert.ok(isUnderstudyError(crashed, 'upstream_unreachable'), String(crashed));
  const [job] = standIn.jobs.values();
  assert.equal(job?.status, 'running', 'the remote job kept going');
  assert.equal(standIn.jobs.size, 1);

  const backend = createHostedFineTuningBackend({ baseUrl: standIn.url, apiKeyEnv: keyVariable, pollIntervalMs: 1 });
  const progress: TrainingProgress[] = [];
  const artifacts = await backend.train(request, { onProgress: (report) => progress.push(report) });
  assert.equal(standIn.jobs.size, 1, 'no second job');
  assert.equal(standIn.requests.filter((line) => line === 'POST /v1/files').length, 2, 'no second upload');
  assert.equal(standIn.requests.filter((line) => line === 'POST /v1/fine_tuning/jobs').length, 1);
  assert.ok(progress.some((report) => report.message === `re-attached to job ${job.id} (running)`));
  assert.equal(artifacts.served?.model, job.fine_tuned_model);
  assert.deepEqual(artifacts.lossCurve.map((point) => point.step), [1, 2, 3, 4, 5, 6, 7, 8], 'the curve includes the steps seen before the crash');

  // A finished run is not trained twice either: the same directory hands back the same model.
  const again = await backend.train(request, {});
  assert.equal(again.served?.model, job.fine_tuned_model);
  assert.equal(standIn.jobs.size, 1);

  const otherBase = await rejection(backend.train({ ...request, base: 'another-model' }, {}));
  assert.ok(isUnderstudyError(otherBase, 'invalid_request') && otherBase.message.includes('another-model'), String(otherBase));
});

test('aborting cancels the remote job and rejects; the next train() starts a new job from the same uploads', async (t) => {
  const standIn = await startFineTuningApiStandIn({ apiKey, totalSteps: 20, stepsPerPoll: 1 });
  t.after(() => standIn.close());
  const backend = createHostedFineTuningBackend({ baseUrl: standIn.url, apiKeyEnv: keyVariable, pollIntervalMs: 1 });
  const controller = new AbortController();
  const reason = new Error('stopped by the user');
  const request = trainingRequest();
  const failure = await rejection(
    backend.train(request, {
      signal: controller.signal,
      onProgress: (report) => {
        if (report.step === 2) controller.abort(reason);
      },
    }),
  );
  assert.equal(failure, reason);
  const [job] = standIn.jobs.values();
  assert.ok(job);
  assert.deepEqual(standIn.cancelRequests, [job.id]);
  assert.equal(job.status, 'cancelled');

  const artifacts = await backend.train(request, {});
  assert.equal(standIn.jobs.size, 2, 'a cancelled job is replaced');
  assert.equal(standIn.requests.filter((line) => line === 'POST /v1/files').length, 2, 'uploads are reused');
  const state = JSON.parse(await readFile(path.join(request.outputDir, hostedJobStateFileName), 'utf8')) as { previousJobIds: string[]; jobId: string };
  assert.deepEqual(state.previousJobIds, [job.id]);
  assert.notEqual(state.jobId, job.id);
  assert.equal(artifacts.steps, 20);
});

test('provider errors: a bad training file fails the job with its reason; 4xx answers keep the provider message', async (t) => {
  const standIn = await startFineTuningApiStandIn({ apiKey, baseModels: [base], echoWrongKey: true });
  t.after(() => standIn.close());
  const backend = createHostedFineTuningBackend({ baseUrl: standIn.url, apiKeyEnv: keyVariable, pollIntervalMs: 1 });

  // A dataset whose fifth line ends on the user's turn: readDataset's checks are per role, the provider's are stricter.
  const brokenDir = path.join(workDir, 'broken-dataset');
  await cp(dataset.dir, brokenDir, { recursive: true });
  const lines = (await readFile(path.join(brokenDir, 'train.jsonl'), 'utf8')).trimEnd().split('\n');
  lines[4] = JSON.stringify({ messages: [{ role: 'user', content: 'Two lattes for Ana.' }] });
  await writeFile(path.join(brokenDir, 'train.jsonl'), `${lines.join('\n')}\n`);
  const brokenDataset: LoadedDataset = { ...dataset, dir: brokenDir };
  const invalidFile = await rejection(backend.train(trainingRequest({ dataset: brokenDataset }), {}));
  assert.ok(isUnderstudyError(invalidFile, 'import_invalid'), String(invalidFile));
  assert.equal(invalidFile.param, 'training_file');
  assert.match(invalidFile.message, /failed: The job failed due to an invalid training file: line 5: the last message must be from the assistant/);
  assert.equal([...standIn.jobs.values()][0]?.status, 'failed');

  const unknownBase = await rejection(backend.train(trainingRequest({ base: 'gpt-9' }), {}));
  assert.ok(isUnderstudyError(unknownBase, 'invalid_request'), String(unknownBase));
  assert.equal(unknownBase.param, 'model');
  assert.equal(unknownBase.statusCode, 400);
  assert.match(unknownBase.message, /answered 400: Model gpt-9 is not available for fine-tuning/);

  const filesBefore = standIn.files.size;
  const withoutKey = await rejection(createHostedFineTuningBackend({ baseUrl: standIn.url, pollIntervalMs: 1 }).train(trainingRequest(), {}));
  assert.ok(isUnderstudyError(withoutKey, 'invalid_api_key'), String(withoutKey));
  assert.match(withoutKey.message, /answered 401: You didn't provide an API key/);

  const wrongKey = 'sk-wrong-key-that-must-not-be-printed';
  process.env.UNDERSTUDY_TEST_WRONG_KEY = wrongKey;
  t.after(() => delete process.env.UNDERSTUDY_TEST_WRONG_KEY);
  const wrong = await rejection(createHostedFineTuningBackend({ baseUrl: standIn.url, apiKeyEnv: 'UNDERSTUDY_TEST_WRONG_KEY', pollIntervalMs: 1 }).train(trainingRequest(), {}));
  assert.ok(isUnderstudyError(wrong, 'invalid_api_key'), String(wrong));
  assert.match(wrong.message, /Incorrect API key provided: \*\*\*\./);
  assert.equal(wrong.message.includes(wrongKey), false, 'the key is scrubbed from the provider message');
  assert.equal(standIn.files.size, filesBefore, 'nothing was uploaded without a valid key');

  const requestsBefore = standIn.requests.length;
  const unset = await rejection(createHostedFineTuningBackend({ baseUrl: standIn.url, apiKeyEnv: 'UNDERSTUDY_TEST_UNSET_KEY' }).train(trainingRequest(), {}));
  assert.ok(isUnderstudyError(unset, 'missing_api_key') && unset.message.includes('UNDERSTUDY_TEST_UNSET_KEY'), String(unset));
  assert.equal(standIn.requests.length, requestsBefore);
});

test('invalid hyper-parameters are rejected, naming the unknown keys, before anything is uploaded', async (t) => {
  const standIn = await startFineTuningApiStandIn({ apiKey });
  t.after(() => standIn.close());
  const backend = createHostedFineTuningBackend({ baseUrl: standIn.url, apiKeyEnv: keyVariable, pollIntervalMs: 1 });
  const unknownKeys = await rejection(backend.train(trainingRequest({ hyperparameters: { n_epochs: 2, learningRate: 2e-4, rank: 8 } }), {}));
  assert.ok(unknownKeys instanceof UnderstudyError && unknownKeys.code === 'invalid_request', String(unknownKeys));
  assert.match(unknownKeys.message, /unknown learningRate, rank/);
  assert.match(unknownKeys.message, /Known: n_epochs, batch_size, learning_rate_multiplier, suffix, seed/);
  const badValue = await rejection(backend.train(trainingRequest({ hyperparameters: { n_epochs: 0, suffix: 'has spaces' } }), {}));
  assert.ok(isUnderstudyError(badValue, 'invalid_request'), String(badValue));
  assert.match(badValue.message, /n_epochs: .*; suffix: /);
  assert.deepEqual(standIn.requests, []);
});

test('events beyond one page (100) between two polls are all read, oldest first', async (t) => {
  const standIn = await startFineTuningApiStandIn({ apiKey, totalSteps: 250, stepsPerPoll: 250 });
  t.after(() => standIn.close());
  const backend = createHostedFineTuningBackend({ baseUrl: standIn.url, apiKeyEnv: keyVariable, pollIntervalMs: 1 });
  const artifacts = await backend.train(trainingRequest(), {});
  assert.deepEqual(artifacts.lossCurve.map((point) => point.step), Array.from({ length: 250 }, (_, index) => index + 1));
  assert.ok(standIn.requests.some((line) => line.endsWith('/events')));
});

test('the stand-in speaks the wire format of the official openai client', async (t) => {
  const standIn = await startFineTuningApiStandIn({ apiKey, totalSteps: 2, stepsPerPoll: 2 });
  t.after(() => standIn.close());
  const client = new OpenAI({ baseURL: standIn.url, apiKey, maxRetries: 0 });
  const file = await client.files.create({ file: await toFile(await readFile(path.join(dataset.dir, 'train.jsonl')), 'train.jsonl'), purpose: 'fine-tune' });
  assert.equal(file.object, 'file');
  assert.equal(file.purpose, 'fine-tune');
  const created = await client.fineTuning.jobs.create({ model: base, training_file: file.id, hyperparameters: { n_epochs: 1 }, suffix: 'wire' });
  assert.equal(created.object, 'fine_tuning.job');
  assert.equal(created.status, 'validating_files');
  let job = created;
  while (job.status !== 'succeeded') job = await client.fineTuning.jobs.retrieve(created.id);
  const events = [];
  for await (const event of client.fineTuning.jobs.listEvents(created.id, { limit: 2 })) events.push(event);
  assert.deepEqual(events.filter((event) => event.type === 'metrics').map((event) => (event.data as { step: number }).step), [2, 1], 'newest first, across cursor pages');
  const failure = await rejection(client.fineTuning.jobs.cancel(created.id));
  assert.ok(failure instanceof OpenAI.BadRequestError && failure.message.includes('already completed'), String(failure));
});
