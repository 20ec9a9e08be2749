/** Messages between the log writer's worker storer and its worker thread. */
import type { ModelPrice } from '../../contracts/config.ts';
import type { OpenStoreOptions } from '../../store/store.ts';
import type { IngestTransformModule } from '../segment-storer.ts';

export interface CallStoreWorkerData {
  entry: string;
  store: OpenStoreOptions;
  pricingOverrides: Record<string, ModelPrice>;
  maxBatch: number;
  /** Built in the worker's thread when set: redaction at ingest. */
  transform?: IngestTransformModule;
}

export type CallStoreWorkerRequest = { kind: 'store'; id: number; segmentPath: string } | { kind: 'close'; id: number };

/** `id: -1` marks a failure to start (the store could not be opened). */
export type CallStoreWorkerReply = { kind: 'ready' } | { kind: 'done'; id: number; stored: number } | { kind: 'failed'; id: number; message: string };
