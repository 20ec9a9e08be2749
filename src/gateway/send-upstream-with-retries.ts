/**
 * Retries and model fallbacks for one upstream request (`gateway.retries`, `fallbacks`), so a provider's
 * passing 503, 429 or dropped connection does not become the agent's failure. Everything here happens
 * before the client has received a byte: a stream is retried only until a provider answered 2xx SSE
 * headers, never once it started flowing.
 *
 * Per model: an attempt whose status is in `retryOnStatus`, whose connection was refused or reset, or
 * (with `retryOnTimeout`) that timed out is tried again after an exponential backoff with full jitter, or
 * after the provider's `Retry-After` when that is at most `maxRetryAfterMs` (a longer one ends that model's
 * attempts). Once a model's attempts are spent — or at once on a 5xx, 408/409/429, unreachable or timeout
 * that may not be retried — the next fallback model is tried, on its own provider. Client errors (any other
 * 4xx) are the client's to fix: they end everything and go back unchanged.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryConfig } from '../contracts/config.ts';
import type { UnderstudyError } from '../contracts/errors.ts';
import type { ProviderRegistry, ResolvedProvider } from '../providers/provider-registry.ts';
import { toUpstreamError, type UpstreamClient, type UpstreamRequest, type UpstreamResponse } from '../providers/upstream-client.ts';
import { parseRetryAfterMs } from './internal/parse-retry-after.ts';

/** One model to try, on the provider that serves it. */
export interface UpstreamTarget {
  model: string;
  provider: ResolvedProvider;
  /** False for the requested model, true for one taken from `fallbacks`. */
  isFallback: boolean;
}

export interface SendUpstreamOptions {
  upstream: UpstreamClient;
  retries: RetryConfig;
  /** The requested model first, then its fallbacks (`planUpstreamTargets`). */
  targets: readonly UpstreamTarget[];
  /** One attempt's request for a target: headers for its provider, the body naming its model. */
  buildRequest(target: UpstreamTarget): Omit<UpstreamRequest, 'signal'>;
  /**
   * The client asked for a stream: a 2xx `text/event-stream` answer is handed back unread, with the abort
   * controller its request was sent under (the pass-through aborts the upstream when the client hangs up).
   */
  stream: boolean;
  /** The client's request signal; read only when a backoff starts (creating it is not free). */
  clientSignal?: () => AbortSignal;
  /** Jitter source in [0, 1); Math.random unless a test pins it. */
  random?: () => number;
}

/** What the last attempt produced. */
export type UpstreamAnswer =
  | { kind: 'stream'; response: UpstreamResponse; abort: AbortController }
  /** A complete answer, any status (a failure's body goes to the client as the provider sent it). */
  | { kind: 'body'; status: number; headers: UpstreamResponse['headers']; text: string }
  /** No HTTP answer: unreachable (502) or timed out (504). */
  | { kind: 'error'; error: UnderstudyError };

export interface UpstreamResult {
  answer: UpstreamAnswer;
  /** The model and provider that gave `answer`. */
  target: UpstreamTarget;
  /** Attempts made over all models, this one included. */
  attempts: number;
  /** The client went away during a backoff: no further attempt was made. */
  clientGone: boolean;
}

/**
 * The requested model on its provider, then each of `fallbacks[model]` that some provider serves (a
 * fallback no provider serves is skipped rather than failing the request).
 */
export function planUpstreamTargets(
  model: string,
  provider: ResolvedProvider,
  fallbacks: Readonly<Record<string, readonly string[]>>,
  providers: ProviderRegistry,
): UpstreamTarget[] {
  const targets: UpstreamTarget[] = [{ model, provider, isFallback: false }];
  for (const fallback of fallbacks[model] ?? []) {
    const fallbackProvider = providers.resolve(fallback);
    if (fallbackProvider !== undefined) targets.push({ model: fallback, provider: fallbackProvider, isFallback: true });
  }
  return targets;
}

/** Sends with retries and fallbacks; resolves with the final answer (success or the last failure), never rejects for upstream failures. */
export async function sendUpstreamWithRetries(options: SendUpstreamOptions): Promise<UpstreamResult> {
  const { retries } = options;
  const random = options.random ?? Math.random;
  let attempts = 0;
  let last: { answer: UpstreamAnswer; target: UpstreamTarget } | undefined;
  for (const target of options.targets) {
    for (let attempt = 1; ; attempt += 1) {
      attempts += 1;
      const answer = await attemptOnce(options, target);
      last = { answer, target };
      const next = judgeAnswer(answer, retries);
      if (next.kind === 'done') return { ...last, attempts, clientGone: false };
      if (next.kind === 'next-model' || attempt >= retries.maxAttempts) break;
      // A provider that asks for a longer pause than we may wait is down for this model: on to the next one.
      if (next.retryAfterMs !== undefined && next.retryAfterMs > retries.maxRetryAfterMs) break;
      const waitMs = next.retryAfterMs ?? backoffMs(retries, attempt, random);
      if (!(await waitUnlessClientGone(waitMs, options.clientSignal))) return { ...last, attempts, clientGone: true };
    }
  }
  if (last === undefined) throw new Error('sendUpstreamWithRetries needs at least one target');
  return { ...last, attempts, clientGone: false };
}

/** Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): uniform in [0, min(cap, base·2^(n-1))). */
export function backoffMs(retries: RetryConfig, failedAttempt: number, random: () => number): number {
  const ceiling = Math.min(retries.maxBackoffMs, retries.initialBackoffMs * 2 ** (failedAttempt - 1));
  return Math.floor(random() * ceiling);
}

async function attemptOnce(options: SendUpstreamOptions, target: UpstreamTarget): Promise<UpstreamAnswer> {
  // Only a stream can be abandoned half-way by its client; non-streaming calls skip the allocation.
  const abort = options.stream ? new AbortController() : undefined;
  let response: UpstreamResponse;
  try {
    response = await options.upstream.send(target.provider, { ...options.buildRequest(target), signal: abort?.signal });
  } catch (error) {
    return { kind: 'error', error: toUpstreamError(error, target.provider) };
  }
  if (abort !== undefined && response.status < 300 && String(response.headers['content-type'] ?? '').includes('text/event-stream')) {
    return { kind: 'stream', response, abort };
  }
  try {
    // Read whole, so a body cut off half-way counts as a failed attempt while nothing reached the client.
    return { kind: 'body', status: response.status, headers: response.headers, text: await response.body.text() };
  } catch (error) {
    return { kind: 'error', error: toUpstreamError(error, target.provider) };
  }
}

type Judgement = { kind: 'done' } | { kind: 'next-model' } | { kind: 'retry'; retryAfterMs: number | undefined };

/** Statuses that say "not now" rather than "not this request": worth a fallback even when not retried. */
const transientClientStatuses = new Set([408, 409, 429]);

function judgeAnswer(answer: UpstreamAnswer, retries: RetryConfig): Judgement {
  if (answer.kind === 'stream') return { kind: 'done' };
  if (answer.kind === 'error') {
    if (answer.error.code === 'upstream_timeout') return retries.retryOnTimeout ? { kind: 'retry', retryAfterMs: undefined } : { kind: 'next-model' };
    return answer.error.code === 'upstream_unreachable' ? { kind: 'retry', retryAfterMs: undefined } : { kind: 'done' };
  }
  const { status } = answer;
  if (status < 400) return { kind: 'done' };
  const transient = status >= 500 || transientClientStatuses.has(status);
  if (!transient) return { kind: 'done' };
  if (retries.retryOnStatus.includes(status)) return { kind: 'retry', retryAfterMs: parseRetryAfterMs(answer.headers) };
  return { kind: 'next-model' };
}

/** Resolves false as soon as the client has gone away (then no further attempt is worth making). */
async function waitUnlessClientGone(waitMs: number, clientSignal: (() => AbortSignal) | undefined): Promise<boolean> {
  const signal = clientSignal?.();
  if (signal?.aborted) return false;
  if (waitMs <= 0) return true;
  try {
    await sleep(waitMs, undefined, signal === undefined ? undefined : { signal });
    return true;
  } catch {
    return false;
  }
}
