/**
 * Kysely dialect for SQLite with the connection in a worker thread: Kysely's own SQLite adapter, compiler and
 * introspector, with `SqliteWorkerDriver` in place of the synchronous better-sqlite3 driver.
 */
import { SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import type { DatabaseIntrospector, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler } from 'kysely';
import { SqliteWorkerDriver } from './sqlite-worker-driver.ts';
import type { SqliteWorkerDriverConfig } from './sqlite-worker-driver.ts';

/**
 * SQLite does run DDL inside transactions; Kysely's adapter says it does not only because its driver cannot
 * assume every SQLite build behaves. Saying yes makes the Migrator run each migration run in one
 * `begin immediate` transaction, so a crash cannot leave half a schema and two processes opening a fresh data
 * directory at once take turns instead of racing.
 */
class SqliteWorkerAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class SqliteWorkerDialect implements Dialect {
  readonly #config: SqliteWorkerDriverConfig;

  constructor(config: SqliteWorkerDriverConfig) {
    this.#config = { ...config };
  }

  createDriver(): Driver {
    return new SqliteWorkerDriver(this.#config);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteWorkerAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
