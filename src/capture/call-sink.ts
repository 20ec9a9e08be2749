/**
 * Where captured calls go. The gateway, the SDK listeners and the ingest endpoint all append here.
 * `append` is synchronous and durable against a crash of this process once it returns (the call is in
 * the spool); storing it in the database happens later, in batches, off the request path.
 */
import type { CallRecord } from '../contracts/call-record.ts';

export interface CallSink {
  append(record: CallRecord): void;
}

export interface LogWriterStats {
  /** Calls appended since start. */
  appended: number;
  /** Calls confirmed in the store since start (replayed spool calls included). */
  stored: number;
  /** Calls appended but not yet confirmed in the store. */
  pending: number;
  /** Pending calls also held in memory (bounded by `maxQueuedCalls`; the rest wait in the spool only). */
  inMemory: number;
  /** Failed store writes since start (each is retried; calls stay in the spool). */
  storeErrors: number;
  /** Failed spool writes since start (disk full, I/O error): those calls waited in memory instead. */
  spoolErrors: number;
  /** Calls held only in memory right now because the spool refused them; spooled again on the next pass. */
  unspooled: number;
  /** Calls given up: beyond `maxUnspooledCalls`, or still unspooled at close. Zero unless the spool failed. */
  dropped: number;
  lastError: string | null;
}

export interface LogWriter extends CallSink {
  /** Replays any spool left by a previous process, then starts the periodic flush. */
  start(): Promise<void>;
  /** Stores everything appended so far; resolves when it is in the store. */
  flush(): Promise<void>;
  /** Flushes and stops; later appends throw. */
  close(): Promise<void>;
  stats(): LogWriterStats;
}
