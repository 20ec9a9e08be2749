/**
 * The hosted backend: a task's dataset trained by an OpenAI-compatible fine-tuning API (OpenAI's `files` and
 * `fine_tuning/jobs` endpoints, which Together and Fireworks mirror). It uploads `train.jsonl` and
 * `validation.jsonl`, creates the job, follows it by polling the job and its event list (metrics events become
 * progress and the loss curve) and ends with the provider's fine-tuned model name, served from the same API.
 *
 * The remote job outlives this process, so its id and the uploaded file ids are written to
 * `<outputDir>/hosted-job.json` as soon as the provider hands them out: calling `train` again with the same
 * `outputDir` re-attaches to that job (or reuses the uploads to start a new one when it failed or was
 * cancelled) instead of paying for a second run. Aborting the signal cancels the remote job, then rejects.
 *
 * @example
 * const backend = createHostedFineTuningBackend({ baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' });
 * const artifacts = await backend.train({ ...request, base: 'gpt-4.1-nano-2025-04-14', hyperparameters: { n_epochs: 3 } }, { onProgress });
 * // artifacts.served → { baseUrl: 'https://api.openai.com/v1', model: 'ft:gpt-4.1-nano-2025-04-14:acme:support-extract-order:AbC123' }
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { UnderstudyError, type ErrorCode } from '../../contracts/errors.ts';
import type { TrainingArtifacts, TrainingBackend, TrainingProgress, TrainingRequest } from '../training-backend.ts';

export interface HostedFineTuningBackendOptions {
  /** API root including its version prefix, e.g. `https://api.openai.com/v1` or `https://api.together.xyz/v1`. */
  baseUrl: string;
  /**
   * Name of the environment variable holding the API key, e.g. `OPENAI_API_KEY`. Without it no key is sent
   * (local stand-ins); with it, an unset variable fails before anything is uploaded. The key is never logged.
   */
  apiKeyEnv?: string;
  /** Pause between polls of the job. Default 15 s: hosted jobs take minutes to hours. */
  pollIntervalMs?: number;
  /** Limit for each API request. Default 120 s (uploads of large datasets). */
  requestTimeoutMs?: number;
  /** Where the fine-tuned model is served when that is not `baseUrl` (a provider with a separate inference host). */
  servedBaseUrl?: string;
  /** For tests and proxies; the global `fetch` by default. */
  fetchImpl?: typeof fetch;
}

/**
 * The job's settings as the API takes them. `suffix` names the model (default: the task's slug), `seed` makes
 * the run reproducible where the provider supports it. Unknown keys are errors, so a LoRA setting handed to the
 * hosted backend fails loudly instead of being ignored.
 */
export const hostedHyperparametersSchema = z.strictObject({
  n_epochs: z.union([z.literal('auto'), z.number().int().min(1).max(50)]).default('auto'),
  batch_size: z.union([z.literal('auto'), z.number().int().min(1).max(256)]).optional(),
  learning_rate_multiplier: z.union([z.literal('auto'), z.number().positive().max(10)]).optional(),
  suffix: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'up to 64 letters, digits, dots, dashes and underscores').optional(),
  seed: z.number().int().min(0).max(2_147_483_647).optional(),
});

export type HostedHyperparameters = z.infer<typeof hostedHyperparametersSchema>;

/** Hyper-parameters from a job spec, or an `invalid_request` naming every bad key. */
export function parseHostedHyperparameters(value: Record<string, unknown>): HostedHyperparameters {
  const parsed = hostedHyperparametersSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => (issue.code === 'unrecognized_keys' ? `unknown ${issue.keys.join(', ')}` : `${issue.path.join('.')}: ${issue.message}`));
  throw new UnderstudyError('invalid_request', `Invalid hosted fine-tuning hyper-parameters: ${problems.join('; ')}. Known: ${Object.keys(hostedHyperparametersSchema.shape).join(', ')}.`);
}

export const hostedJobStateFileName = 'hosted-job.json';

/**
 * What `<outputDir>/hosted-job.json` holds. Ids are null until the provider has handed them out, so a crash
 * between two steps resumes at the missing one. Never holds the API key.
 */
const hostedJobStateSchema = z.object({
  formatVersion: z.literal(1),
  kind: z.literal('understudy-hosted-fine-tuning-job'),
  baseUrl: z.string(),
  baseModel: z.string(),
  datasetVersion: z.string(),
  trainingFileId: z.string().nullable(),
  /** Null also when the dataset has no validation examples. */
  validationFileId: z.string().nullable(),
  jobId: z.string().nullable(),
  /** Jobs this directory started before the current one, which failed or were cancelled; oldest first. */
  previousJobIds: z.array(z.string()),
  updatedAt: z.string(),
});
type HostedJobState = z.infer<typeof hostedJobStateSchema>;

// Wire shapes, read loosely: providers add fields, and only these are relied on.
const jobStatuses = ['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
const fileSchema = z.looseObject({ id: z.string().min(1) });
const jobSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(jobStatuses),
  fine_tuned_model: z.string().nullish(),
  error: z.looseObject({ message: z.string(), code: z.string().nullish(), param: z.string().nullish() }).nullish(),
  trained_tokens: z.number().nullish(),
  estimated_finish: z.number().nullish(),
});
type FineTuningJob = z.infer<typeof jobSchema>;
const eventSchema = z.looseObject({ id: z.string(), created_at: z.number(), message: z.string(), level: z.string().optional(), type: z.string().optional(), data: z.unknown().optional() });
type FineTuningEvent = z.infer<typeof eventSchema>;
const eventListSchema = z.looseObject({ data: z.array(eventSchema), has_more: z.boolean().optional() });
const metricsDataSchema = z.looseObject({
  step: z.number().int().nonnegative(),
  train_loss: z.number(),
  total_steps: z.number().int().positive().optional(),
  valid_loss: z.number().nullish(),
});
const providerErrorSchema = z.looseObject({
  error: z.looseObject({ message: z.string(), param: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() }),
});

const defaultPollIntervalMs = 15_000;
const defaultRequestTimeoutMs = 120_000;
const eventPageSize = 100;

/** @throws UnderstudyError `config_invalid` on a base URL that is not http(s). */
export function createHostedFineTuningBackend(options: HostedFineTuningBackendOptions): TrainingBackend {
  const baseUrl = normaliseBaseUrl(options.baseUrl);
  const servedBaseUrl = options.servedBaseUrl === undefined ? baseUrl : normaliseBaseUrl(options.servedBaseUrl);
  const pollIntervalMs = options.pollIntervalMs ?? defaultPollIntervalMs;
  return {
    name: 'hosted',
    async train(request, trainOptions) {
      const hyperparameters = parseHostedHyperparameters(request.hyperparameters);
      const api = createFineTuningApi({ baseUrl, apiKey: readApiKey(options.apiKeyEnv), timeoutMs: options.requestTimeoutMs ?? defaultRequestTimeoutMs, fetchImpl: options.fetchImpl ?? fetch });
      const run = { request, hyperparameters, api, baseUrl, servedBaseUrl, apiKeyEnv: options.apiKeyEnv, pollIntervalMs, onProgress: trainOptions.onProgress ?? (() => {}), signal: trainOptions.signal };
      return trainHosted(run);
    },
  };
}

interface HostedRun {
  request: TrainingRequest;
  hyperparameters: HostedHyperparameters;
  api: FineTuningApi;
  baseUrl: string;
  servedBaseUrl: string;
  apiKeyEnv: string | undefined;
  pollIntervalMs: number;
  onProgress: (progress: TrainingProgress) => void;
  signal: AbortSignal | undefined;
}

async function trainHosted(run: HostedRun): Promise<TrainingArtifacts> {
  const { request, api, signal } = run;
  signal?.throwIfAborted();
  await mkdir(request.outputDir, { recursive: true });
  const statePath = path.join(request.outputDir, hostedJobStateFileName);
  const identity = { baseUrl: run.baseUrl, baseModel: request.base, datasetVersion: request.dataset.manifest.version };
  let state = (await readJobState(statePath, identity)) ?? { formatVersion: 1, kind: 'understudy-hosted-fine-tuning-job', ...identity, trainingFileId: null, validationFileId: null, jobId: null, previousJobIds: [], updatedAt: '' };
  const save = async (changes: Partial<HostedJobState>): Promise<void> => {
    state = { ...state, ...changes, updatedAt: new Date().toISOString() };
    await writeJobState(statePath, state);
  };

  let job: FineTuningJob | null = null;
  if (state.jobId !== null) {
    job = await api.retrieveJob(state.jobId, signal);
    if (job.status === 'failed' || job.status === 'cancelled') {
      run.onProgress({ phase: 'prepare', message: `earlier job ${job.id} ${job.status}; starting a new one` });
      await save({ jobId: null, previousJobIds: [...state.previousJobIds, job.id] });
      job = null;
    } else {
      run.onProgress({ phase: 'prepare', message: `re-attached to job ${job.id} (${job.status})` });
    }
  }
  if (job === null) {
    const slug = taskSlug(request.dataset.manifest.task);
    if (state.trainingFileId === null) {
      const file = await uploadDatasetFile(run, 'train.jsonl', `${slug}.${identity.datasetVersion}.train.jsonl`);
      await save({ trainingFileId: file });
    }
    if (state.validationFileId === null && request.dataset.validation.length > 0) {
      const file = await uploadDatasetFile(run, 'validation.jsonl', `${slug}.${identity.datasetVersion}.validation.jsonl`);
      await save({ validationFileId: file });
    }
    const trainingFileId = state.trainingFileId;
    if (trainingFileId === null) throw new UnderstudyError('internal_error', 'The training file id was not recorded after its upload');
    job = await api.createJob(buildJobBody(run, trainingFileId, state.validationFileId, slug), signal);
    await save({ jobId: job.id });
    run.onProgress({ phase: 'queued', message: `created job ${job.id}` });
  }
  return followJob(run, job);
}

async function uploadDatasetFile(run: HostedRun, fileName: 'train.jsonl' | 'validation.jsonl', uploadName: string): Promise<string> {
  const bytes = await readFile(path.join(run.request.dataset.dir, fileName));
  run.onProgress({ phase: 'upload', message: `${fileName} (${bytes.length} bytes)` });
  const file = await run.api.uploadFile(bytes, uploadName, run.signal);
  return file.id;
}

function buildJobBody(run: HostedRun, trainingFileId: string, validationFileId: string | null, slug: string): Record<string, unknown> {
  const { n_epochs, batch_size, learning_rate_multiplier, suffix, seed } = run.hyperparameters;
  const hyperparameters: Record<string, unknown> = { n_epochs };
  if (batch_size !== undefined) hyperparameters.batch_size = batch_size;
  if (learning_rate_multiplier !== undefined) hyperparameters.learning_rate_multiplier = learning_rate_multiplier;
  const body: Record<string, unknown> = { model: run.request.base, training_file: trainingFileId, hyperparameters, suffix: suffix ?? slug.slice(0, 64) };
  if (validationFileId !== null) body.validation_file = validationFileId;
  if (seed !== undefined) body.seed = seed;
  return body;
}

/** Polls until the job ends; every new metrics event becomes a progress report and a point of the loss curve. */
async function followJob(run: HostedRun, initial: FineTuningJob): Promise<TrainingArtifacts> {
  const { api, signal } = run;
  const seenEvents = new Set<string>();
  const lossByStep = new Map<number, number>();
  let totalSteps: number | undefined;
  let evalLoss: number | null = null;
  let lastStatus: FineTuningJob['status'] | null = null;
  let firstMetric: { step: number; at: number } | null = null;
  let job = initial;
  try {
    for (;;) {
      const events = await api.listNewEvents(job.id, seenEvents, signal);
      for (const event of events) {
        const metrics = event.type === 'metrics' ? metricsDataSchema.safeParse(event.data) : null;
        if (metrics?.success) {
          const { step, train_loss, total_steps, valid_loss } = metrics.data;
          lossByStep.set(step, train_loss);
          totalSteps = total_steps ?? totalSteps;
          if (valid_loss !== undefined && valid_loss !== null) evalLoss = valid_loss;
          firstMetric ??= { step, at: performance.now() };
          const etaSeconds = estimateEtaSeconds(job, firstMetric, step, totalSteps);
          run.onProgress({ phase: 'training', step, loss: train_loss, ...(totalSteps === undefined ? {} : { totalSteps }), ...(etaSeconds === undefined ? {} : { etaSeconds }) });
        } else {
          run.onProgress({ phase: job.status === 'running' ? 'training' : 'queued', message: event.message });
        }
      }
      if (job.status !== lastStatus) {
        lastStatus = job.status;
        if (job.status === 'validating_files' || job.status === 'queued') run.onProgress({ phase: 'queued', message: `job ${job.id} ${job.status}` });
        if (job.status === 'running') run.onProgress({ phase: 'training', message: `job ${job.id} running` });
      }
      if (job.status === 'succeeded') return buildArtifacts(run, job, lossByStep, totalSteps, evalLoss);
      if (job.status === 'failed') throw jobFailedError(run.baseUrl, job);
      if (job.status === 'cancelled') throw new UnderstudyError('upstream_error', `Fine-tuning job ${job.id} at ${run.baseUrl} was cancelled outside Understudy`);
      await sleep(run.pollIntervalMs, undefined, signal === undefined ? {} : { signal });
      job = await api.retrieveJob(job.id, signal);
    }
  } catch (error) {
    if (signal?.aborted !== true) throw error;
    await cancelQuietly(run, job.id);
    throw signal.reason;
  }
}

async function cancelQuietly(run: HostedRun, jobId: string): Promise<void> {
  try {
    const cancelled = await run.api.cancelJob(jobId);
    run.onProgress({ phase: 'training', message: `job ${jobId} ${cancelled.status}` });
  } catch (error) {
    // The caller asked to stop: the abort is what it awaits. A job that could not be cancelled is reported,
    // and the next `train` with this outputDir re-attaches to it rather than starting a second one.
    run.onProgress({ phase: 'training', message: `could not cancel job ${jobId}: ${error instanceof Error ? error.message : String(error)}` });
  }
}

function estimateEtaSeconds(job: FineTuningJob, first: { step: number; at: number }, step: number, totalSteps: number | undefined): number | undefined {
  if (job.estimated_finish !== undefined && job.estimated_finish !== null) return Math.max(0, job.estimated_finish - Date.now() / 1000);
  if (totalSteps === undefined || step <= first.step) return undefined;
  const secondsPerStep = (performance.now() - first.at) / 1000 / (step - first.step);
  return Math.max(0, (totalSteps - step) * secondsPerStep);
}

function buildArtifacts(run: HostedRun, job: FineTuningJob, lossByStep: Map<number, number>, totalSteps: number | undefined, evalLoss: number | null): TrainingArtifacts {
  if (!job.fine_tuned_model) throw new UnderstudyError('upstream_error', `Fine-tuning job ${job.id} at ${run.baseUrl} succeeded without naming its fine-tuned model`);
  const lossCurve = [...lossByStep.entries()].sort(([a], [b]) => a - b).map(([step, loss]) => ({ step, loss }));
  return {
    backend: 'hosted',
    baseModel: run.request.base,
    adapterPath: null,
    adapterHfDir: null,
    modelPath: null,
    served: { baseUrl: run.servedBaseUrl, model: job.fine_tuned_model, ...(run.apiKeyEnv === undefined ? {} : { apiKeyEnv: run.apiKeyEnv }) },
    steps: lossCurve.at(-1)?.step ?? totalSteps ?? 0,
    lossCurve,
    metrics: {
      trainLoss: lossCurve.at(-1)?.loss ?? null,
      firstLoss: lossCurve[0]?.loss ?? null,
      evalLoss,
      trainedTokens: job.trained_tokens ?? null,
    },
  };
}

function jobFailedError(baseUrl: string, job: FineTuningJob): UnderstudyError {
  const reason = job.error?.message ?? 'no reason given';
  const param = job.error?.param ?? undefined;
  // A file the provider refused is a dataset problem; anything else is the provider's.
  const code: ErrorCode = param === 'training_file' || param === 'validation_file' ? 'import_invalid' : 'upstream_error';
  return new UnderstudyError(code, `Fine-tuning job ${job.id} at ${baseUrl} failed: ${reason}`, param === undefined ? {} : { param });
}

// ---- the API client ----------------------------------------------------------------------------------

interface FineTuningApi {
  uploadFile(bytes: Uint8Array, fileName: string, signal: AbortSignal | undefined): Promise<z.infer<typeof fileSchema>>;
  createJob(body: Record<string, unknown>, signal: AbortSignal | undefined): Promise<FineTuningJob>;
  retrieveJob(jobId: string, signal: AbortSignal | undefined): Promise<FineTuningJob>;
  cancelJob(jobId: string): Promise<FineTuningJob>;
  /** Events not in `seen` (which it updates), oldest first; the API lists newest first. */
  listNewEvents(jobId: string, seen: Set<string>, signal: AbortSignal | undefined): Promise<FineTuningEvent[]>;
}

function createFineTuningApi(settings: { baseUrl: string; apiKey: string | null; timeoutMs: number; fetchImpl: typeof fetch }): FineTuningApi {
  const { baseUrl, apiKey, timeoutMs, fetchImpl } = settings;

  async function call<Schema extends z.ZodType>(method: 'GET' | 'POST', pathname: string, body: FormData | Record<string, unknown> | undefined, schema: Schema, signal: AbortSignal | undefined): Promise<z.infer<Schema>> {
    const url = `${baseUrl}${pathname}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
    let payload: FormData | string | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await fetchImpl(url, { method, headers, body: payload, signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]) });
      status = response.status;
      text = await response.text();
    } catch (error) {
      // The caller's own abort stays the abort it expects.
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new UnderstudyError('upstream_timeout', `Fine-tuning API ${method} ${url} did not answer within ${timeoutMs} ms`, { cause: error });
      throw new UnderstudyError('upstream_unreachable', `Fine-tuning API ${method} ${url} is unreachable: ${scrub(describe(error), apiKey)}`, { cause: error });
    }
    if (status < 200 || status >= 300) throw providerError(method, url, status, scrub(text, apiKey));
    const json = parseJsonText(text);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new UnderstudyError('upstream_error', `Fine-tuning API ${method} ${url} answered ${status} with an unexpected body: ${z.prettifyError(parsed.error).slice(0, 300)}`);
    return parsed.data;
  }

  return {
    uploadFile(bytes, fileName, signal) {
      const form = new FormData();
      form.append('purpose', 'fine-tune');
      form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/jsonl' }), fileName);
      return call('POST', '/files', form, fileSchema, signal);
    },
    createJob: (body, signal) => call('POST', '/fine_tuning/jobs', body, jobSchema, signal),
    retrieveJob: (jobId, signal) => call('GET', `/fine_tuning/jobs/${encodeURIComponent(jobId)}`, undefined, jobSchema, signal),
    cancelJob: (jobId) => call('POST', `/fine_tuning/jobs/${encodeURIComponent(jobId)}/cancel`, undefined, jobSchema, undefined),
    async listNewEvents(jobId, seen, signal) {
      const fresh: FineTuningEvent[] = [];
      let after: string | undefined;
      for (;;) {
        const query = new URLSearchParams({ limit: String(eventPageSize) });
        if (after !== undefined) query.set('after', after);
        const page = await call('GET', `/fine_tuning/jobs/${encodeURIComponent(jobId)}/events?${query}`, undefined, eventListSchema, signal);
        let reachedSeen = false;
        for (const event of page.data) {
          if (seen.has(event.id)) {
            reachedSeen = true;
            break;
          }
          fresh.push(event);
        }
        const last = page.data.at(-1);
        if (reachedSeen || page.has_more !== true || last === undefined) break;
        after = last.id;
      }
      for (const event of fresh) seen.add(event.id);
      return fresh.reverse();
    },
  };
}

function providerError(method: string, url: string, status: number, bodyText: string): UnderstudyError {
  const parsed = providerErrorSchema.safeParse(parseJsonText(bodyText));
  const providerMessage = parsed.success ? parsed.data.error.message : bodyText.trim().replace(/\s+/g, ' ').slice(0, 200) || '(empty body)';
  const param = parsed.success ? (parsed.data.error.param ?? undefined) : undefined;
  const message = `Fine-tuning API ${method} ${url} answered ${status}: ${providerMessage}`;
  const code: ErrorCode = status === 401 || status === 403 ? 'invalid_api_key' : status === 404 ? 'not_found' : status === 429 || status >= 500 ? 'upstream_error' : 'invalid_request';
  return new UnderstudyError(code, message, { statusCode: code === 'upstream_error' ? 502 : status, ...(param === undefined ? {} : { param }) });
}

// ---- helpers -----------------------------------------------------------------------------------------

function readApiKey(variable: string | undefined): string | null {
  if (variable === undefined) return null;
  const value = process.env[variable];
  if (value === undefined || value.trim() === '') throw new UnderstudyError('missing_api_key', `The fine-tuning API key variable ${variable} is not set`);
  return value.trim();
}

async function readJobState(statePath: string, identity: Pick<HostedJobState, 'baseUrl' | 'baseModel' | 'datasetVersion'>): Promise<HostedJobState | null> {
  let text: string;
  try {
    text = await readFile(statePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = hostedJobStateSchema.safeParse(parseJsonText(text));
  if (!parsed.success) throw new UnderstudyError('config_invalid', `${statePath} is not a hosted fine-tuning job record; move it away to start over`);
  const state = parsed.data;
  const mismatched = (['baseUrl', 'baseModel', 'datasetVersion'] as const).filter((key) => state[key] !== identity[key]);
  if (mismatched.length > 0) {
    const details = mismatched.map((key) => `${key} ${state[key]} (asked: ${identity[key]})`).join(', ');
    throw new UnderstudyError('invalid_request', `${statePath} belongs to another hosted run: ${details}. Use another output directory.`);
  }
  return state;
}

/** Written to a sibling and renamed, so a crash mid-write never leaves half a record. */
async function writeJobState(statePath: string, state: HostedJobState): Promise<void> {
  const temporaryPath = `${statePath}.${process.pid}.tmp`;
  await writeFile(temporaryPath, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
  await rename(temporaryPath, statePath);
}

function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new UnderstudyError('config_invalid', `Invalid fine-tuning API base URL '${baseUrl}': expected e.g. https://api.openai.com/v1`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnderstudyError('config_invalid', `Invalid fine-tuning API base URL '${baseUrl}': only http and https are supported`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** A task id as a model-name suffix: `support/extract-order` → `support-extract-order`. */
function taskSlug(task: string): string {
  const slug = task.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return slug === '' ? 'task' : slug;
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message || error.name}${cause}`;
}

/** Providers sometimes echo the key they were sent; it never reaches a message or a log. */
function scrub(text: string, apiKey: string | null): string {
  return apiKey === null || apiKey === '' ? text : text.split(apiKey).join('***');
}
