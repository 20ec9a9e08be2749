/**
 * A CallSink for agents that run in another process than the gateway: it batches calls and posts them to
 * the gateway's `POST {baseUrl}/understudy/ingest`, so SDK-captured calls land in the same store as proxied
 * ones. `append` sits on the agent's request path, so it only pushes to a bounded in-memory buffer and never
 * throws; sending, retrying and giving up happen in the background.
 *
 * @example
 * const sink = createIngestSink({ baseUrl: 'http://127.0.0.1:4141/v1', apiKey: process.env.UNDERSTUDY_KEY! });
 * const client = withUnderstudy(new OpenAI(), { sink });
 * // … at shutdown:
 * await sink.close();
 */
import type { CallRecord } from '../contracts/call-record.ts';
import type { CallSink } from './call-sink.ts';

export interface IngestSinkOptions {
  /** The gateway's OpenAI base URL, e.g. `http://127.0.0.1:4141/v1`. */
  baseUrl: string;
  /** A gateway key; the gateway files the calls under that key's project. */
  apiKey: string;
  /** Calls per request. Default 100. */
  batchSize?: number;
  /** Longest a call waits in the buffer before a send is tried. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Calls kept while the gateway is unreachable; beyond it the oldest are dropped. Default 10,000. */
  maxBufferedCalls?: number;
  /**
   * Largest request body. Default 4 MiB, under the gateway's default 10 MiB limit, so a batch of long
   * prompts is split rather than refused with 413.
   */
  maxBatchBytes?: number;
  /** Attempts per batch within one flush before it goes back to the buffer. Default 4. */
  maxAttempts?: number;
  /** Per-request timeout. Default 10,000 ms. */
  requestTimeoutMs?: number;
  /** Replaceable for tests and custom agents; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

export interface IngestSinkStats {
  appended: number;
  /** Calls the gateway confirmed (`accepted`). */
  sent: number;
  /** Calls given up on: buffer overflow, a batch the gateway refused (4xx), or appends after `close()`. */
  dropped: number;
  /** Calls waiting in the buffer or in flight. */
  pending: number;
  lastError: string | null;
}

export interface IngestSink extends CallSink {
  /** Sends everything appended so far; resolves when sent or given up for now. Never rejects. */
  flush(): Promise<void>;
  /** Flushes, then stops the timer; later appends are dropped. */
  close(): Promise<void>;
  stats(): IngestSinkStats;
}

/** 408 and 429 are worth retrying like 5xx; any other 4xx means the batch itself is refused. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** Creates the sink and starts its flush timer (unref'd: it never keeps the process alive by itself). */
export function createIngestSink(options: IngestSinkOptions): IngestSink {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/understudy/ingest`;
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const maxBufferedCalls = Math.max(batchSize, options.maxBufferedCalls ?? 10_000);
  const maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const fetchFunction = options.fetch ?? fetch;
  const buffer: CallRecord[] = [];
  const stats: IngestSinkStats = { appended: 0, sent: 0, dropped: 0, pending: 0, lastError: null };
  let inFlight = 0;
  let closed = false;
  let flushing: Promise<void> | null = null;

  /** One POST; returns whether the batch is done with (sent or refused for good). */
  async function post(body: string, count: number): Promise<'done' | 'retry'> {
    try {
      const response = await fetchFunction(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const text = await response.text();
      if (response.ok) {
        stats.sent += count;
        return 'done';
      }
      stats.lastError = `ingest answered ${response.status}: ${text.slice(0, 300)}`;
      if (isRetryableStatus(response.status)) return 'retry';
      stats.dropped += count;
      return 'done';
    } catch (error) {
      stats.lastError = `ingest unreachable: ${error instanceof Error ? error.message : String(error)}`;
      return 'retry';
    }
  }

  /** Splits a batch by serialized size so no request body outgrows `maxBatchBytes`. */
  function toBodies(batch: CallRecord[]): Array<{ body: string; records: CallRecord[] }> {
    const bodies: Array<{ body: string; records: CallRecord[] }> = [];
    let parts: string[] = [];
    let records: CallRecord[] = [];
    let bytes = 0;
    for (const record of batch) {
      const part = JSON.stringify(record);
      const partBytes = Buffer.byteLength(part);
      if (parts.length > 0 && bytes + partBytes > maxBatchBytes) {
        bodies.push({ body: `{"calls":[${parts.join(',')}]}`, records });
        parts = [];
        records = [];
        bytes = 0;
      }
      parts.push(part);
      records.push(record);
      bytes += partBytes + 1;
    }
    if (parts.length > 0) bodies.push({ body: `{"calls":[${parts.join(',')}]}`, records });
    return bodies;
  }

  /** Sends one body with backoff; returns the records still unsent when attempts run out. */
  async function sendWithRetries(body: string, records: CallRecord[]): Promise<CallRecord[]> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) await sleep(Math.min(5000, 200 * 2 ** (attempt - 1)));
      if ((await post(body, records.length)) === 'done') return [];
    }
    return records;
  }

  async function drain(): Promise<void> {
    while (buffer.length > 0) {
      const batch = buffer.splice(0, batchSize);
      inFlight += batch.length;
      const unsent: CallRecord[] = [];
      for (const { body, records } of toBodies(batch)) {
        // Once one body fails for good in this flush, keep the rest for the next one instead of hammering.
        if (unsent.length > 0) unsent.push(...records);
        else unsent.push(...(await sendWithRetries(body, records)));
      }
      inFlight -= batch.length;
      if (unsent.length > 0) {
        // Back to the front, in order; the overflow rule in `append` still bounds memory.
        buffer.unshift(...unsent);
        trimOverflow();
        return;
      }
    }
  }

  function trimOverflow(): void {
    const overflow = buffer.length + inFlight - maxBufferedCalls;
    if (overflow > 0) stats.dropped += buffer.splice(0, Math.min(overflow, buffer.length)).length;
  }

  function flush(): Promise<void> {
    if (!flushing) {
      flushing = drain()
        .catch((error: unknown) => {
          stats.lastError = `ingest flush failed: ${error instanceof Error ? error.message : String(error)}`;
        })
        .finally(() => {
          flushing = null;
        });
    }
    return flushing;
  }

  /** A flush already under way may have taken its batch before the latest appends: then run once more. */
  async function flushAppended(): Promise<void> {
    const joinedRunning = flushing !== null;
    await flush();
    if (joinedRunning && buffer.length > 0) await flush();
  }

  const timer = setInterval(() => {
    if (buffer.length > 0) void flush();
  }, options.flushIntervalMs ?? 1000);
  timer.unref();

  // A short script may end before the timer fires; flush the tail when the event loop runs dry.
  const onBeforeExit = () => {
    if (buffer.length > 0 && !flushing) void flush();
  };
  process.on('beforeExit', onBeforeExit);

  return {
    append(record) {
      stats.appended += 1;
      if (closed) {
        stats.dropped += 1;
        return;
      }
      buffer.push(record);
      trimOverflow();
      if (buffer.length >= batchSize && !flushing) void flush();
    },
    flush: flushAppended,
    async close() {
      closed = true;
      clearInterval(timer);
      process.off('beforeExit', onBeforeExit);
      await flushAppended();
    },
    stats() {
      return { ...stats, pending: buffer.length + inFlight };
    },
  };
}
