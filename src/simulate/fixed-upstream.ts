/**
 * A loopback stand-in for a remote OpenAI-compatible LLM provider: it answers chat completions (plain,
 * streamed, tool calls, JSON schema, n choices, logprobs), embeddings and the model list in the real wire
 * format, records what it received, and fails on demand. Tests point the gateway or an SDK at it; the
 * gateway benchmark uses it as the upstream, so the request path is plain `node:http` with keep-alive and
 * nothing on it that a fixed answer does not need.
 *
 * @example
 * const upstream = await startFixedUpstream({ latencyMs: 5 });
 * const client = new OpenAI({ baseURL: upstream.url, apiKey: 'provider-key' });
 * upstream.setFault({ kind: 'status', status: 503, count: 1 });
 * await upstream.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  buildChatCompletion,
  buildChatStreamEvents,
  buildEmbeddingList,
  buildErrorBody,
  buildModelList,
  createIdMinter,
  defaultReplyText,
  parseJsonObject,
  planReply,
  planTextReply,
  readChatRequest,
} from './internal/fixed-replies.ts';
import { listenOnLoopback } from './internal/listen-on-loopback.ts';
import { writeSseEvents } from './internal/write-sse-events.ts';

/** One request as it reached the stand-in: what the gateway or SDK actually put on the wire. */
export interface RecordedRequest {
  method: string;
  /** Path with query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-case header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: string;
}

/**
 * A failure to inject. `count` limits it to the next N requests; without it the fault holds until
 * `setFault(null)`.
 * - `status`: answer with that status and an OpenAI error body (or `body`), plus `Retry-After` seconds if given.
 * - `hang`: read the request and never answer (timeouts); `close()` still ends it.
 * - `reset`: destroy the connection (TCP RST) without answering.
 * - `truncate-stream`: send the first `afterEvents` SSE events (default 3) then drop the connection; a
 *   non-streaming answer is cut half-way through its body instead.
 */
export type UpstreamFault =
  | { kind: 'status'; status: number; body?: string | Record<string, unknown>; retryAfter?: number; count?: number }
  | { kind: 'hang'; count?: number }
  | { kind: 'reset'; count?: number }
  | { kind: 'truncate-stream'; afterEvents?: number; count?: number };

export interface FixedUpstreamOptions {
  /** Port to listen on; 0 (default) picks a free one. Always bound to 127.0.0.1. */
  port?: number;
  /** Delay before answering each request, after its body has arrived. Default 0. */
  latencyMs?: number;
  /** Delay between SSE events of a stream. Default 0 (events still go out one `write` each). */
  chunkDelayMs?: number;
  /** Leave out `usage` (body and stream), so token counting on our side is exercised. */
  omitUsage?: boolean;
  /** Text of plain replies. */
  replyText?: string;
  /** Ids listed by `GET /v1/models`. */
  models?: string[];
  /** Dimensions of embeddings when the request does not set `dimensions`. Default 64. */
  embeddingDimensions?: number;
  /** Keep every request in `requests`. Default true; turn off for long benchmarks so memory stays flat. */
  recordRequests?: boolean;
}

export interface FixedUpstream {
  /** Base URL including `/v1`, ready for `new OpenAI({ baseURL })`. */
  url: string;
  port: number;
  /** Requests received so far, oldest first; tests may clear it with `requests.length = 0`. */
  requests: RecordedRequest[];
  /** Injects a fault for the following requests; `null` clears it. */
  setFault(fault: UpstreamFault | null): void;
  /** Stops listening and drops every open connection (hung requests included). */
  close(): Promise<void>;
}

const defaultModels = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Starts the stand-in on 127.0.0.1 and resolves once it is listening. */
export async function startFixedUpstream(options: FixedUpstreamOptions = {}): Promise<FixedUpstream> {
  const latencyMs = options.latencyMs ?? 0;
  const chunkDelayMs = options.chunkDelayMs ?? 0;
  const includeUsage = options.omitUsage !== true;
  const textReply = planTextReply(options.replyText ?? defaultReplyText);
  const models = options.models ?? defaultModels;
  const embeddingDimensions = options.embeddingDimensions ?? 64;
  const recordRequests = options.recordRequests !== false;
  const startedAt = Math.floor(Date.now() / 1000);
  const ids = createIdMinter();
  const requests: RecordedRequest[] = [];
  let fault: UpstreamFault | null = null;
  let faultRemaining = Number.POSITIVE_INFINITY;

  function takeFault(): UpstreamFault | null {
    if (!fault) return null;
    const current = fault;
    faultRemaining -= 1;
    if (faultRemaining <= 0) fault = null;
    return current;
  }

  function sendJson(response: ServerResponse, status: number, body: unknown, extraHeaders?: Record<string, string>): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-request-id': ids.request(),
      ...extraHeaders,
    });
    response.end(text);
  }

  /** Writes half of a JSON body under a full Content-Length, then drops the connection. */
  function sendTruncatedJson(response: ServerResponse, body: unknown): void {
    const bytes = Buffer.from(JSON.stringify(body));
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
    response.write(bytes.subarray(0, bytes.length >> 1), () => response.socket?.destroy());
  }

  function answerChat(response: ServerResponse, body: Record<string, unknown>, activeFault: UpstreamFault | null): void {
    const request = readChatRequest(body);
    if (typeof request === 'string') return sendJson(response, 400, buildErrorBody(400, request));
    const reply = planReply(request, textReply);
    const identity = { id: ids.completion(), created: Math.floor(Date.now() / 1000), model: request.model };
    const truncate = activeFault?.kind === 'truncate-stream';
    if (request.stream) {
      const events = buildChatStreamEvents(request, reply, identity, ids.toolCall, includeUsage);
      const stopAfter = truncate ? Math.min(activeFault.afterEvents ?? 3, events.length - 1) : null;
      return writeSseEvents(response, events, { delayMs: chunkDelayMs, stopAfter, requestId: ids.request() });
    }
    const completion = buildChatCompletion(request, reply, identity, ids.toolCall, includeUsage);
    if (truncate) return sendTruncatedJson(response, completion);
    sendJson(response, 200, completion);
  }

  function answer(request: IncomingMessage, response: ServerResponse, bodyText: string): void {
    const activeFault = takeFault();
    if (activeFault?.kind === 'hang') return;
    if (activeFault?.kind === 'reset') {
      request.socket.resetAndDestroy();
      return;
    }
    if (activeFault?.kind === 'status') {
      const headers: Record<string, string> = activeFault.retryAfter === undefined ? {} : { 'retry-after': String(activeFault.retryAfter) };
      return sendJson(response, activeFault.status, activeFault.body ?? buildErrorBody(activeFault.status), headers);
    }
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const route = `${request.method} ${path}`;
    if (route === 'GET /v1/models') {
      const list = buildModelList(models, startedAt);
      return activeFault ? sendTruncatedJson(response, list) : sendJson(response, 200, list);
    }
    if (route !== 'POST /v1/chat/completions' && route !== 'POST /v1/embeddings') {
      return sendJson(response, 404, buildErrorBody(404, `Invalid URL (${request.method} ${path})`));
    }
    const body = parseJsonObject(bodyText);
    if (!body) return sendJson(response, 400, buildErrorBody(400, 'We could not parse the JSON body of your request.'));
    if (route === 'POST /v1/chat/completions') return answerChat(response, body, activeFault);
    const embeddings = buildEmbeddingList(body, embeddingDimensions);
    if (typeof embeddings === 'string') return sendJson(response, 400, buildErrorBody(400, embeddings));
    if (activeFault) return sendTruncatedJson(response, embeddings);
    sendJson(response, 200, embeddings);
  }

  const server = createServer((request, response) => {
    let bodyText = '';
    request.setEncoding('utf8');
    request.on('data', (piece: string) => {
      bodyText += piece;
    });
    request.on('end', () => {
      if (recordRequests) {
        requests.push({ method: request.method ?? 'GET', path: request.url ?? '/', headers: flattenHeaders(request), body: bodyText });
      }
      if (latencyMs > 0) setTimeout(() => answer(request, response, bodyText), latencyMs);
      else answer(request, response, bodyText);
    });
  });
  const port = await listenOnLoopback(server, options.port);

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
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
