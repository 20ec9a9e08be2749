/**
 * How a closed spool segment reaches the store. The log writer decides *when* (batching, retries,
 * order); a storer decides *where the work runs*: in this thread (`createInProcessSegmentStorer`, for the
 * CLI and tests) or in a worker thread (`createWorkerSegmentStorer`, for the gateway, whose event loop
 * must not spend milliseconds on JSON, token counting and SQL while requests wait).
 */
import type { CallRecord } from '../contracts/call-record.ts';
import type { CallRepository } from '../store/store.ts';
import { readSpoolSegment } from './call-spool.ts';

export interface SegmentStorer {
  /**
   * Stores every call of a closed segment (idempotent on call ids) and resolves with how many calls it
   * held. `records` are the segment's calls when the writer still has them in memory, else null (the
   * storer reads the file). The writer deletes the file only after this resolves.
   */
  storeSegment(segmentPath: string, records: readonly CallRecord[] | null): Promise<number>;
  /** Whether the storer wants the calls kept in memory (a worker reads the file instead). */
  readonly wantsRecordsInMemory: boolean;
  close(): Promise<void>;
}

export interface InProcessSegmentStorerOptions {
  calls: CallRepository;
  /** Runs on each call just before it is stored: token counting, pricing, later redaction at ingest. */
  prepare?: (record: CallRecord) => CallRecord;
  maxBatch?: number;
}

export function createInProcessSegmentStorer(options: InProcessSegmentStorerOptions): SegmentStorer {
  const maxBatch = options.maxBatch ?? 500;
  return {
    wantsRecordsInMemory: true,
    async storeSegment(segmentPath, records) {
      const calls = records ?? (await readSpoolSegment(segmentPath)).records;
      await storeCalls(options.calls, calls, options.prepare, maxBatch);
      return calls.length;
    },
    async close() {},
  };
}

/** Prepares and inserts calls in batches; shared by the in-process storer and the worker. */
export async function storeCalls(
  repository: CallRepository,
  calls: readonly CallRecord[],
  prepare: ((record: CallRecord) => CallRecord) | undefined,
  maxBatch: number,
): Promise<void> {
  const prepared = prepare ? calls.map(prepare) : calls;
  for (let start = 0; start < prepared.length; start += maxBatch) {
    await repository.insertMany(prepared.slice(start, start + maxBatch));
  }
}
