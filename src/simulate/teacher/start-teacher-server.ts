/**
 * The scripted teacher: an OpenAI-compatible server that plays the frontier LLM for simulated agents. It
 * reads each request as a model would — prompt text, tools and response format, no side channel — answers
 * through the task skills (correctly, except for a configured share of plausible wrong answers), reports
 * real token usage, takes as long as a hosted model (log-normal latency, scalable to zero), streams, and
 * fails on demand or at random. Decisions are seeded by the request bytes, so a rerun of the same workload
 * gets the same answers.
 *
 * @example
 * const teacher = await startTeacherServer({ skills: agent.skills, seed: 7, latency: { scale: 0 } });
 * const client = new OpenAI({ baseURL: teacher.url, apiKey: 'unused' });
 * teacher.setFault({ kind: 'status', status: 429, count: 1 });
 * await teacher.close();
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import { formatIssues } from '../../contracts/config.ts';
import { buildErrorBody, buildModelList, createIdMinter, parseJsonObject } from '../internal/fixed-replies.ts';
import { createRandom, type Random } from '../random.ts';
import type { TaskSkill } from '../simulated-task.ts';
import { answerAsTeacher } from './answer-as-teacher.ts';
import { buildTeacherCompletion, buildTeacherStreamEvents, truncateCompletion } from './internal/teacher-completion.ts';
import { defaultSlowChunkDelayMs, drawRandomFault, type RandomFaults, type TeacherFault, type TeacherFaultKind } from './teacher-fault.ts';
import { listenOnLoopback } from '../internal/listen-on-loopback.ts';
import { writeSseEvents } from '../internal/write-sse-events.ts';

export interface TeacherLatency {
  /** Median time to the answer (first chunk for streams). Default 800 ms, typical of a hosted frontier model. */
  medianMs?: number;
  /** Spread of the underlying normal; 0.5 puts p90 near 1.9× the median. Default 0.5. */
  sigma?: number;
  /** Multiplies every delay (latency and chunk delays); 0 answers at once. Default 1. */
  scale?: number;
}

export interface TeacherServerOptions {
  /** The skills of every agent whose traffic the teacher answers. */
  skills: readonly TaskSkill[];
  /** 0 (default) picks a free port. Always bound to 127.0.0.1. */
  port?: number;
  /** Seeds every decision together with the request bytes. Default 0. */
  seed?: string | number;
  /** Share of scored answers that are plausibly wrong. Default 0.02. */
  errorRate?: number;
  latency?: TeacherLatency;
  /** Delay between SSE events of a healthy stream, before `latency.scale`. Default 15 ms (~65 tokens/s). */
  chunkDelayMs?: number;
  /** Faults injected at random, on top of any set with `setFault`. */
  faults?: RandomFaults;
  /** Ids listed by `GET /v1/models`. */
  models?: readonly string[];
}

export interface TeacherStats {
  /** Chat requests received (faulted ones included). */
  requests: number;
  /** Answers sent in full (plain or streamed). */
  answered: number;
  streams: number;
  /** Requests answered per recognised task. */
  byTask: Record<string, number>;
  /** Requests no skill recognised (answered with a generic reply). */
  unrecognised: number;
  /** Requests more than one skill recognised (a skill bug; the first skill answered). */
  ambiguous: number;
  /** Deliberately wrong answers. */
  wrongAnswers: number;
  /** Injected faults per kind. */
  faults: Record<TeacherFaultKind, number>;
  /** Requests rejected as invalid (400). */
  invalid: number;
}

export interface TeacherServer {
  /** Base URL including `/v1`, ready for `new OpenAI({ baseURL })` or a gateway provider entry. */
  url: string;
  port: number;
  /** A copy of the counters so far. */
  stats(): TeacherStats;
  /** Injects a fault into the following chat requests; `null` clears it. */
  setFault(fault: TeacherFault | null): void;
  /** Stops listening and drops every open connection (hung requests included). */
  close(): Promise<void>;
}

const defaultModels = ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4o', 'gpt-4o-mini'];
const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A slowed non-streaming answer waits for at most this many chunk delays. */
const maxSlowChunks = 10;

function emptyStats(): TeacherStats {
  return {
    requests: 0,
    answered: 0,
    streams: 0,
    byTask: {},
    unrecognised: 0,
    ambiguous: 0,
    wrongAnswers: 0,
    faults: { status: 0, hang: 0, reset: 0, 'slow-stream': 0, truncate: 0 },
    invalid: 0,
  };
}

/** Starts the teacher on 127.0.0.1 and resolves once it is listening. */
export async function startTeacherServer(options: TeacherServerOptions): Promise<TeacherServer> {
  const seed = String(options.seed ?? 0);
  const errorRate = options.errorRate ?? 0.02;
  if (!(errorRate >= 0 && errorRate <= 1)) throw new RangeError(`errorRate must be within [0, 1], got ${errorRate}`);
  const scale = options.latency?.scale ?? 1;
  const medianMs = options.latency?.medianMs ?? 800;
  const sigma = options.latency?.sigma ?? 0.5;
  const chunkDelayMs = (options.chunkDelayMs ?? 15) * scale;
  const models = options.models ?? defaultModels;
  const startedAt = Math.floor(Date.now() / 1000);
  const ids = createIdMinter();
  // Random faults come from one sequential stream, not the request hash: a retried request must be able
  // to succeed where its first attempt failed.
  const faultRandom = createRandom(seed).fork('faults');
  const stats = emptyStats();
  let fault: TeacherFault | null = null;
  let faultRemaining = Number.POSITIVE_INFINITY;

  function takeFault(): TeacherFault | null {
    if (fault) {
      const current = fault;
      faultRemaining -= 1;
      if (faultRemaining <= 0) fault = null;
      return current;
    }
    return drawRandomFault(options.faults, faultRandom);
  }

  function sendJson(response: ServerResponse, status: number, body: unknown, extraHeaders?: Record<string, string>): void {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-request-id': ids.request(),
      ...extraHeaders,
    });
    response.end(text);
  }

  function answerChat(request: IncomingMessage, response: ServerResponse, bodyText: string): void {
    stats.requests += 1;
    const body = parseJsonObject(bodyText);
    const parsed = body ? chatCompletionRequestSchema.safeParse(body) : null;
    if (!parsed?.success) {
      stats.invalid += 1;
      const message = parsed ? formatIssues(parsed.error) : 'We could not parse the JSON body of your request.';
      return sendJson(response, 400, buildErrorBody(400, message));
    }
    const activeFault = takeFault();
    if (activeFault) stats.faults[activeFault.kind] += 1;
    if (activeFault?.kind === 'hang') return;
    if (activeFault?.kind === 'reset') {
      request.socket.resetAndDestroy();
      return;
    }
    if (activeFault?.kind === 'status') {
      const retryAfter = activeFault.retryAfter ?? (activeFault.status === 429 ? 1 : undefined);
      const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
      return sendJson(response, activeFault.status, buildErrorBody(activeFault.status), headers);
    }
    const requestRandom = createRandom(`${seed}/${createHash('sha256').update(bodyText).digest('hex')}`);
    const delayMs = scale > 0 ? requestRandom.fork('latency').logNormal(medianMs, sigma) * scale : 0;
    const respond = () => sendAnswer(response, parsed.data, requestRandom, activeFault);
    if (delayMs > 0) setTimeout(respond, delayMs);
    else respond();
  }

  function sendAnswer(response: ServerResponse, request: ChatCompletionRequest, requestRandom: Random, activeFault: TeacherFault | null): void {
    if (response.destroyed) return;
    const answer = answerAsTeacher(request, options.skills, { errorRate, random: requestRandom });
    if (answer.task !== null) stats.byTask[answer.task] = (stats.byTask[answer.task] ?? 0) + 1;
    if (answer.recognition === 'none') stats.unrecognised += 1;
    if (answer.recognition === 'many') stats.ambiguous += 1;
    if (answer.wrong) stats.wrongAnswers += 1;
    const identity = { id: ids.completion(), created: Math.floor(Date.now() / 1000), model: request.model };
    // Tool-call ids come from the request, not a counter: agents echo them into their next request, and the
    // same seed must give the same workload byte for byte.
    const idRandom = requestRandom.fork('tool-call-ids');
    const mintToolCallId = () => `call_${idRandom.string(24, idAlphabet)}`;
    const completion = buildTeacherCompletion(request, answer.reply, identity, mintToolCallId);
    const slowDelayMs = activeFault?.kind === 'slow-stream' ? activeFault.chunkDelayMs ?? defaultSlowChunkDelayMs : null;
    if (request.stream === true) {
      stats.streams += 1;
      const events = buildTeacherStreamEvents(request, completion);
      // Cut before the finish chunk, so the client never sees a complete answer.
      const stopAfter = activeFault?.kind === 'truncate' ? Math.max(1, Math.floor((events.length - 3) / 2)) : null;
      if (stopAfter === null) stats.answered += 1;
      return writeSseEvents(response, events, { delayMs: slowDelayMs ?? chunkDelayMs, stopAfter, requestId: ids.request() });
    }
    stats.answered += 1;
    const body = activeFault?.kind === 'truncate' ? truncateCompletion(completion, request.model) : completion;
    if (slowDelayMs === null) return sendJson(response, 200, body);
    const chunks = Math.min(maxSlowChunks, Math.max(1, buildTeacherStreamEvents(request, completion).length));
    setTimeout(() => {
      if (!response.destroyed) sendJson(response, 200, body);
    }, slowDelayMs * chunks);
  }

  function route(request: IncomingMessage, response: ServerResponse, bodyText: string): void {
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const key = `${request.method} ${path}`;
    if (key === 'POST /v1/chat/completions') return answerChat(request, response, bodyText);
    if (key === 'GET /v1/models') return sendJson(response, 200, buildModelList([...models], startedAt));
    sendJson(response, 404, buildErrorBody(404, `Invalid URL (${request.method} ${path})`));
  }

  const server = createServer((request, response) => {
    const pieces: Buffer[] = [];
    request.on('data', (piece: Buffer) => pieces.push(piece));
    request.on('end', () => route(request, response, Buffer.concat(pieces).toString('utf8')));
  });
  const port = await listenOnLoopback(server, options.port);

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    stats: () => structuredClone(stats),
    setFault(next) {
      fault = next;
      faultRemaining = next?.count ?? Number.POSITIVE_INFINITY;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
