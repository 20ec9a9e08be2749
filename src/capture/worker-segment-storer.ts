/**
 * Stores spool segments from a worker thread, so the gateway's event loop never spends time on parsing,
 * token counting or SQL for logging. The worker opens its own connection to the same store (a second
 * SQLite connection in WAL mode, or a second Postgres pool). If the worker dies, the segment being stored
 * fails (the writer keeps it in the spool and retries) and the next segment starts a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import type { ModelPrice } from '../contracts/config.ts';
import { UnderstudyError } from '../contracts/errors.ts';
import type { OpenStoreOptions } from '../store/store.ts';
import type { CallStoreWorkerData, CallStoreWorkerReply, CallStoreWorkerRequest } from './internal/call-store-worker-protocol.ts';
import type { IngestTransformModule, SegmentStorer } from './segment-storer.ts';

export interface WorkerSegmentStorerOptions {
  store: OpenStoreOptions;
  pricingOverrides?: Record<string, ModelPrice>;
  maxBatch?: number;
  /** Built inside the worker: redaction at ingest (see `IngestTransformModule`). */
  transform?: IngestTransformModule;
}

interface Waiting {
  resolve: (stored: number) => void;
  reject: (error: Error) => void;
}

const bootstrapUrl = new URL('./internal/typescript-worker-bootstrap.mjs', import.meta.url);
const entryUrl = new URL('./internal/call-store-worker.ts', import.meta.url);

export function createWorkerSegmentStorer(options: WorkerSegmentStorerOptions): SegmentStorer {
  let worker: Worker | null = null;
  let ready: Promise<Worker> | null = null;
  let nextId = 1;
  const waiting = new Map<number, Waiting>();

  function failAll(error: Error): void {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  }

  function start(): Promise<Worker> {
    const workerData: CallStoreWorkerData = {
      entry: entryUrl.href,
      store: options.store,
      pricingOverrides: options.pricingOverrides ?? {},
      maxBatch: options.maxBatch ?? 500,
      ...(options.transform === undefined ? {} : { transform: options.transform }),
    };
    const started = new Worker(bootstrapUrl, { workerData });
    started.unref();
    worker = started;
    return new Promise<Worker>((resolve, reject) => {
      started.on('message', (reply: CallStoreWorkerReply) => {
        if (reply.kind === 'ready') return resolve(started);
        if (reply.kind === 'failed' && reply.id === -1) {
          return reject(new UnderstudyError('store_unavailable', `The call store worker could not open the store: ${reply.message}`));
        }
        const entry = waiting.get(reply.id);
        if (!entry) return;
        waiting.delete(reply.id);
        if (reply.kind === 'done') entry.resolve(reply.stored);
        else entry.reject(new UnderstudyError('store_unavailable', reply.message));
      });
      started.on('error', (error) => {
        reject(error);
        failAll(new UnderstudyError('store_unavailable', `The call store worker failed: ${error.message}`, { cause: error }));
      });
      started.on('exit', (code) => {
        if (worker === started) {
          worker = null;
          ready = null;
        }
        reject(new UnderstudyError('store_unavailable', `The call store worker exited (code ${code}) before it was ready.`));
        failAll(new UnderstudyError('store_unavailable', `The call store worker exited (code ${code}).`));
      });
    });
  }

  async function send(request: { kind: 'store'; segmentPath: string } | { kind: 'close' }): Promise<number> {
    ready ??= start();
    let current: Worker;
    try {
      current = await ready;
    } catch (error) {
      ready = null;
      throw error;
    }
    const id = nextId++;
    return new Promise<number>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      current.postMessage({ ...request, id } as CallStoreWorkerRequest);
    });
  }

  return {
    wantsRecordsInMemory: false,
    storeSegment: (segmentPath) => send({ kind: 'store', segmentPath }),
    async close() {
      if (!worker || !ready) return;
      const closing = worker;
      try {
        await send({ kind: 'close' });
      } finally {
        await closing.terminate();
      }
    },
  };
}
