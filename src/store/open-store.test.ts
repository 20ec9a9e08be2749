import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestCallRecords } from './internal/call-record-fixture.ts';
import { storeTestEngines } from './internal/store-test-engines.ts';
import type { StoreTestLocation } from './internal/store-test-engines.ts';
import { migrateToLatest } from './migrate-to-latest.ts';
import { migrations } from './migrations/index.ts';
import { openStore } from './open-store.ts';

for (const testEngine of storeTestEngines()) {
  describe(`openStore (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;

    beforeEach(async () => {
      location = await testEngine.createLocation();
    });
    afterEach(() => location.dispose());

    it('migrates on open, and opening again changes nothing and keeps the data', async () => {
      const first = await location.open();
      assert.equal(first.engine, testEngine.engine);
      await first.calls.insertMany(createTestCallRecords(3, 'kept'));
      await first.close();

      const second = await location.open();
      assert.deepEqual(await migrateToLatest(second.db), []);
      assert.equal(await second.calls.count(), 3);
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(second.db);
      assert.deepEqual(
        applied.rows.map((row) => row.name),
        Object.keys(migrations),
      );
    });

    it('lets two stores open the same fresh database at once', async () => {
      const [one, two] = await Promise.all([location.open(), location.open()]);
      await one.settings.set('greeting', 'hello');
      assert.equal(await two.settings.get('greeting'), 'hello');
    });

    it('closes idempotently, and a closed store refuses queries', async () => {
      const store = await location.open();
      await Promise.all([store.close(), store.close()]);
      await store.close();
      await assert.rejects(store.calls.count(), /destroyed/);
    });
  });
}

describe('openStore (sqlite specifics)', () => {
  const sqlite = storeTestEngines().find((engine) => engine.engine === 'sqlite');
  let location: StoreTestLocation;

  beforeEach(async () => {
    assert.ok(sqlite);
    location = await sqlite.createLocation();
  });
  afterEach(() => location.dispose());

  it('creates an owner-only data directory holding an owner-only understudy.db and WAL', async () => {
    const store = await location.open();
    await store.settings.set('probe', 'x'); // a write, so the WAL exists
    const { dataDir } = location.options;
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.ok(statSync(path.join(dataDir, 'understudy.db')).isFile());
    assert.equal(statSync(path.join(dataDir, 'understudy.db')).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(dataDir, 'understudy.db-wal')).mode & 0o777, 0o600);
  });

  it('applies the pragmas: WAL, synchronous NORMAL, busy timeout, foreign keys, secure delete', async () => {
    const store = await location.open();
    const pragma = async (name: string): Promise<unknown> => {
      const result = await sql<Record<string, unknown>>`select * from ${sql.raw(`pragma_${name}`)}`.execute(store.db);
      return Object.values(result.rows[0] ?? {})[0];
    };
    assert.equal(await pragma('journal_mode'), 'wal');
    assert.equal(await pragma('synchronous'), 1);
    assert.equal(await pragma('busy_timeout'), 5000);
    assert.equal(await pragma('foreign_keys'), 1);
    assert.equal(await pragma('secure_delete'), 1);
  });
});

describe('openStore (engine choice and failures)', () => {
  it('refuses a database URL that is not PostgreSQL', async () => {
    await assert.rejects(openStore({ dataDir: '/nonexistent', databaseUrl: 'mysql://root:hunter2@localhost/db' }), (error: Error) => {
      assert.equal((error as { code?: string }).code, 'config_invalid');
      assert.ok(!error.message.includes('hunter2'), 'the password must not reach the message');
      return true;
    });
  });

  it('reports an unreachable PostgreSQL as store_unavailable without the password', async () => {
    await assert.rejects(openStore({ dataDir: '/nonexistent', databaseUrl: 'postgres://someone:hunter2@127.0.0.1:1/db' }), (error: Error) => {
      assert.equal((error as { code?: string }).code, 'store_unavailable');
      assert.match(error.message, /127\.0\.0\.1:1/);
      assert.ok(!error.message.includes('hunter2'), 'the password must not reach the message');
      return true;
    });
  });

  it('reports a data directory it cannot create as store_unavailable', async () => {
    // Below a regular file, so mkdir fails with ENOTDIR whoever runs the test (root included).
    const parent = await mkdtemp(path.join(os.tmpdir(), 'understudy-store-test-'));
    try {
      await writeFile(path.join(parent, 'file'), '');
      await assert.rejects(openStore({ dataDir: path.join(parent, 'file', 'data') }), { code: 'store_unavailable' });
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
