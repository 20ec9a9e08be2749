/**
 * Runs one read-only query and reports failure as a value: a failing query is an expected outcome for
 * the agent (it triggers the fix step) and for the scorer (a wrong answer).
 */
import type Database from 'better-sqlite3';

export type QueryExecution =
  | { ok: true; columns: string[]; rows: unknown[][] }
  | { ok: false; error: string };

/**
 * Rows past `maximumRows` make it a failure: a model's accidental cross join would otherwise fill memory,
 * and no question here has an answer that long.
 */
export function executeQuery(database: Database.Database, sql: string, maximumRows = 100_000): QueryExecution {
  try {
    const statement = database.prepare(sql);
    // Only read statements are answers; anything else must not touch the (possibly shared) database.
    if (!statement.reader) return { ok: false, error: 'not a query that returns rows' };
    const columns = statement.columns().map((column) => column.name);
    const rows: unknown[][] = [];
    for (const row of statement.raw().iterate()) {
      if (rows.length >= maximumRows) return { ok: false, error: `more than ${maximumRows} rows` };
      rows.push(row as unknown[]);
    }
    return { ok: true, columns, rows };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
