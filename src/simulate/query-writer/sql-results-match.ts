/**
 * Execution match, the usual text-to-SQL metric: a candidate is right when it returns the gold query's
 * rows. Column names are ignored (aliases differ freely); row order counts only when the gold query
 * orders its result; floats are compared to 6 decimals so AVG over equal rows in another order agrees.
 */
import type Database from 'better-sqlite3';
import { executeQuery } from './internal/execute-query.ts';
import { extractSql } from './extract-sql.ts';
import { cachedQueryDatabase } from './open-query-database.ts';

export interface SqlMatchResult {
  match: boolean;
  /** Why it is not a match (the candidate's error, a row-count or value difference). */
  reason?: string;
}

type Rows = unknown[][];

function normaliseCell(cell: unknown): unknown {
  if (typeof cell === 'number' && !Number.isInteger(cell)) return Math.round(cell * 1e6) / 1e6;
  if (typeof cell === 'bigint') return Number(cell);
  return cell;
}

function rowKeys(rows: Rows): string[] {
  return rows.map((row) => JSON.stringify(row.map(normaliseCell)));
}

/**
 * Runs both queries on `database`. `candidateSql` may be a whole model reply (a ```sql fence is taken
 * out). Throws when the gold query itself fails: that is a generator bug, not a wrong answer.
 */
export function sqlResultsMatch(database: Database.Database, candidateSql: string, goldSql: string): SqlMatchResult {
  const gold = executeQuery(database, goldSql);
  if (!gold.ok) throw new Error(`gold SQL failed: ${gold.error}: ${goldSql}`);
  const candidate = executeQuery(database, extractSql(candidateSql));
  if (!candidate.ok) return { match: false, reason: `candidate failed: ${candidate.error}` };
  const goldWidth = gold.rows[0]?.length;
  const candidateWidth = candidate.rows[0]?.length;
  if (goldWidth !== undefined && candidateWidth !== undefined && goldWidth !== candidateWidth) {
    return { match: false, reason: `column count ${candidateWidth}, expected ${goldWidth}` };
  }
  if (gold.rows.length !== candidate.rows.length) {
    return { match: false, reason: `${candidate.rows.length} rows, expected ${gold.rows.length}` };
  }
  const ordered = /\bORDER\s+BY\b/i.test(goldSql);
  const goldKeys = rowKeys(gold.rows);
  const candidateKeys = rowKeys(candidate.rows);
  if (!ordered) {
    goldKeys.sort();
    candidateKeys.sort();
  }
  const differing = goldKeys.findIndex((key, index) => key !== candidateKeys[index]);
  if (differing !== -1) return { match: false, reason: `row ${differing + 1} differs${ordered ? ' (order matters)' : ''}` };
  return { match: true };
}

/**
 * The scorer's view: the database named by its id (`<schemaId>:<split>:<seed>`, rebuilt and cached), a
 * candidate reply and the gold SQL. Fits the driver's `SqlMatcher`.
 */
export function matchSqlOnQueryDatabase(databaseId: string, candidateSql: string, goldSql: string): boolean {
  return sqlResultsMatch(cachedQueryDatabase(databaseId), candidateSql, goldSql).match;
}
