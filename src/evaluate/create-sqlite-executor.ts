/** An `SqlExecutor` over a better-sqlite3 database, for tasks whose database is SQLite. */
import type Database from 'better-sqlite3';
import type { SqlExecutor } from './score-context.ts';

/**
 * Runs one read-only query and returns its rows as arrays. A statement that would change the database, or
 * that returns no rows (DDL, PRAGMA assignments), is refused with an error instead of being run: candidate
 * SQL comes from a model and must not alter the database the next answer is scored on.
 *
 * @example
 * const executor = createSqliteExecutor(new Database('shop.db', { readonly: true }));
 * await executor('SELECT count(*) FROM orders') // → [[42]]
 */
export function createSqliteExecutor(database: Database.Database): SqlExecutor {
  return async (sql) => {
    try {
      const statement = database.prepare(sql);
      if (!statement.reader) return { error: 'not a query: the statement returns no rows' };
      if (!statement.readonly) return { error: 'refused: the statement would modify the database' };
      return statement.raw(true).all() as unknown[][];
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
}
