import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { isUnderstudyError } from '../../contracts/errors.ts';
import type { Store } from '../store.ts';
import { createTestCallRecord, createTestCallRecords } from './call-record-fixture.ts';
import { toCallRow } from './call-row.ts';
import { SqliteError } from './sqlite-error.ts';
import { storeTestEngines } from './store-test-engines.ts';
import type { StoreTestLocation } from './store-test-engines.ts';

const sqlite = storeTestEngines().find((engine) => engine.engine === 'sqlite');

describe('SQLite worker driver', () => {
  let location: StoreTestLocation;
  let store: Store;
  let worker: Worker | undefined;

  beforeEach(async () => {
    assert.ok(sqlite);
    location = await sqlite.createLocation();
    store = await location.open({ onSqliteWorkerStarted: (started) => (worker = started) });
  });
  afterEach(() => location.dispose());

  it('rebuilds SQLite failures as SqliteError with the SQLite code', async () => {
    const row = toCallRow(createTestCallRecord({ id: 'dup' }), Date.now());
    await store.db.insertInto('calls').values(row).execute();
    await assert.rejects(store.db.insertInto('calls').values(row).execute(), (error: unknown) => {
      assert.ok(error instanceof SqliteError);
      assert.equal(error.code, 'SQLITE_CONSTRAINT_PRIMARYKEY');
      return true;
    });
    await assert.rejects(sql`selec 1`.execute(store.db), { name: 'SqliteError', code: 'SQLITE_ERROR' });
    // The connection is still usable after failures.
    assert.equal(await store.calls.count(), 1);
  });

  it('rolls a failed transaction back', async () => {
    await assert.rejects(
      store.db.transaction().execute(async (transaction) => {
        await transaction.insertInto('settings').values({ key: 'k', value: 'v', updated_at: 1 }).execute();
        throw new Error('change of heart');
      }),
      /change of heart/,
    );
    assert.equal(await store.settings.get('k'), undefined);
  });

  it('runs concurrent transactions one after another on the single connection', async () => {
    await store.settings.set('counter', '0');
    const increment = (): Promise<void> =>
      store.db.transaction().execute(async (transaction) => {
        const row = await transaction.selectFrom('settings').select('value').where('key', '=', 'counter').executeTakeFirstOrThrow();
        await new Promise((resolve) => setImmediate(resolve));
        await transaction.updateTable('settings').set({ value: String(Number(row.value) + 1) }).where('key', '=', 'counter').execute();
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    assert.equal(await store.settings.get('counter'), '20');
  });

  it('streams rows in chunks and frees the connection when the reader stops early', async () => {
    await store.calls.insertMany(createTestCallRecords(250, 'stream'));
    let streamed = 0;
    for await (const row of store.db.selectFrom('calls').select('id').stream(40)) {
      assert.match(row.id, /^stream-/);
      streamed += 1;
    }
    assert.equal(streamed, 250);
    let seen = 0;
    for await (const _row of store.db.selectFrom('calls').select('id').stream(40)) {
      seen += 1;
      if (seen === 10) break;
    }
    assert.equal(await store.calls.count(), 250);
  });

  it('fails pending and later queries with store_unavailable when the worker dies', async () => {
    assert.ok(worker);
    const pending = store.calls.count();
    await worker.terminate();
    await assert.rejects(pending, (error: unknown) => isUnderstudyError(error, 'store_unavailable'));
    await assert.rejects(store.calls.count(), (error: unknown) => isUnderstudyError(error, 'store_unavailable'));
    await store.close();
  });

  it('terminates the worker on close', async () => {
    assert.ok(worker);
    const exited = new Promise<number>((resolve) => worker?.once('exit', resolve));
    await store.close();
    await exited;
    assert.equal(worker.threadId, -1);
  });
});

describe('SQLite worker lifetime', () => {
  it('does not keep a process alive that forgot to close the store', () => {
    assert.ok(sqlite);
    const openStoreUrl = new URL('../open-store.ts', import.meta.url).href;
    const script = `
      import { mkdtempSync, rmSync } from 'node:fs';
      import os from 'node:os';
      import path from 'node:path';
      import { openStore } from ${JSON.stringify(openStoreUrl)};
      const parent = mkdtempSync(path.join(os.tmpdir(), 'understudy-store-test-'));
      process.on('exit', () => rmSync(parent, { recursive: true, force: true }));
      const store = await openStore({ dataDir: path.join(parent, 'data') });
      console.log('calls', await store.calls.count());
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(child.error, undefined, 'the child process did not exit on its own');
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /calls 0/);
  });
});
