/**
 * How a closed spool segment reaches the store. The log writer decides *when* (batching, retries,
 * order); a storer decides *where the work runs*: in this thread (`createInProcessSegmentStorer`, for the
 * CLI and tests) or in a worker thread (`createWorkerSegmentStorer`, for the gateway, whose event loop
 * must not spend milliseconds on JSON, token counting and SQL while requests wait).
 *
 * An optional ingest transform runs on each batch just before it is stored — redaction at ingest. Capture
 * does not know what it does (curate implements it: src/curate/redact/create-ingest-redaction.ts); a worker
 * builds it in its own thread from a module URL, since functions cannot cross threads. Calls wait raw in
 * the spool until stored: the spool is the one place unredacted calls stay on disk, briefly.
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

/** Rewrites calls just before they are stored, off the request path: redaction at ingest. */
export interface IngestTransform {
  /**
   * Returns the calls to store, in order. May store data of its own first (the redactor's encrypted
   * mappings); a rejection fails the segment, which stays in the spool and is retried.
   */
  apply(records: readonly CallRecord[]): Promise<CallRecord[]>;
}

/**
 * An ingest transform a worker thread can build: `module` exports
 * `createIngestTransform(options, store): IngestTransform | Promise<IngestTransform>`; `options` must survive
 * structured cloning.
 */
export interface IngestTransformModule {
  module: string;
  options: unknown;
}

export interface InProcessSegmentStorerOptions {
  calls: CallRepository;
  /** Runs on each call just before it is stored: token counting, pricing. */
  prepare?: (record: CallRecord) => CallRecord;
  /** Runs on each prepared batch just before it is stored: redaction at ingest. */
  transform?: IngestTransform;
  maxBatch?: number;
}

export function createInProcessSegmentStorer(options: InProcessSegmentStorerOptions): SegmentStorer {
  const maxBatch = options.maxBatch ?? 500;
  return {
    wantsRecordsInMemory: true,
    async storeSegment(segmentPath, records) {
      const calls = records ?? (await readSpoolSegment(segmentPath)).records;
      await storeCalls(options.calls, calls, options.prepare, maxBatch, options.transform);
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
  transform?: IngestTransform,
): Promise<void> {
  const prepared = prepare ? calls.map(prepare) : calls;
  for (let start = 0; start < prepared.length; start += maxBatch) {
    const batch = prepared.slice(start, start + maxBatch);
    await repository.insertMany(transform ? await transform.apply(batch) : batch);
  }
}
