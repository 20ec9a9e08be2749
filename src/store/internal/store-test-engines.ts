/**
 * Runs one test suite against both engines: SQLite in a temporary directory always, PostgreSQL when
 * `UNDERSTUDY_TEST_DATABASE_URL` points at a server we may create databases on (`npm test` starts one). Each
 * location is a fresh database, dropped afterwards, so tests never see each other's rows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../open-store.ts';
import type { OpenStoreTestHooks } from '../open-store.ts';
import type { OpenStoreOptions, Store, StoreEngine } from '../store.ts';

export const testDatabaseUrlVariable = 'UNDERSTUDY_TEST_DATABASE_URL';

export interface StoreTestLocation {
  /** What to pass to `openStore` to reach this location. */
  readonly options: OpenStoreOptions;
  /** Opens a store here; every store opened is closed by `dispose`. */
  open(hooks?: OpenStoreTestHooks): Promise<Store>;
  /** Closes the stores and deletes the database (directory or PostgreSQL database). */
  dispose(): Promise<void>;
}

export interface StoreTestEngine {
  readonly engine: StoreEngine;
  /** A reason to skip, for node:test's `skip` option, or false when the engine is available. */
  readonly skip: string | false;
  createLocation(): Promise<StoreTestLocation>;
}

export function storeTestEngines(): StoreTestEngine[] {
  return [sqliteTestEngine(), postgresTestEngine(process.env[testDatabaseUrlVariable])];
}

function sqliteTestEngine(): StoreTestEngine {
  return {
    engine: 'sqlite',
    skip: false,
    async createLocation() {
      const parent = await mkdtemp(path.join(os.tmpdir(), 'understudy-store-test-'));
      const dataDir = path.join(parent, 'data');
      return trackStores({ dataDir }, () => rm(parent, { recursive: true, force: true }));
    },
  };
}

function postgresTestEngine(adminUrl: string | undefined): StoreTestEngine {
  return {
    engine: 'postgres',
    skip: adminUrl === undefined || adminUrl === '' ? `${testDatabaseUrlVariable} is not set; PostgreSQL cases skipped (npm test sets it)` : false,
    async createLocation() {
      if (adminUrl === undefined) throw new Error(`${testDatabaseUrlVariable} is not set`);
      const databaseName = `understudy_test_${process.pid}_${randomBytes(6).toString('hex')}`;
      await withAdminClient(adminUrl, (client) => client.query(`create database ${databaseName}`));
      const databaseUrl = new URL(adminUrl);
      databaseUrl.pathname = `/${databaseName}`;
      return trackStores({ dataDir: os.tmpdir(), databaseUrl: databaseUrl.toString() }, () =>
        withAdminClient(adminUrl, (client) => client.query(`drop database if exists ${databaseName} with (force)`)),
      );
    },
  };
}

function trackStores(options: OpenStoreOptions, deleteDatabase: () => Promise<unknown>): StoreTestLocation {
  const stores: Store[] = [];
  return {
    options,
    async open(hooks) {
      const store = await openStore(options, hooks);
      stores.push(store);
      return store;
    },
    async dispose() {
      await Promise.all(stores.map((store) => store.close()));
      await deleteDatabase();
    },
  };
}

async function withAdminClient<T>(adminUrl: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}
