/**
 * Worker thread behind `createWorkerSegmentStorer`: opens its own store connection and, for each closed
 * spool segment it is sent, reads the file, completes the calls (token counts the upstream left out,
 * cost), applies the ingest transform when one is configured (redaction at ingest) and inserts them.
 * Messages are handled one at a time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createPricingTable } from '../../providers/pricing-table.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { completeCallRecord } from '../build-call-record.ts';
import { readSpoolSegment } from '../call-spool.ts';
import { storeCalls, type IngestTransform } from '../segment-storer.ts';
import type { CallStoreWorkerData, CallStoreWorkerReply, CallStoreWorkerRequest } from './call-store-worker-protocol.ts';

const data = workerData as CallStoreWorkerData;
const port = parentPort!;

try {
  // Already off the gateway's event loop: SQLite runs right here rather than in yet another thread.
  const store = await openStore({ ...data.store, sqliteThread: 'current' });
  const pricing = createPricingTable(data.pricingOverrides);
  const prepare = (record: Parameters<typeof completeCallRecord>[0]) => completeCallRecord(record, pricing);
  let transform: IngestTransform | undefined;
  if (data.transform !== undefined) {
    const loaded = (await import(data.transform.module)) as { createIngestTransform: (options: unknown, store: Store) => IngestTransform | Promise<IngestTransform> };
    transform = await loaded.createIngestTransform(data.transform.options, store);
  }
  let queue = Promise.resolve();
  port.on('message', (request: CallStoreWorkerRequest) => {
    queue = queue.then(async () => {
      let reply: CallStoreWorkerReply;
      try {
        if (request.kind === 'close') {
          await store.close();
          reply = { kind: 'done', id: request.id, stored: 0 };
        } else {
          const { records } = await readSpoolSegment(request.segmentPath);
          await storeCalls(store.calls, records, prepare, data.maxBatch, transform);
          reply = { kind: 'done', id: request.id, stored: records.length };
        }
      } catch (error) {
        reply = { kind: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) };
      }
      port.postMessage(reply);
    });
  });
  port.postMessage({ kind: 'ready' } satisfies CallStoreWorkerReply);
} catch (error) {
  port.postMessage({ kind: 'failed', id: -1, message: error instanceof Error ? error.message : String(error) } satisfies CallStoreWorkerReply);
}
