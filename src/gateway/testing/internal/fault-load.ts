/**
 * The client side of a fault scenario: chat completions (every third one streamed) sent through the gateway
 * at a fixed concurrency, in phases (before, during and after a fault), recording what each client saw — the
 * status, the call id header, whether a stream ended with `[DONE]`. Each request carries a unique marker in
 * its message so a stored call can be matched even when no call id came back.
 */
import { Agent, request as sendRequest } from 'undici';

export type LoadPhase = 'before' | 'during' | 'after';

export interface RequestOutcome {
  marker: string;
  phase: LoadPhase;
  stream: boolean;
  /** HTTP status the client received; null when no response came (connection failed). */
  status: number | null;
  callId: string | null;
  /** `x-understudy-attempts` (upstream attempts behind the answer), when the gateway sent it. */
  attempts: number | null;
  /** `x-understudy-route` (llm, specialist, escalated, …). */
  route: string | null;
  /** The `model` of a non-streamed 200 answer (a fallback answers under its own model). */
  model: string | null;
  /** Streams only: the body ended with `data: [DONE]` and was read to its end. */
  completeStream: boolean | null;
  /** Why the request or its body failed on the client side. */
  error: string | null;
}

export interface FaultLoadOptions {
  baseUrl: string;
  apiKey: string;
  /** Filed under this episode (`x-understudy-episode`), one per scenario. */
  episode: string;
  concurrency: number;
  model?: string;
  /** Sent as `x-understudy-task` (routed scenarios). */
  task?: string;
  /** Client-side limit per request; the gateway's own timeouts are much shorter. */
  requestTimeoutMs?: number;
}

export interface PhaseOptions {
  /** Keep sending (paced) until this much time has passed since the phase began, even past `count`. */
  minDurationMs?: number;
  /** Called once after this many requests of the phase were sent (a fault injected mid-load). */
  onSent?: { after: number; run: () => void | Promise<void> };
}

export interface FaultLoad {
  readonly outcomes: RequestOutcome[];
  /** Sends `count` requests of one phase with the load's concurrency; resolves when all have ended. */
  run(phase: LoadPhase, count: number, options?: PhaseOptions): Promise<void>;
  close(): Promise<void>;
}

export function createFaultLoad(options: FaultLoadOptions): FaultLoad {
  const agent = new Agent({ connections: options.concurrency, keepAliveTimeout: 10_000 });
  const outcomes: RequestOutcome[] = [];
  const url = new URL(`${options.baseUrl}/chat/completions`);
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.apiKey}`,
    'content-type': 'application/json',
    'x-understudy-episode': options.episode,
    ...(options.task === undefined ? {} : { 'x-understudy-task': options.task }),
  };
  let sequence = 0;

  async function sendOne(phase: LoadPhase): Promise<void> {
    const index = sequence++;
    const marker = `${options.episode}#${index}`;
    const stream = index % 3 === 2;
    const outcome: RequestOutcome = { marker, phase, stream, status: null, callId: null, attempts: null, route: null, model: null, completeStream: null, error: null };
    outcomes.push(outcome);
    const body = JSON.stringify({
      model: options.model ?? 'gpt-4o-mini',
      messages: [{ role: 'user', content: `Fault suite request ${marker}: say hello.` }],
      ...(stream ? { stream: true } : {}),
    });
    try {
      const response = await sendRequest(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: agent,
        headersTimeout: options.requestTimeoutMs ?? 60_000,
        bodyTimeout: options.requestTimeoutMs ?? 60_000,
      });
      outcome.status = response.statusCode;
      outcome.callId = headerValue(response.headers['x-understudy-call-id']);
      outcome.route = headerValue(response.headers['x-understudy-route']);
      const attempts = headerValue(response.headers['x-understudy-attempts']);
      outcome.attempts = attempts === null ? null : Number(attempts);
      let text: string;
      try {
        text = await response.body.text();
      } catch (error) {
        outcome.error = `body broke off: ${(error as Error).message}`;
        if (stream) outcome.completeStream = false;
        return;
      }
      if (stream) outcome.completeStream = response.statusCode === 200 && text.trimEnd().endsWith('data: [DONE]');
      else if (response.statusCode === 200) outcome.model = readModel(text);
    } catch (error) {
      outcome.error = (error as Error).message;
    }
  }

  return {
    outcomes,
    async run(phase, count, phaseOptions = {}) {
      const startedAt = Date.now();
      const minDurationMs = phaseOptions.minDurationMs ?? 0;
      // Paced so a timed phase sends about `count` requests over its duration, not thousands.
      const paceMs = minDurationMs > 0 && count > 0 ? (minDurationMs * options.concurrency) / count : 0;
      let sent = 0;
      let hook = phaseOptions.onSent;
      const pendingHooks: Array<Promise<void>> = [];
      const worker = async () => {
        while (sent < count || Date.now() - startedAt < minDurationMs) {
          sent += 1;
          if (hook !== undefined && sent > hook.after) {
            const run = hook.run;
            hook = undefined;
            pendingHooks.push(Promise.resolve().then(run));
          }
          const began = Date.now();
          await sendOne(phase);
          const wait = paceMs - (Date.now() - began);
          if (wait > 0 && Date.now() - startedAt < minDurationMs) await new Promise((resolve) => setTimeout(resolve, wait));
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
      if (hook !== undefined) pendingHooks.push(Promise.resolve().then(hook.run));
      await Promise.all(pendingHooks);
    },
    close: () => agent.close(),
  };
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function readModel(text: string): string | null {
  try {
    const value = JSON.parse(text) as { model?: unknown };
    return typeof value.model === 'string' ? value.model : null;
  } catch {
    return null;
  }
}
