/**
 * The reason the SQLite connection lives in a worker: a large batch insert must not stall the gateway. Both sides
 * are measured here, on this machine, rather than compared with a fixed number: the same rows inserted with
 * better-sqlite3 on the main thread (how long the event loop would freeze) and through the store (the longest
 * gap a 1 ms timer actually sees).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { CallRecord } from '../../contracts/call-record.ts';
import { createTestCallRecord, createTestCallRecords } from './call-record-fixture.ts';
import { toCallRow } from './call-row.ts';
import { sqliteFileName } from './open-sqlite-database.ts';
import { storeTestEngines } from './store-test-engines.ts';

const batchSize = 20_000;
/** The worker path must leave the loop at least this many times more responsive than the synchronous insert. */
const requiredAdvantage = 4;

describe('SQLite batch insert and the event loop', () => {
  it(`keeps the event loop responsive while ${batchSize} calls of ~2 KB are inserted`, async (context) => {
    const sqlite = storeTestEngines().find((engine) => engine.engine === 'sqlite');
    assert.ok(sqlite);
    const location = await sqlite.createLocation();
    try {
      const base = createLargeCallRecord();
      const records = createTestCallRecords(batchSize, 'worker', base);
      const store = await location.open();
      const probe = startEventLoopProbe();
      const workerStarted = performance.now();
      const inserted = await store.calls.insertMany(records);
      const workerMs = performance.now() - workerStarted;
      const maxGapMs = probe.stop();
      assert.equal(inserted, batchSize);
      await store.close();

      const synchronousMs = insertOnMainThread(path.join(location.options.dataDir, sqliteFileName), createTestCallRecords(batchSize, 'main', base));

      context.diagnostic(
        `worker path: ${workerMs.toFixed(0)} ms total, longest event-loop gap ${maxGapMs.toFixed(1)} ms; ` +
          `main-thread insert: event loop blocked ${synchronousMs.toFixed(0)} ms (${(synchronousMs / maxGapMs).toFixed(1)}x the worst gap)`,
      );
      assert.ok(
        maxGapMs * requiredAdvantage < synchronousMs,
        `longest gap ${maxGapMs.toFixed(1)} ms is not ${requiredAdvantage}x below the synchronous ${synchronousMs.toFixed(0)} ms`,
      );
    } finally {
      await location.dispose();
    }
  });
});

/** A call whose request serialises to a little over 2 KB, like a prompt with a page of context. */
function createLargeCallRecord(): CallRecord {
  const context = Array.from({ length: 40 }, (_, index) => `Line ${index}: order ${1000 + index} shipped.`).join('\n');
  const base = createTestCallRecord();
  const request = {
    ...base.request,
    messages: [
      { role: 'system', content: 'Answer with the tool.' },
      { role: 'user', content: `${context}\n${'Summarise the shipments above. '.repeat(20)}` },
    ],
  };
  assert.ok(JSON.stringify(request).length >= 2048);
  return { ...base, request };
}

/** The same rows, the same statement shape, better-sqlite3 on this thread: the freeze the worker avoids. */
function insertOnMainThread(filename: string, records: readonly CallRecord[]): number {
  const database = new BetterSqlite3(filename);
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    const columns = Object.keys(toCallRow(createTestCallRecord(), 0));
    const insert = database.prepare(
      `insert into calls (${columns.join(', ')}) values (${columns.map((column) => `@${column}`).join(', ')}) on conflict (id) do nothing`,
    );
    const started = performance.now();
    database.transaction(() => {
      const createdAt = Date.now();
      for (const record of records) insert.run(toCallRow(record, createdAt));
    })();
    return performance.now() - started;
  } finally {
    database.close();
  }
}

/** Measures the longest wait between ticks of a 1 ms interval: how long the event loop was held. */
function startEventLoopProbe(): { stop(): number } {
  let last = performance.now();
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(maxGapMs, performance.now() - last);
    },
  };
}
