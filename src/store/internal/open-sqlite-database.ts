/**
 * The embedded engine: `<dataDir>/understudy.db`, opened in a worker thread (see `sqlite-worker.js`).
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { Database } from '../database.ts';
import { SqliteWorkerDialect } from './sqlite-worker-dialect.ts';
import { rollbackUnlessEnded } from './sqlite-worker-driver.ts';

export const sqliteFileName = 'understudy.db';

export interface OpenSqliteDatabaseOptions {
  dataDir: string;
  /** See `OpenStoreOptions.sqliteThread`. */
  thread?: 'worker' | 'current';
  /** For tests: observe the worker thread (e.g. to simulate a crash). */
  onWorkerStarted?: (worker: Worker) => void;
}

/**
 * Creates the data directory (owner-only: it holds prompts and responses) and returns a Kysely instance; the
 * worker starts on the first query.
 */
export function openSqliteDatabase(options: OpenSqliteDatabaseOptions): Kysely<Database> {
  const dataDir = path.resolve(options.dataDir);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new UnderstudyError('store_unavailable', `Could not create the data directory ${dataDir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const filename = path.join(dataDir, sqliteFileName);
  // Create the file owner-only before SQLite does (it would use the umask); SQLite gives its -wal and -shm
  // files the database file's permissions.
  closeSync(openSync(filename, 'a', 0o600));
  if (options.thread === 'current') return new Kysely<Database>({ dialect: new InThisThreadSqliteDialect({ database: openInThisThread(filename) }) });
  return new Kysely<Database>({ dialect: new SqliteWorkerDialect({ filename, onWorkerStarted: options.onWorkerStarted }) });
}

/** better-sqlite3 in the calling thread, with the same pragmas as the worker (sqlite-worker.js). */
function openInThisThread(filename: string) {
  let BetterSqlite3: typeof import('better-sqlite3');
  try {
    BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  } catch (error) {
    throw new UnderstudyError('system_dependency_missing', `better-sqlite3 could not be loaded: ${(error as Error).message}`, { cause: error });
  }
  const database = new BetterSqlite3(filename, { timeout: 5000 });
  for (const pragma of ['journal_mode = WAL', 'synchronous = NORMAL', 'busy_timeout = 5000', 'foreign_keys = ON', 'secure_delete = ON']) database.pragma(pragma);
  return database;
}

/** Kysely's own SQLite dialect, except that a ROLLBACK after SQLite ended the transaction itself keeps the real error. */
class InThisThreadSqliteDialect extends SqliteDialect {
  private readonly driverConfig: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.driverConfig = config;
  }

  override createDriver(): Driver {
    return new (class extends SqliteDriver {
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        await rollbackUnlessEnded(connection);
      }
    })(this.driverConfig);
  }
}
