/**
 * A Kysely `Driver` whose one connection lives in a worker thread (see `sqlite-worker.js` for why). Mirrors
 * Kysely's own `SqliteDriver` — one connection behind a mutex, savepoints compiled by Kysely — except that
 * each query is a message to the worker and the answer an awaited reply.
 */
import type { Worker } from 'node:worker_threads';
import { CompiledQuery, IdentifierNode, RawNode, createQueryId } from 'kysely';
import type { DatabaseConnection, Driver, QueryCompiler, QueryResult, TransactionSettings } from 'kysely';
import { UnderstudyError } from '../../contracts/errors.ts';
import { ConnectionMutex } from './connection-mutex.ts';
import { SqliteWorkerChannel } from './sqlite-worker-channel.ts';
import type { SqliteWorkerResponse } from './sqlite-worker-protocol.ts';

export interface SqliteWorkerDriverConfig {
  /** Absolute path of the database file. */
  filename: string;
  /** Called once the worker thread runs; for tests and diagnostics. */
  onWorkerStarted?: (worker: Worker) => void;
}

/** Rows fetched per round trip when a query is streamed. */
const defaultStreamChunkSize = 100;

export class SqliteWorkerDriver implements Driver {
  readonly #config: SqliteWorkerDriverConfig;
  readonly #mutex = new ConnectionMutex();
  #channel: SqliteWorkerChannel | undefined;
  #connection: SqliteWorkerConnection | undefined;

  constructor(config: SqliteWorkerDriverConfig) {
    this.#config = { ...config };
  }

  async init(): Promise<void> {
    this.#channel = await SqliteWorkerChannel.start(this.#config);
    this.#connection = new SqliteWorkerConnection(this.#channel);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    if (this.#connection === undefined) {
      this.#mutex.unlock();
      throw new UnderstudyError('store_unavailable', 'The SQLite driver is not initialised');
    }
    return this.#connection;
  }

  /**
   * `begin immediate` takes the write lock up front. A deferred `begin` that later upgrades to a writer fails at
   * once with SQLITE_BUSY when another process (CLI beside a running gateway) wrote in between, bypassing
   * busy_timeout; immediate makes it wait its turn instead.
   */
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const statement = settings.accessMode === 'read only' ? 'begin' : 'begin immediate';
    await connection.executeQuery(CompiledQuery.raw(statement));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await rollbackUnlessEnded(connection);
  }

  async savepoint(connection: DatabaseConnection, savepointName: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('savepoint', savepointName), createQueryId()));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, savepointName: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('rollback to', savepointName), createQueryId()));
  }

  async releaseSavepoint(connection: DatabaseConnection, savepointName: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('release', savepointName), createQueryId()));
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  async destroy(): Promise<void> {
    await this.#channel?.close();
  }
}

class SqliteWorkerConnection implements DatabaseConnection {
  readonly #channel: SqliteWorkerChannel;

  constructor(channel: SqliteWorkerChannel) {
    this.#channel = channel;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const response = expectKind(await this.#channel.request({ kind: 'query', sql: compiledQuery.sql, parameters: compiledQuery.parameters }), 'result');
    if (response.rows !== undefined) return { rows: response.rows as R[] };
    return {
      rows: [],
      numAffectedRows: response.changes === undefined ? undefined : BigInt(response.changes),
      insertId: response.lastInsertRowid === undefined ? undefined : BigInt(response.lastInsertRowid),
    };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize = defaultStreamChunkSize): AsyncIterableIterator<QueryResult<R>> {
    expectKind(await this.#channel.request({ kind: 'stream-open', sql: compiledQuery.sql, parameters: compiledQuery.parameters }), 'rows');
    let done = false;
    try {
      while (!done) {
        const response = expectKind(await this.#channel.request({ kind: 'stream-next', count: chunkSize }), 'rows');
        done = response.done;
        if (response.rows.length > 0) yield { rows: response.rows as R[] };
      }
    } finally {
      // A consumer that stops early leaves the statement open in the worker; close it so the connection is free.
      if (!done) await this.#channel.request({ kind: 'stream-close' }).catch(() => undefined);
    }
  }
}

function expectKind<K extends SqliteWorkerResponse['kind']>(response: SqliteWorkerResponse, kind: K): Extract<SqliteWorkerResponse, { kind: K }> {
  if (response.kind !== kind) {
    throw new UnderstudyError('store_unavailable', `The SQLite worker answered ${response.kind} where ${kind} was expected`);
  }
  return response as Extract<SqliteWorkerResponse, { kind: K }>;
}

/** Kysely's savepoint parser is internal, so the node is built with its public raw-SQL helpers instead. */
function savepointCommand(command: 'savepoint' | 'rollback to' | 'release', savepointName: string): Parameters<QueryCompiler['compileQuery']>[0] {
  return RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(savepointName)]);
}

/**
 * SQLite ends a transaction by itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM): a ROLLBACK
 * after that fails with "cannot rollback - no transaction is active", and Kysely would report that instead of
 * the error that mattered ("database or disk is full"). Nothing is left to roll back then, so it is ignored.
 */
export async function rollbackUnlessEnded(connection: DatabaseConnection): Promise<void> {
  try {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  } catch (error) {
    if (error instanceof Error && /no transaction is active/.test(error.message)) return;
    throw error;
  }
}
