/**
 * A failure reported by SQLite inside the worker thread, rebuilt on the main thread. Keeps better-sqlite3's
 * `code` (`SQLITE_CONSTRAINT_PRIMARYKEY`, `SQLITE_BUSY`, …) so callers can branch on it exactly as they would on
 * better-sqlite3's own `SqliteError`.
 */
import type { SerializedSqliteError } from './sqlite-worker-protocol.ts';

export class SqliteError extends Error {
  /** SQLite's extended result code name, e.g. `SQLITE_CONSTRAINT_UNIQUE`; undefined for non-SQLite failures. */
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SqliteError';
    this.code = code;
  }

  static fromSerialized(serialized: SerializedSqliteError): SqliteError {
    return new SqliteError(serialized.message, serialized.code);
  }
}
