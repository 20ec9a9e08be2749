/**
 * The log writer over a real SQLite store: batches reach the store and leave the spool; a store outage
 * loses nothing and keeps memory bounded (calls wait on disk); a spool left by a crash is replayed once.
 * The outage is injected by wrapping the real call repository — the only stand-in here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CallRecord } from '../contracts/call-record.ts';
import { createTestCallRecord } from '../store/internal/call-record-fixture.ts';
import { openStore } from '../store/open-store.ts';
import type { CallRepository, Store } from '../store/store.ts';
import { createLogWriter } from './log-writer.ts';
import { createInProcessSegmentStorer } from './segment-storer.ts';
import { createWorkerSegmentStorer } from './worker-segment-storer.ts';

function sampleCall(index: number, projectId: string): CallRecord {
  return createTestCallRecord({ id: `${projectId}-${index}`, projectId, task: 'sample', episodeId: `episode-${index % 5}` });
}

/** The real repository, with a switch that makes inserts fail like a locked or unreachable database. */
function withOutage(calls: CallRepository): CallRepository & { down: boolean; attempts: number } {
  const wrapper = {
    down: false,
    attempts: 0,
    ...calls,
    async insertMany(records: readonly CallRecord[]) {
      wrapper.attempts += 1;
      if (wrapper.down) throw new Error('database is locked (injected)');
      return calls.insertMany(records);
    },
  };
  return wrapper;
}

describe('log writer', () => {
  let dataDir: string;
  let store: Store;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-writer-'));
    store = await openStore({ dataDir });
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores appended calls in batches and empties the spool', async () => {
    const spoolDirectory = path.join(dataDir, 'spool-a');
    const writer = createLogWriter({ storer: createInProcessSegmentStorer({ calls: store.calls, maxBatch: 7 }), spoolDirectory, flushIntervalMs: 10_000, maxBatch: 7 });
    await writer.start();
    await writer.flush(); // nothing pending: must not wedge later flushes
    for (let index = 0; index < 30; index += 1) writer.append(sampleCall(index, 'batches'));
    await writer.flush();
    assert.equal(await store.calls.count({ projectId: 'batches' }), 30);
    assert.deepEqual(writer.stats(), { appended: 30, stored: 30, pending: 0, inMemory: 0, storeErrors: 0, spoolErrors: 0, unspooled: 0, dropped: 0, lastError: null });
    writer.append(sampleCall(30, 'batches'));
    await writer.close();
    assert.equal(await store.calls.count({ projectId: 'batches' }), 31, 'close flushes');
    assert.deepEqual(readdirSync(spoolDirectory), []);
    assert.throws(() => writer.append(sampleCall(99, 'batches')), /closed/);
  });

  it('loses nothing through a store outage and keeps memory bounded', async () => {
    const calls = withOutage(store.calls);
    const spoolDirectory = path.join(dataDir, 'spool-b');
    const writer = createLogWriter({ storer: createInProcessSegmentStorer({ calls, maxBatch: 50 }), spoolDirectory, flushIntervalMs: 5, maxBatch: 50, maxQueuedCalls: 20 });
    await writer.start();
    calls.down = true;
    for (let index = 0; index < 200; index += 1) writer.append(sampleCall(index, 'outage'));
    await assert.rejects(writer.flush(), /locked/);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the timer retries with backoff meanwhile
    const during = writer.stats();
    assert.equal(during.pending, 200);
    assert.ok(during.inMemory <= 20, `in memory ${during.inMemory} <= maxQueuedCalls`);
    assert.ok(during.storeErrors >= 1);
    assert.match(during.lastError ?? '', /locked/);
    const spooled = readdirSync(spoolDirectory);
    assert.ok(spooled.length >= 1, 'the calls wait in the spool');
    calls.down = false;
    await writer.flush();
    assert.equal(await store.calls.count({ projectId: 'outage' }), 200, 'every call stored exactly once');
    assert.equal(writer.stats().pending, 0);
    await writer.close();
    assert.deepEqual(readdirSync(spoolDirectory), []);
  });

  it('replays a spool left behind by a writer that never flushed (a crash) exactly once', async () => {
    const spoolDirectory = path.join(dataDir, 'spool-c');
    const crashed = createLogWriter({ storer: createInProcessSegmentStorer({ calls: store.calls }), spoolDirectory, flushIntervalMs: 60_000 });
    await crashed.start();
    for (let index = 0; index < 40; index += 1) crashed.append(sampleCall(index, 'replay'));
    // Some of them were already stored before the "crash": replay must not duplicate them.
    await store.calls.insertMany([sampleCall(0, 'replay'), sampleCall(1, 'replay')]);
    const restarted = createLogWriter({ storer: createInProcessSegmentStorer({ calls: store.calls }), spoolDirectory, flushIntervalMs: 60_000 });
    await restarted.start();
    assert.equal(await store.calls.count({ projectId: 'replay' }), 40);
    assert.equal(restarted.stats().stored, 40);
    await restarted.close();
  });

  it('logs a call nested too deeply to serialize with a note, without blocking the calls behind it', async () => {
    const spoolDirectory = path.join(dataDir, 'spool-deep');
    const writer = createLogWriter({ storer: createInProcessSegmentStorer({ calls: store.calls }), spoolDirectory, flushIntervalMs: 60_000 });
    await writer.start();
    // What a client can send: the request schema bounds size, not depth, and JSON.stringify recurses.
    let nested: Record<string, unknown> = {};
    for (let depth = 0; depth < 100_000; depth += 1) nested = { inner: nested };
    assert.throws(() => JSON.stringify(nested), RangeError);
    const deep = sampleCall(0, 'deep');
    writer.append({ ...deep, request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: nested }] } });
    writer.append(sampleCall(1, 'deep'));
    await writer.flush();
    assert.equal(await store.calls.count({ projectId: 'deep' }), 2);
    const stored = await store.calls.get(deep.id);
    assert.match(JSON.stringify(stored?.request), /not logged: could not be serialized/);
    assert.equal(stored?.request['model'], 'gpt-4o-mini');
    assert.equal(writer.stats().dropped, 0);
    await writer.close();
  });

  it('runs the prepare hook off the request path, before storing', async () => {
    const spoolDirectory = path.join(dataDir, 'spool-d');
    const writer = createLogWriter({
      storer: createInProcessSegmentStorer({ calls: store.calls, prepare: (record) => ({ ...record, task: `prepared-${record.task}` }) }),
      spoolDirectory,
      flushIntervalMs: 60_000,
    });
    await writer.start();
    writer.append(sampleCall(1, 'prepare'));
    await writer.close();
    const [stored] = await store.calls.list({ projectId: 'prepare', limit: 1 });
    assert.equal(stored?.task, 'prepared-sample');
  });

  it('stores from a worker thread with its own connection, counting tokens the upstream left out', async () => {
    const spoolDirectory = path.join(dataDir, 'spool-e');
    const writer = createLogWriter({ storer: createWorkerSegmentStorer({ store: { dataDir } }), spoolDirectory, flushIntervalMs: 60_000 });
    await writer.start();
    for (let index = 0; index < 25; index += 1) {
      const call = sampleCall(index, 'worker');
      // As the gateway spools a stream without include_usage: tokens left for the writer to count.
      writer.append(index === 0 ? { ...call, tokensIn: null, tokensOut: null, costUsd: null } : call);
    }
    assert.equal(writer.stats().inMemory, 0, 'the worker reads the spool; nothing is copied in memory');
    await writer.flush();
    assert.equal(await store.calls.count({ projectId: 'worker' }), 25);
    const counted = await store.calls.get('worker-0');
    assert.ok((counted?.tokensIn ?? 0) > 0);
    assert.equal(counted?.tokensEstimated, true);
    await writer.close();
    assert.deepEqual(readdirSync(spoolDirectory), []);
  });
});
