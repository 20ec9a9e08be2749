/**
 * Small helpers the schema files share to fill tables and draw question parameters from the filled data.
 */
import type Database from 'better-sqlite3';
import type { Random } from '../../random.ts';
import type { QueryTable } from '../query-schema.ts';

export type SqlCell = string | number | null;

/** A SQL string literal: the only quoting rule SQLite needs is doubling single quotes. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const dayMilliseconds = 86_400_000;
const firstDay = Date.UTC(2022, 0, 1);

/** An ISO date `dayCount` days after 2022-01-01; arithmetic on a fixed epoch keeps it independent of the clock. */
export function isoDate(dayNumber: number): string {
  return new Date(firstDay + dayNumber * dayMilliseconds).toISOString().slice(0, 10);
}

/** A day number in 2022–2025 (four years of history, enough for year filters to differ). */
export function randomDayNumber(random: Random, fromDay = 0, toDay = 1460): number {
  return random.int(fromDay, toDay);
}

export function insertRows(database: Database.Database, table: QueryTable, rows: ReadonlyArray<readonly SqlCell[]>): void {
  const names = table.columns.map((column) => column.name);
  const statement = database.prepare(
    `INSERT INTO ${table.name} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
  );
  const insertAll = database.transaction((batch: ReadonlyArray<readonly SqlCell[]>) => {
    for (const row of batch) statement.run(...row);
  });
  insertAll(rows);
}

/** Values of the first column of a query, as text (the way they will read in a question). */
export function columnValues(database: Database.Database, sql: string): string[] {
  return database
    .prepare(sql)
    .raw()
    .all()
    .map((row) => String((row as unknown[])[0]));
}

/** One value of the first column, or undefined when the query returns nothing. */
export function pickValue(database: Database.Database, sql: string, random: Random): string | undefined {
  const values = columnValues(database, sql);
  return values.length === 0 ? undefined : random.pick(values);
}

/** The largest integer of a single-value query (0 when empty). */
export function maximumOf(database: Database.Database, sql: string): number {
  const values = columnValues(database, sql).map(Number);
  return values.reduce((largest, value) => Math.max(largest, value), 0);
}

/** Two sorted distinct dates from a date column, so a BETWEEN range holds at least two rows. */
export function pickDateRange(
  database: Database.Database,
  sql: string,
  random: Random,
): { start: string; end: string } | undefined {
  const dates = [...new Set(columnValues(database, sql))].sort();
  if (dates.length < 2) return undefined;
  const startIndex = random.int(0, dates.length - 2);
  const span = random.int(1, Math.min(dates.length - 1 - startIndex, Math.max(2, Math.floor(dates.length / 4))));
  return { start: dates[startIndex]!, end: dates[startIndex + span]! };
}

/** A threshold below the largest group count, so `HAVING count > threshold` keeps at least one group. */
export function pickThreshold(database: Database.Database, countSql: string, random: Random): string | undefined {
  const largest = maximumOf(database, countSql);
  if (largest < 2) return undefined;
  return String(random.int(1, largest - 1));
}
