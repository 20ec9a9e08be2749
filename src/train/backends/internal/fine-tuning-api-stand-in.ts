/**
 * Test data only: a loopback stand-in for an OpenAI-compatible fine-tuning API, built from OpenAI's public API
 * reference (the shapes the official `openai` client types): `POST /files` (multipart, purpose `fine-tune`),
 * `POST /fine_tuning/jobs`, `GET /fine_tuning/jobs[/{id}[/events]]`, `POST /fine_tuning/jobs/{id}/cancel`,
 * and `POST /chat/completions` for the models its jobs produced. Errors use OpenAI's
 * `{ error: { message, type, param, code } }` body.
 *
 * A job moves one step per `GET /fine_tuning/jobs/{id}` (`pollsPerStatus` polls each): validating_files (the
 * uploaded JSONL is checked as chat fine-tuning data; a bad line fails the job with the reason) → queued →
 * running (each poll emits `stepsPerPoll` metrics events with falling loss) → succeeded with
 * `fine_tuned_model` `ft:<base>:<org>:<suffix>:<id>`.
 *
 * @example
 * const standIn = await startFineTuningApiStandIn({ apiKey: 'sk-test' });
 * const backend = createHostedFineTuningBackend({ baseUrl: standIn.url, apiKeyEnv: 'TEST_KEY', pollIntervalMs: 1 });
 * await standIn.close();
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface FineTuningApiStandInOptions {
  /** When set, every request must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Base models jobs may start from; any model when absent. */
  baseModels?: string[];
  /** Retrieves a job spends in validating_files and in queued. Default 1. */
  pollsPerStatus?: number;
  /** Steps of every job. Default 6. */
  totalSteps?: number;
  /** Metrics events per retrieve while running. Default 2. */
  stepsPerPoll?: number;
  /** OpenAI requires at least 10 training examples (validation files need one). Default 10. */
  minimumExamples?: number;
  /** Answer of the fine-tuned models on `/chat/completions`. */
  replyText?: string;
  /** Echo a wrong API key whole in the 401 message (some providers do) instead of OpenAI's masked form. */
  echoWrongKey?: boolean;
}

export interface StandInFile {
  object: 'file';
  id: string;
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: 'processed';
  status_details: null;
  content: Buffer;
}

export interface StandInJob {
  object: 'fine_tuning.job';
  id: string;
  model: string;
  created_at: number;
  finished_at: number | null;
  fine_tuned_model: string | null;
  organization_id: string;
  result_files: string[];
  status: 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  validation_file: string | null;
  training_file: string;
  hyperparameters: { n_epochs: number | 'auto'; batch_size: number | 'auto'; learning_rate_multiplier: number | 'auto' };
  trained_tokens: number | null;
  error: { code: string; message: string; param: string | null } | null;
  seed: number;
  estimated_finish: number | null;
  integrations: [];
  metadata: Record<string, string> | null;
  user_provided_suffix: string | null;
  method: { type: 'supervised'; supervised: { hyperparameters: StandInJob['hyperparameters'] } };
}

export interface StandInEvent {
  object: 'fine_tuning.job.event';
  id: string;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type: 'message' | 'metrics';
  data: Record<string, number> | null;
}

export interface FineTuningApiStandIn {
  /** Base URL including `/v1`. */
  url: string;
  /** Every request as `METHOD /path`, oldest first. */
  requests: string[];
  files: ReadonlyMap<string, StandInFile>;
  jobs: ReadonlyMap<string, StandInJob>;
  /** Ids of jobs a cancel request reached, in order. */
  cancelRequests: string[];
  close(): Promise<void>;
}

const organization = 'org-understudy-stand-in';
const defaultReplyText = 'Fine-tuned answer from the stand-in.';
const jobCreateSchema = z.strictObject({
  model: z.string().min(1),
  training_file: z.string().min(1),
  validation_file: z.string().nullish(),
  hyperparameters: z
    .strictObject({
      n_epochs: z.union([z.literal('auto'), z.number().int().min(1).max(50)]).optional(),
      batch_size: z.union([z.literal('auto'), z.number().int().min(1).max(256)]).optional(),
      learning_rate_multiplier: z.union([z.literal('auto'), z.number().positive()]).optional(),
    })
    .optional(),
  suffix: z.string().max(64).nullish(),
  seed: z.number().int().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  integrations: z.array(z.unknown()).nullish(),
  method: z.unknown().optional(),
});
const chatRequestSchema = z.looseObject({ model: z.string(), messages: z.array(z.looseObject({ role: z.string() })).min(1) });
const chatLineSchema = z.looseObject({
  messages: z.array(z.looseObject({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']) })).min(1),
});

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type = 'invalid_request_error',
  ) {
    super(message);
  }
}

export async function startFineTuningApiStandIn(options: FineTuningApiStandInOptions = {}): Promise<FineTuningApiStandIn> {
  const pollsPerStatus = options.pollsPerStatus ?? 1;
  const totalSteps = options.totalSteps ?? 6;
  const stepsPerPoll = options.stepsPerPoll ?? 2;
  const minimumExamples = options.minimumExamples ?? 10;
  const files = new Map<string, StandInFile>();
  const jobs = new Map<string, StandInJob>();
  const events = new Map<string, StandInEvent[]>();
  const progress = new Map<string, { pollsInStatus: number; step: number }>();
  const requests: string[] = [];
  const cancelRequests: string[] = [];
  const now = (): number => Math.floor(Date.now() / 1000);
  const mintId = (prefix: string): string => `${prefix}-${randomBytes(12).toString('base64url')}`;

  function addEvent(jobId: string, message: string, extra: Partial<Pick<StandInEvent, 'level' | 'type' | 'data'>> = {}): void {
    const list = events.get(jobId) ?? [];
    list.push({ object: 'fine_tuning.job.event', id: mintId('ftevent'), created_at: now(), level: extra.level ?? 'info', message, type: extra.type ?? 'message', data: extra.data ?? null });
    events.set(jobId, list);
  }

  function checkTrainingData(file: StandInFile, minimum: number): string | null {
    const lines = file.content.toString('utf8').split('\n').filter((line) => line.trim() !== '');
    for (const [index, line] of lines.entries()) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        return `line ${index + 1} is not valid JSON`;
      }
      const parsed = chatLineSchema.safeParse(value);
      if (!parsed.success) return `line ${index + 1} has no valid "messages" list`;
      if (parsed.data.messages.at(-1)?.role !== 'assistant') return `line ${index + 1}: the last message must be from the assistant`;
    }
    return lines.length < minimum ? `it has ${lines.length} examples; at least ${minimum} are required` : null;
  }

  function fail(job: StandInJob, param: 'training_file' | 'validation_file', reason: string): void {
    const which = param === 'training_file' ? 'training' : 'validation';
    job.status = 'failed';
    job.finished_at = now();
    job.error = { code: `invalid_${which}_file`, message: `The job failed due to an invalid ${which} file: ${reason}.`, param };
    addEvent(job.id, job.error.message, { level: 'error' });
  }

  function advance(job: StandInJob): void {
    const state = progress.get(job.id) ?? { pollsInStatus: 0, step: 0 };
    progress.set(job.id, state);
    state.pollsInStatus += 1;
    if (job.status === 'validating_files' && state.pollsInStatus >= pollsPerStatus) {
      const checked = [['training_file', job.training_file], ['validation_file', job.validation_file]] as const;
      for (const [param, fileId] of checked) {
        const file = fileId === null ? undefined : files.get(fileId);
        const problem = file === undefined ? null : checkTrainingData(file, param === 'training_file' ? minimumExamples : 1);
        if (problem !== null) return fail(job, param, problem);
      }
      job.status = 'queued';
      state.pollsInStatus = 0;
      addEvent(job.id, 'Files validated, moving job to queued state');
    } else if (job.status === 'queued' && state.pollsInStatus >= pollsPerStatus) {
      job.status = 'running';
      state.pollsInStatus = 0;
      job.estimated_finish = now() + Math.ceil(totalSteps / stepsPerPoll);
      addEvent(job.id, 'Fine-tuning job started');
    } else if (job.status === 'running') {
      for (let count = 0; count < stepsPerPoll && state.step < totalSteps; count += 1) {
        state.step += 1;
        const trainLoss = Number((2.5 * Math.exp(-state.step / 3) + 0.05).toFixed(4));
        const data: Record<string, number> = { step: state.step, train_loss: trainLoss, total_steps: totalSteps, train_mean_token_accuracy: Number((1 - trainLoss / 3).toFixed(3)) };
        if (job.validation_file !== null) data.valid_loss = Number((trainLoss * 1.1).toFixed(4));
        addEvent(job.id, `Step ${state.step}/${totalSteps}: training loss=${trainLoss.toFixed(4)}`, { type: 'metrics', data });
      }
      if (state.step >= totalSteps) {
        const trainingBytes = files.get(job.training_file)?.bytes ?? 0;
        const resultFile: StandInFile = { object: 'file', id: mintId('file'), bytes: 0, created_at: now(), filename: 'step_metrics.csv', purpose: 'fine-tune-results', status: 'processed', status_details: null, content: Buffer.alloc(0) };
        files.set(resultFile.id, resultFile);
        job.status = 'succeeded';
        job.finished_at = now();
        job.estimated_finish = null;
        job.fine_tuned_model = `ft:${job.model}:${organization}:${job.user_provided_suffix ?? ''}:${job.id.slice(-8)}`;
        job.trained_tokens = Math.ceil(trainingBytes / 4) * (typeof job.hyperparameters.n_epochs === 'number' ? job.hyperparameters.n_epochs : 3);
        job.result_files = [resultFile.id];
        addEvent(job.id, `New fine-tuned model created: ${job.fine_tuned_model}`);
        addEvent(job.id, 'The job has successfully completed');
      }
    }
  }

  async function handle(request: IncomingMessage, body: Buffer): Promise<{ status: number; json: unknown }> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const method = request.method ?? 'GET';
    requests.push(`${method} ${url.pathname}`);
    checkAuthorization(request.headers.authorization, options.apiKey, options.echoWrongKey ?? false);
    const route = `${method} ${url.pathname}`;
    const jobMatch = /^\/v1\/fine_tuning\/jobs\/([^/]+)(\/events|\/cancel)?$/.exec(url.pathname);

    if (route === 'POST /v1/files') return { status: 200, json: publicFile(await receiveFile(request, body)) };
    if (method === 'GET' && url.pathname.startsWith('/v1/files/')) {
      const file = files.get(decodeURIComponent(url.pathname.slice('/v1/files/'.length)));
      if (file === undefined) throw new ApiError(404, 'No such File object', 'id');
      return { status: 200, json: publicFile(file) };
    }
    if (route === 'POST /v1/fine_tuning/jobs') return { status: 200, json: createJob(body) };
    if (route === 'GET /v1/fine_tuning/jobs') return { status: 200, json: { object: 'list', data: [...jobs.values()].reverse(), has_more: false } };
    if (jobMatch !== null) {
      const jobId = decodeURIComponent(jobMatch[1] ?? '');
      const job = jobs.get(jobId);
      if (job === undefined) throw new ApiError(404, `Could not find fine-tuning job ${jobId}`, 'fine_tuning_job_id');
      if (method === 'GET' && jobMatch[2] === undefined) {
        advance(job);
        return { status: 200, json: job };
      }
      if (method === 'GET' && jobMatch[2] === '/events') return { status: 200, json: listEvents(jobId, url.searchParams) };
      if (method === 'POST' && jobMatch[2] === '/cancel') {
        cancelRequests.push(jobId);
        if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') throw new ApiError(400, `Job ${jobId} has already ${job.status === 'cancelled' ? 'been cancelled' : 'completed'}.`);
        job.status = 'cancelled';
        job.finished_at = now();
        job.estimated_finish = null;
        addEvent(job.id, 'Fine-tuning job cancelled');
        return { status: 200, json: job };
      }
    }
    if (route === 'POST /v1/chat/completions') return { status: 200, json: complete(body) };
    throw new ApiError(404, `Invalid URL (${method} ${url.pathname})`);
  }

  async function receiveFile(request: IncomingMessage, body: Buffer): Promise<StandInFile> {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('multipart/form-data')) throw new ApiError(400, 'Expected a multipart/form-data body with "file" and "purpose".');
    let form: FormData;
    try {
      form = await new Request('http://stand-in/v1/files', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
    } catch {
      throw new ApiError(400, 'The multipart body could not be parsed.');
    }
    const purpose = form.get('purpose');
    const file = form.get('file');
    if (purpose !== 'fine-tune') throw new ApiError(400, `'${String(purpose)}' is not one of ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] - 'purpose'`, 'purpose');
    if (!(file instanceof File)) throw new ApiError(400, "Missing required parameter: 'file'.", 'file');
    if (!file.name.endsWith('.jsonl')) throw new ApiError(400, `Invalid file format for Fine-Tuning API. Must be .jsonl`, 'file');
    const content = Buffer.from(await file.arrayBuffer());
    const stored: StandInFile = { object: 'file', id: mintId('file'), bytes: content.length, created_at: now(), filename: file.name, purpose, status: 'processed', status_details: null, content };
    files.set(stored.id, stored);
    return stored;
  }

  function createJob(body: Buffer): StandInJob {
    const parsed = jobCreateSchema.safeParse(parseJson(body));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const unknown = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : null;
      throw new ApiError(400, unknown === null ? `Invalid request: ${issue?.path.join('.')}: ${issue?.message}` : `Unrecognized request argument supplied: ${unknown}`, issue?.path.join('.') || null);
    }
    const input = parsed.data;
    if (options.baseModels !== undefined && !options.baseModels.includes(input.model)) {
      throw new ApiError(400, `Model ${input.model} is not available for fine-tuning or does not exist.`, 'model', 'model_not_available');
    }
    for (const [param, fileId] of [['training_file', input.training_file], ['validation_file', input.validation_file ?? null]] as const) {
      if (fileId === null) continue;
      const file = files.get(fileId);
      if (file === undefined || file.purpose !== 'fine-tune') throw new ApiError(400, `invalid ${param}: ${fileId}`, param, 'invalid_file');
    }
    const hyperparameters: StandInJob['hyperparameters'] = {
      n_epochs: input.hyperparameters?.n_epochs ?? 'auto',
      batch_size: input.hyperparameters?.batch_size ?? 'auto',
      learning_rate_multiplier: input.hyperparameters?.learning_rate_multiplier ?? 'auto',
    };
    const job: StandInJob = {
      object: 'fine_tuning.job',
      id: mintId('ftjob'),
      model: input.model,
      created_at: now(),
      finished_at: null,
      fine_tuned_model: null,
      organization_id: organization,
      result_files: [],
      status: 'validating_files',
      validation_file: input.validation_file ?? null,
      training_file: input.training_file,
      hyperparameters,
      trained_tokens: null,
      error: null,
      seed: input.seed ?? randomBytes(4).readUInt32BE() % 2_147_483_647,
      estimated_finish: null,
      integrations: [],
      metadata: input.metadata ?? null,
      user_provided_suffix: input.suffix ?? null,
      method: { type: 'supervised', supervised: { hyperparameters } },
    };
    jobs.set(job.id, job);
    addEvent(job.id, `Created fine-tuning job: ${job.id}`);
    addEvent(job.id, `Validating training file: ${job.training_file}${job.validation_file === null ? '' : ` and validation file: ${job.validation_file}`}`);
    return job;
  }

  /** Newest first, `after` pages to older events, as OpenAI's cursor pages do. */
  function listEvents(jobId: string, query: URLSearchParams): unknown {
    const newestFirst = [...(events.get(jobId) ?? [])].reverse();
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 20) || 20, 1), 100);
    const after = query.get('after');
    const start = after === null ? 0 : newestFirst.findIndex((event) => event.id === after) + 1;
    const data = newestFirst.slice(start, start + limit);
    return { object: 'list', data, has_more: start + limit < newestFirst.length };
  }

  function complete(body: Buffer): unknown {
    const parsed = chatRequestSchema.safeParse(parseJson(body));
    if (!parsed.success) throw new ApiError(400, "Missing required parameter: 'messages'.", 'messages');
    const served = [...jobs.values()].some((job) => job.status === 'succeeded' && job.fine_tuned_model === parsed.data.model);
    if (!served) throw new ApiError(404, `The model \`${parsed.data.model}\` does not exist or you do not have access to it.`, null, 'model_not_found');
    const content = options.replyText ?? defaultReplyText;
    return {
      id: mintId('chatcmpl'),
      object: 'chat.completion',
      created: now(),
      model: parsed.data.model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: Math.ceil(body.length / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: Math.ceil(body.length / 4) + Math.ceil(content.length / 4) },
      service_tier: 'default',
      system_fingerprint: null,
    };
  }

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      handle(request, Buffer.concat(chunks))
        .catch((error: unknown) => {
          const known = error instanceof ApiError ? error : new ApiError(500, 'The server had an error while processing your request. Sorry about that!', null, null, 'server_error');
          return { status: known.status, json: { error: { message: known.message, type: known.type, param: known.param, code: known.code } } };
        })
        .then(({ status, json }) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(json));
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    files,
    jobs,
    cancelRequests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function checkAuthorization(header: string | undefined, apiKey: string | undefined, echoWrongKey: boolean): void {
  if (apiKey === undefined) return;
  const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  if (given === undefined || given === '') {
    throw new ApiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
  }
  if (given !== apiKey) {
    const masked = echoWrongKey ? given : given.length > 8 ? `${given.slice(0, 3)}${'*'.repeat(given.length - 7)}${given.slice(-4)}` : '***';
    throw new ApiError(401, `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`, null, 'invalid_api_key');
  }
}

function publicFile(file: StandInFile): Omit<StandInFile, 'content'> {
  const { content: _content, ...rest } = file;
  return rest;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
