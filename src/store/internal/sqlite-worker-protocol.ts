/**
 * Messages between the SQLite driver (main thread) and `sqlite-worker.js` (worker thread). The worker is plain
 * JavaScript, so this file is the written contract both sides follow; keep them in step.
 *
 * One request is in flight at a time per connection (the driver's mutex guarantees it), but every message still
 * carries an `id` so a late answer can never be mistaken for the answer to a newer request.
 */

/** A value better-sqlite3 can bind; booleans become 0/1 and typed arrays become Buffers in the worker. */
export type SqliteParameter = string | number | bigint | boolean | null | Uint8Array;

export interface SqliteWorkerData {
  /** Absolute path of the database file. */
  filename: string;
}

export type SqliteWorkerRequest =
  | { kind: 'query'; id: number; sql: string; parameters: readonly unknown[] }
  | { kind: 'stream-open'; id: number; sql: string; parameters: readonly unknown[] }
  | { kind: 'stream-next'; id: number; count: number }
  | { kind: 'stream-close'; id: number }
  | { kind: 'close'; id: number };

/** An error as it crosses the thread boundary: better-sqlite3's `SqliteError` carries a `code` such as `SQLITE_BUSY`. */
export interface SerializedSqliteError {
  name: string;
  message: string;
  code: string | undefined;
}

export type SqliteWorkerResponse =
  | { kind: 'ready' }
  /** Opening failed; `dependencyMissing` when better-sqlite3 itself could not be loaded (no native build). */
  | { kind: 'init-failed'; error: SerializedSqliteError; dependencyMissing: boolean }
  | { kind: 'result'; id: number; rows: Record<string, unknown>[] | undefined; changes: number | undefined; lastInsertRowid: number | bigint | undefined }
  | { kind: 'rows'; id: number; rows: Record<string, unknown>[]; done: boolean }
  | { kind: 'failed'; id: number; error: SerializedSqliteError }
  | { kind: 'closed'; id: number };
