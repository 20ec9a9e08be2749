/**
 * The asynchronous, batched log writer behind every capture path. `append` puts the call in the spool
 * (synchronous, crash-safe) and in a bounded in-memory batch; a timer moves batches to the store off the
 * request path. When the store is down, calls wait in the spool on disk (memory stays bounded) and are
 * retried with backoff; on start, spool segments left by a dead process are replayed. Storing is
 * idempotent on the call id, so a replay after a partial batch never duplicates a call.
 *
 * When the spool itself cannot be written (disk full, I/O error), `append` still returns normally — the
 * client's answer must not fail because of logging — and the call waits in memory (bounded by
 * `maxUnspooledCalls`) until a later pass manages to spool it. Those calls would not survive a crash; they
 * are counted (`spoolErrors`, `unspooled`, and `dropped` beyond the bound) and reported through `onError`.
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
  /** Calls kept in memory while the spool cannot be written; beyond it they are dropped (and counted). Default 50,000. */
  maxUnspooledCalls?: number;
  onError?: (error: unknown) => void;
}

interface PendingSegment {
  segment: SpoolSegment;
  /** The calls in memory, or null when they must be re-read from the spool file. */
  records: CallRecord[] | null;
  count: number;
}

const maxBackoffMs = 5_000;

interface UnspooledCall {
  record: CallRecord;
  line: string;
}

/**
 * The call's spool line. A request or answer nested too deeply for `JSON.stringify` (a client can send one; the
 * schema does not bound depth) is logged with that part replaced by a note, so the call is still counted and
 * visible; null only when even that fails.
 */
function serializeCall(record: CallRecord): UnspooledCall | null {
  try {
    return { record, line: JSON.stringify(record) };
  } catch (error) {
    const reason = `[not logged: could not be serialized — ${error instanceof Error ? error.message : String(error)}]`;
    const note = (part: string) => `The ${part} of this call could not be serialized for the log (${reason}).`;
    const model = typeof record.request['model'] === 'string' ? record.request['model'] : 'unknown';
    const stub = { model, messages: [{ role: 'user', content: reason }] };
    const degradedForms: CallRecord[] = [
      { ...record, request: stub, errorMessage: record.errorMessage ?? note('request') },
      { ...record, request: stub, response: null, errorMessage: record.errorMessage ?? note('request and response') },
    ];
    for (const degraded of degradedForms) {
      try {
        return { record: degraded, line: JSON.stringify(degraded) };
      } catch {
        // try the next, plainer form
      }
    }
    return null;
  }
}

export function createLogWriter(options: LogWriterOptions): LogWriter {
  const flushIntervalMs = options.flushIntervalMs ?? 100;
  const maxBatch = options.maxBatch ?? 500;
  // A storer that reads segments from disk itself gets nothing in memory: no copies, no cloning.
  const maxQueuedCalls = options.storer.wantsRecordsInMemory ? (options.maxQueuedCalls ?? 20_000) : 0;
  const spool = new CallSpool(options.spoolDirectory);
  const pending: PendingSegment[] = [];
  const maxUnspooledCalls = options.maxUnspooledCalls ?? 50_000;
  /** Calls the spool refused, oldest first, with their serialized line; retried on every pass. */
  let unspooled: UnspooledCall[] = [];

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
  const stats: Omit<LogWriterStats, 'inMemory' | 'unspooled'> = { appended: 0, stored: 0, pending: 0, storeErrors: 0, spoolErrors: 0, dropped: 0, lastError: null };

  function append(record: CallRecord): void {
    if (closed) throw new Error('log writer is closed');
    stats.appended += 1;
    stats.pending += 1;
    const serialized = serializeCall(record);
    if (serialized === null) {
      // Nothing can hold a call that cannot be written down; never let it block the calls behind it.
      stats.dropped += 1;
      stats.pending -= 1;
      options.onError?.(new Error(`call ${record.id} could not be serialized for the log and was dropped`));
      return;
    }
    // While the spool is failing, later calls queue behind the refused ones instead of hitting the disk again.
    if (unspooled.length > 0 || !trySpool(serialized.line)) {
      holdUnspooled(serialized);
      return;
    }
    addToCurrent(serialized.record);
  }

  /** Writes one call to the spool; false (counted and reported) when the disk refused it. */
  function trySpool(line: string): boolean {
    try {
      spool.append(line);
      return true;
    } catch (error) {
      stats.spoolErrors += 1;
      stats.lastError = `spool write failed: ${error instanceof Error ? error.message : String(error)}`;
      // Once per streak: a full disk must not turn into one log line per request.
      if (unspooled.length === 0) {
        options.onError?.(new Error(`${stats.lastError}; calls are kept in memory until the spool can be written again`, { cause: error }));
      }
      return false;
    }
  }

  function holdUnspooled(record: UnspooledCall): void {
    if (unspooled.length >= maxUnspooledCalls) {
      unspooled.shift();
      stats.dropped += 1;
      stats.pending -= 1;
    }
    unspooled.push(record);
  }

  /** Moves calls the spool refused earlier into it, oldest first, stopping at the first refusal. */
  function respool(): void {
    if (unspooled.length === 0) return;
    let moved = 0;
    for (const { record, line } of unspooled) {
      try {
        spool.append(line);
      } catch (error) {
        stats.spoolErrors += 1;
        stats.lastError = `spool write failed: ${error instanceof Error ? error.message : String(error)}`;
        break;
      }
      moved += 1;
      addToCurrent(record);
    }
    if (moved > 0) unspooled = unspooled.slice(moved);
  }

  function addToCurrent(record: CallRecord): void {
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
      respool();
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
    // Not a store failure (no backoff, no report: `trySpool` reported it), but `flush` must not claim success.
    if (unspooled.length > 0) throw new Error(`${unspooled.length} calls wait in memory: ${stats.lastError ?? 'the spool cannot be written'}`);
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
    if (currentCount === 0 && pending.length === 0 && unspooled.length === 0) return;
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
        if (unspooled.length > 0) {
          // Nowhere left to keep them: count them as dropped so the loss is visible.
          options.onError?.(new Error(`${unspooled.length} calls could not be spooled before close and are lost: ${stats.lastError ?? ''}`));
          stats.dropped += unspooled.length;
          stats.pending -= unspooled.length;
          unspooled = [];
        }
        spool.close();
        await options.storer.close();
      }
    },
    stats() {
      return { ...stats, inMemory, unspooled: unspooled.length };
    },
  };
}
