/**
 * The one way into the store: picks the engine, opens it, brings the schema up to date and wires the
 * repositories.
 */
import type { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import { UnderstudyError, isUnderstudyError } from '../contracts/errors.ts';
import { createApiKeyRepository } from './api-key-repository.ts';
import { createCallRepository } from './call-repository.ts';
import { createDataRepository } from './data-repository.ts';
import type { Database } from './database.ts';
import { openPostgresDatabase, redactDatabaseUrl } from './internal/open-postgres-database.ts';
import { openSqliteDatabase } from './internal/open-sqlite-database.ts';
import { migrateToLatest } from './migrate-to-latest.ts';
import { createProjectRepository } from './project-repository.ts';
import { createProviderRepository } from './provider-repository.ts';
import { createEvaluationRepository } from './evaluation-repository.ts';
import { createJobRepository } from './job-repository.ts';
import { createObservationRepository } from './observation-repository.ts';
import { createPseudonymRepository } from './pseudonym-repository.ts';
import { createRouteRepository } from './route-repository.ts';
import { createSpecialistRepository } from './specialist-repository.ts';
import { createSettingRepository } from './setting-repository.ts';
import { createTaskRepository } from './task-repository.ts';
import type { OpenStoreOptions, Store, StoreEngine } from './store.ts';

const postgresUrlPattern = /^postgres(ql)?:\/\//i;

/** Test-only hooks, kept out of `OpenStoreOptions` so the public contract stays small. */
export interface OpenStoreTestHooks {
  /** SQLite only: called with the worker thread once it runs. */
  onSqliteWorkerStarted?: (worker: Worker) => void;
}

/**
 * Opens the store: PostgreSQL when `databaseUrl` is a `postgres://` (or `postgresql://`) URL, otherwise SQLite in
 * `<dataDir>/understudy.db`. Runs pending migrations before returning.
 *
 * @example
 * const store = await openStore({ dataDir: '.understudy' });
 * try { await store.calls.insertMany(records); } finally { await store.close(); }
 *
 * @throws UnderstudyError `config_invalid` for a non-Postgres URL, `store_unavailable` when the database cannot be
 *   reached or migrated, `system_dependency_missing` when better-sqlite3 cannot be loaded.
 */
export async function openStore(options: OpenStoreOptions, hooks: OpenStoreTestHooks = {}): Promise<Store> {
  const { engine, db } = openDatabase(options, hooks);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    // Say which server: "connect ECONNREFUSED" alone does not tell an operator which URL was tried.
    if (engine === 'postgres' && options.databaseUrl !== undefined && isUnderstudyError(error, 'store_unavailable')) {
      throw new UnderstudyError('store_unavailable', `PostgreSQL at ${redactDatabaseUrl(options.databaseUrl)}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    engine,
    db,
    calls: createCallRepository(db),
    apiKeys: createApiKeyRepository(db),
    projects: createProjectRepository(db),
    providers: createProviderRepository(db),
    settings: createSettingRepository(db),
    pseudonyms: createPseudonymRepository(db),
    jobs: createJobRepository(db, engine),
    specialists: createSpecialistRepository(db),
    tasks: createTaskRepository(db),
    routes: createRouteRepository(db),
    observations: createObservationRepository(db),
    evaluations: createEvaluationRepository(db),
    data: createDataRepository(db, engine),
    close() {
      closed ??= db.destroy();
      return closed;
    },
  };
}

function openDatabase(options: OpenStoreOptions, hooks: OpenStoreTestHooks): { engine: StoreEngine; db: Kysely<Database> } {
  const { databaseUrl } = options;
  if (databaseUrl === undefined || databaseUrl === '') {
    return { engine: 'sqlite', db: openSqliteDatabase({ dataDir: options.dataDir, thread: options.sqliteThread, onWorkerStarted: hooks.onSqliteWorkerStarted }) };
  }
  if (!postgresUrlPattern.test(databaseUrl)) {
    throw new UnderstudyError('config_invalid', `databaseUrl must start with postgres:// or postgresql://, got ${redactDatabaseUrl(databaseUrl)}`);
  }
  return { engine: 'postgres', db: openPostgresDatabase(databaseUrl) };
}
