/**
 * The listener for agents that call the official `openai` client (v6) directly instead of going through
 * the gateway: `withUnderstudy(client, { sink })` returns the same client, and every
 * `chat.completions.create` call (streaming included) is logged to the sink as a CallRecord.
 *
 * It is a Proxy over the one client instance, not a patch of the SDK's prototypes: other clients in the
 * process are untouched, and the caller gets the SDK's own objects back — an `APIPromise` (so
 * `.withResponse()` works) and, for streams, a real SDK `Stream` (async iteration, `.tee()`,
 * `.toReadableStream()`, `.controller`). The helpers built on `create` (`parse`, `stream`, `runTools`) are
 * logged too, because they reach `create` through the proxied client.
 *
 * Not intercepted: successful calls whose result is only read with `.asResponse()` (the SDK never reads
 * that body, so neither do we; failures are still logged), a 2xx body the SDK fails to parse, streams that
 * are never iterated, clients derived with `.withOptions()`, and every other endpoint (Responses API,
 * embeddings, legacy completions). SDK retries happen inside one `create`, so they are one logged call.
 *
 * @example
 * const client = withUnderstudy(new OpenAI(), { sink, task: 'triage', episodeId: () => currentRunId() });
 * await client.chat.completions.create({ model: 'gpt-4o-mini', messages, metadata: { understudy_task: 'summarise' } });
 */
import type OpenAI from 'openai';
import type { APIPromise } from 'openai/api-promise';
import type { Stream } from 'openai/streaming';
import { randomUUID } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../contracts/chat-completion.ts';
import { ChatStreamAccumulator } from './accumulate-chat-stream.ts';
import { buildCallRecord } from './build-call-record.ts';
import {
  appendSafely,
  defaultProjectId,
  errorMessageOf,
  resolvePricing,
  withOptionTags,
  type FailureOutcome,
  type SdkCaptureOptions,
} from './internal/sdk-capture.ts';
import { resolveCallTags, type CallTags } from './resolve-call-tags.ts';
import { errorClassForStatus } from '../contracts/call-record.ts';

export type WithUnderstudyOptions = SdkCaptureOptions;

type CreateParams = OpenAI.Chat.Completions.ChatCompletionCreateParams;
type RequestOptions = Parameters<OpenAI['chat']['completions']['create']>[1];
type SdkCompletion = OpenAI.Chat.Completions.ChatCompletion;
type SdkChunk = OpenAI.Chat.Completions.ChatCompletionChunk;
type CreateResult = APIPromise<SdkCompletion | Stream<SdkChunk>>;
type ErrorClasses = Pick<typeof OpenAI, 'APIError' | 'APIUserAbortError' | 'APIConnectionError' | 'APIConnectionTimeoutError'>;

/** Everything known about a call when it starts; `finish` turns it into a record. */
interface PendingCall {
  id: string;
  request: ChatCompletionRequest;
  tags: CallTags;
  stream: boolean;
  startedAt: number;
  startedAtMonotonic: number;
}

interface CallOutcome {
  status: 'ok' | FailureOutcome['status'];
  errorClass: FailureOutcome['errorClass'] | null;
  errorMessage: string | null;
  httpStatus: number | null;
  response: ChatCompletion | null;
  ttftMs: number | null;
  /** Monotonic time the answer was complete; defaults to when `finish` runs. */
  endedAtMonotonic?: number;
}

/**
 * The SDK's parsed JSON is the wire object; the contract types model the same format with open index
 * signatures, which the SDK's closed interfaces do not declare.
 */
function asWireCompletion(value: SdkCompletion): ChatCompletion {
  return value as unknown as ChatCompletion;
}
function asWireChunk(value: SdkChunk): ChatCompletionChunk {
  return value as unknown as ChatCompletionChunk;
}

/** `api.openai.com` → `openai`; any other base URL is named by its host (a proxy, Azure, a local server). */
function providerFromBaseUrl(baseURL: string): string {
  try {
    const host = new URL(baseURL).host;
    return host === 'api.openai.com' ? 'openai' : host;
  } catch {
    return 'openai';
  }
}

/**
 * Our tags may ride in `metadata` like they do through the gateway; providers must not see them (OpenAI
 * rejects unknown metadata on some models and stores it on others), so they are removed before sending.
 */
function withoutUnderstudyMetadata(body: CreateParams): CreateParams {
  const metadata = body.metadata;
  if (!metadata || !Object.keys(metadata).some((key) => key.startsWith('understudy_'))) return body;
  const kept = Object.fromEntries(Object.entries(metadata).filter(([key]) => !key.startsWith('understudy_')));
  const { metadata: _removed, ...rest } = body;
  return (Object.keys(kept).length > 0 ? { ...rest, metadata: kept } : rest) as CreateParams;
}

/**
 * The error classes come from the client's own constructor (`OpenAI.APIError`, …), not from an import, so
 * they are the classes of the SDK copy that threw them even when an agent bundles its own `openai`.
 */
function isInstance(error: unknown, errorClass: unknown): boolean {
  return typeof errorClass === 'function' && error instanceof errorClass;
}

function classifyError(error: unknown, errors: ErrorClasses, duringStream: boolean): FailureOutcome {
  const errorMessage = errorMessageOf(error);
  if (isInstance(error, errors.APIUserAbortError) || (error instanceof Error && error.name === 'AbortError')) {
    return { status: 'cancelled', errorClass: 'client_cancelled', errorMessage, httpStatus: null };
  }
  if (isInstance(error, errors.APIConnectionTimeoutError)) {
    return { status: 'error', errorClass: 'upstream_timeout', errorMessage, httpStatus: null };
  }
  if (!duringStream && isInstance(error, errors.APIConnectionError)) {
    return { status: 'error', errorClass: 'upstream_unreachable', errorMessage, httpStatus: null };
  }
  const status = isInstance(error, errors.APIError) ? (error as { status?: unknown }).status : undefined;
  if (!duringStream && typeof status === 'number') {
    return { status: 'error', errorClass: errorClassForStatus(status), errorMessage, httpStatus: status };
  }
  // Mid-stream: the connection dropped or the provider sent an SSE error event after a 200.
  if (duringStream) return { status: 'error', errorClass: 'stream_interrupted', errorMessage, httpStatus: 200 };
  return { status: 'error', errorClass: 'upstream_invalid_response', errorMessage, httpStatus: null };
}

/** A chunk that carries output: the moment a user would see the first token. */
function carriesOutput(chunk: SdkChunk): boolean {
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta;
    if (delta?.content || delta?.refusal || (delta?.tool_calls && delta.tool_calls.length > 0)) return true;
  }
  return false;
}

/**
 * A proxy that answers `overrides` itself and forwards everything else to `target`. With `bindMethods`,
 * forwarded methods run with the real target as `this`: the client keeps `#private` fields, which a
 * method called on the proxy could not reach.
 */
function createForwardingProxy<Target extends object>(
  target: Target,
  overrides: Map<PropertyKey, () => unknown>,
  bindMethods: boolean,
): Target {
  const boundMethods = new WeakMap<(...parameters: unknown[]) => unknown, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const override = overrides.get(property);
      if (override) return override();
      const value: unknown = Reflect.get(object, property);
      if (!bindMethods || typeof value !== 'function' || property === 'constructor') return value;
      const method = value as (...parameters: unknown[]) => unknown;
      let bound = boundMethods.get(method);
      if (!bound) {
        bound = method.bind(object);
        boundMethods.set(method, bound);
      }
      return bound;
    },
  });
}

/**
 * Wraps an `openai` client so that its chat completions are logged to `options.sink`. Per-call
 * `metadata.understudy_task` / `understudy_episode` / `understudy_user` override the options (and are not
 * sent to the provider); `user` / `safety_identifier` fill the end user when no option names one.
 */
export function withUnderstudy<Client extends OpenAI>(client: Client, options: WithUnderstudyOptions): Client {
  const errors = client.constructor as unknown as ErrorClasses;
  const projectId = options.projectId ?? defaultProjectId;
  const provider = options.provider ?? providerFromBaseUrl(client.baseURL);
  const pricing = resolvePricing(options);
  const completions = client.chat.completions;
  const originalCreate = completions.create.bind(completions) as (body: CreateParams, requestOptions?: RequestOptions) => CreateResult;

  function finish(call: PendingCall, outcome: CallOutcome): void {
    const latencyMs = (outcome.endedAtMonotonic ?? performance.now()) - call.startedAtMonotonic;
    appendSafely(options.sink, () =>
      buildCallRecord(
        {
          id: call.id,
          source: 'sdk',
          projectId,
          request: call.request,
          response: outcome.response,
          tags: call.tags,
          provider,
          status: outcome.status,
          errorClass: outcome.errorClass,
          errorMessage: outcome.errorMessage,
          httpStatus: outcome.httpStatus,
          startedAt: call.startedAt,
          latencyMs,
          ttftMs: outcome.ttftMs ?? (call.stream || outcome.status !== 'ok' ? null : latencyMs),
          stream: call.stream,
        },
        pricing,
      ),
    );
  }

  /** Returns a real SDK Stream (same class as the client's) whose iteration also feeds the log. */
  function observeStream(stream: Stream<SdkChunk>, call: PendingCall, httpStatus: number): Stream<SdkChunk> {
    const accumulator = new ChatStreamAccumulator();
    let settled = false;
    let ttftMs: number | null = null;
    const settle = (outcome: Omit<CallOutcome, 'response' | 'ttftMs'>) => {
      if (settled) return;
      settled = true;
      finish(call, { ...outcome, ttftMs, response: accumulator.chunkCount > 0 ? accumulator.result() : null });
    };
    async function* observed(): AsyncGenerator<SdkChunk> {
      let completed = false;
      try {
        for await (const chunk of stream) {
          if (ttftMs === null && carriesOutput(chunk)) ttftMs = performance.now() - call.startedAtMonotonic;
          accumulator.push(asWireChunk(chunk));
          yield chunk;
        }
        completed = true;
      } catch (error) {
        // A second iteration of a consumed stream throws here too; `settle` logs only the first outcome.
        settle(classifyError(error, errors, true));
        throw error;
      } finally {
        // The SDK ends quietly when `stream.controller.abort()` is called, so "completed" alone is not "ok".
        if (completed && !stream.controller.signal.aborted) {
          settle({ status: 'ok', errorClass: null, errorMessage: null, httpStatus });
        } else {
          settle({ status: 'cancelled', errorClass: 'client_cancelled', errorMessage: 'The stream was not read to its end.', httpStatus });
        }
      }
    }
    const StreamClass = stream.constructor as typeof Stream<SdkChunk>;
    return new StreamClass(observed, stream.controller, client);
  }

  function create(body: CreateParams, requestOptions?: RequestOptions): CreateResult {
    const call: PendingCall = {
      id: randomUUID(),
      // Logged as the caller wrote it, tags included, like the gateway logs the client's request.
      request: body as unknown as ChatCompletionRequest,
      tags: withOptionTags(resolveCallTags({ request: body }), options),
      stream: body.stream === true,
      startedAt: Date.now(),
      startedAtMonotonic: performance.now(),
    };
    const apiPromise = originalCreate(withoutUnderstudyMetadata(body), requestOptions);
    // For a plain completion the body follows its headers at once, so "headers arrived" is the latency even
    // when the caller awaits the promise much later.
    let respondedAtMonotonic: number | undefined;
    // Observing the response (not the parsed body) logs failures without consuming a body that a caller
    // of `.asResponse()` wants to read.
    apiPromise.asResponse().then(
      () => {
        respondedAtMonotonic = performance.now();
      },
      (error: unknown) => finish(call, { ...classifyError(error, errors, false), response: null, ttftMs: null }),
    );
    return apiPromise._thenUnwrap((data, props) => {
      if (call.stream) return observeStream(data as Stream<SdkChunk>, call, props.response.status);
      finish(call, {
        status: 'ok',
        errorClass: null,
        errorMessage: null,
        httpStatus: props.response.status,
        response: asWireCompletion(data as SdkCompletion),
        ttftMs: null,
        endedAtMonotonic: respondedAtMonotonic,
      });
      return data;
    });
  }

  const completionsOverrides = new Map<PropertyKey, () => unknown>([
    ['create', () => create],
    // `parse`, `stream` and `runTools` call `this._client.chat.completions.create`: pointing `_client` at
    // the proxied client sends them through `create` above.
    ['_client', () => clientProxy],
  ]);
  const completionsProxy: Client['chat']['completions'] = createForwardingProxy(completions, completionsOverrides, false);
  const chatOverrides = new Map<PropertyKey, () => unknown>([['completions', () => completionsProxy]]);
  const chatProxy: Client['chat'] = createForwardingProxy(client.chat, chatOverrides, false);
  const clientProxy: Client = createForwardingProxy(client, new Map<PropertyKey, () => unknown>([['chat', () => chatProxy]]), true);
  return clientProxy;
}
