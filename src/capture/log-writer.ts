/**
 * The asynchronous, batched log writer behind every capture path. `append` puts the call in the spool
 * (synchronous, crash-safe) and in a bounded in-memory batch; a timer moves batches to the store off the
 * request path. When the store is down, calls wait in the spool on disk (memory stays bounded) and are
 * retried with backoff; on start, spool segments left by a dead process are replayed. Storing is
 * idempotent on the call id, so a replay after a partial batch never duplicates a call.
 */
import type { CallRecord } from '../contracts/call-record.ts';
import type { LogWriter, LogWriterStats } from './call-sink.ts';
import { CallSpool, type SpoolSegment } from './call-spool.ts';
import type { SegmentStorer } from './segment-storer.ts';

export interface LogWriterOptions {
  /** Where segments are stored from: this thread or a worker (see segment-storer.ts). Closed with the writer. */
  storer: SegmentStorer;
  spoolDirectory: string;
  flushIntervalMs?: number;
  maxBatch?: number;
  /** In-memory cap; beyond it calls are kept only in the spool and re-read from disk when stored. */
  maxQueuedCalls?: number;
  onError?: (error: unknown) => void;
}

interface PendingSegment {
  segment: SpoolSegment;
  /** The calls in memory, or null when they must be re-read from the spool file. */
  records: CallRecord[] | null;
  count: number;
}

const maxBackoffMs = 5_000;

export function createLogWriter(options: LogWriterOptions): LogWriter {
  const flushIntervalMs = options.flushIntervalMs ?? 100;
  const maxBatch = options.maxBatch ?? 500;
  // A storer that reads segments from disk itself gets nothing in memory: no copies, no cloning.
  const maxQueuedCalls = options.storer.wantsRecordsInMemory ? (options.maxQueuedCalls ?? 20_000) : 0;
  const spool = new CallSpool(options.spoolDirectory);
  const pending: PendingSegment[] = [];

  let current: CallRecord[] = [];
  let currentCount = 0;
  let currentOverflowed = false;
  let inMemory = 0;
  let timer: NodeJS.Timeout | null = null;
  let soonScheduled = false;
  let running: Promise<void> | null = null;
  let closed = false;
  let consecutiveFailures = 0;
  let retryAt = 0;
  const stats: Omit<LogWriterStats, 'inMemory'> = { appended: 0, stored: 0, pending: 0, storeErrors: 0, lastError: null };

  function append(record: CallRecord): void {
    if (closed) throw new Error('log writer is closed');
    spool.append(JSON.stringify(record));
    stats.appended += 1;
    stats.pending += 1;
    currentCount += 1;
    if (!currentOverflowed && inMemory < maxQueuedCalls) {
      current.push(record);
      inMemory += 1;
    } else {
      currentOverflowed = true;
    }
    if (currentCount >= maxBatch && !soonScheduled) {
      soonScheduled = true;
      setImmediate(() => {
        soonScheduled = false;
        void runOnce().catch(() => undefined);
      });
    }
  }

  /** Closes the segment being written so its calls can be stored. */
  function sealCurrent(): void {
    const segment = spool.rotate();
    if (segment === null) return;
    pending.push({ segment, records: currentOverflowed ? null : current, count: currentCount });
    if (currentOverflowed) inMemory -= current.length;
    current = [];
    currentCount = 0;
    currentOverflowed = false;
  }

  async function storeSegment(item: PendingSegment): Promise<void> {
    const stored = await options.storer.storeSegment(item.segment.path, item.records);
    spool.remove(item.segment);
    if (item.records !== null) inMemory -= item.records.length;
    stats.stored += stored;
    stats.pending = Math.max(0, stats.pending - item.count);
  }

  /** One pass: seal what was appended and store every pending segment, oldest first. */
  async function storeEverything(): Promise<void> {
    try {
      sealCurrent();
      while (pending.length > 0) {
        const item = pending[0]!;
        await storeSegment(item);
        pending.shift();
      }
      consecutiveFailures = 0;
    } catch (error) {
      consecutiveFailures += 1;
      stats.storeErrors += 1;
      stats.lastError = error instanceof Error ? error.message : String(error);
      retryAt = Date.now() + Math.min(maxBackoffMs, flushIntervalMs * 2 ** consecutiveFailures);
      // Under a long outage, drop the in-memory copies: the spool on disk has every call.
      if (inMemory > maxQueuedCalls / 2) {
        for (const item of pending) {
          if (item.records !== null) {
            inMemory -= item.records.length;
            item.records = null;
          }
        }
      }
      options.onError?.(error);
      throw error;
    }
  }

  /** Runs one pass, or joins the pass under way. */
  function runOnce(): Promise<void> {
    if (running) return running;
    // `.finally` runs in a later microtask, so `running` is always assigned before it is cleared,
    // even when a pass has nothing to await.
    const pass: Promise<void> = storeEverything().finally(() => {
      if (running === pass) running = null;
    });
    running = pass;
    return pass;
  }

  function tick(): void {
    if (closed || Date.now() < retryAt) return;
    if (currentCount === 0 && pending.length === 0) return;
    void runOnce().catch(() => undefined);
  }

  return {
    append,
    async start() {
      for (const segment of spool.listReplayable()) {
        const { records } = await spool.read(segment);
        stats.pending += records.length;
        pending.push({ segment, records: null, count: records.length });
      }
      // A store that is down at start must not keep the gateway down: the timer retries the replay.
      if (pending.length > 0) await runOnce().catch(() => undefined);
      timer = setInterval(tick, flushIntervalMs);
      timer.unref();
    },
    async flush() {
      // A pass already under way may have started before the latest appends: run until nothing is left.
      if (running) await running.catch(() => undefined);
      await runOnce();
    },
    async close() {
      if (closed) return;
      if (timer) clearInterval(timer);
      timer = null;
      try {
        if (running) await running.catch(() => undefined);
        await runOnce();
      } finally {
        closed = true;
        spool.close();
        await options.storer.close();
      }
    },
    stats() {
      return { ...stats, inMemory };
    },
  };
}
