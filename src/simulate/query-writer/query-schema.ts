/**
 * The shape of one simulated SQLite database and the questions asked about it. A schema carries its DDL,
 * how to fill it with seeded rows, and its question templates (gold SQL plus >= 5 phrasings each), so the
 * agent (which knows the template it drew) and the teacher (which reads the question back) share one
 * definition — the same way a real model and a real analyst share the meaning of a question.
 */
import type Database from 'better-sqlite3';
import type { DataSplit, PiiKind } from '../simulated-task.ts';
import type { Random } from '../random.ts';
import type { QueryValues } from './query-values.ts';

export type QuerySchemaId = 'shop' | 'hr' | 'airline' | 'clinic';

export type QueryPattern = 'filter' | 'join' | 'aggregate' | 'order-limit' | 'having' | 'count-distinct' | 'date-range';

export interface QueryColumn {
  name: string;
  /** SQLite type and constraints as written in the DDL, e.g. `INTEGER PRIMARY KEY`. */
  definition: string;
  /** `table(column)` this column points to. */
  references?: string;
  /** Set on columns whose values are personal data, so sample rows shown in prompts are tracked as PII. */
  pii?: PiiKind;
}

export interface QueryTable {
  name: string;
  /** One line a catalogue would show next to the table name (used in candidate lists). */
  description: string;
  columns: readonly QueryColumn[];
}

/** Parameter values of one question, as they appear in its wording (numbers and dates as text). */
export type QuestionParameters = Record<string, string>;

export interface QuestionTemplate {
  /** `<schemaId>/<name>`. */
  id: string;
  pattern: QueryPattern;
  /** Tables the gold SQL reads, most relevant first (the re-ranker's expected order). */
  tables: readonly string[];
  /**
   * Wordings with `{parameter}` slots. Slots named `n`, `limit`, `threshold`, `year` hold integers,
   * `start` / `end` ISO dates; any other slot holds free text. No two phrasings of one schema may match
   * the same question, since the teacher picks the template by matching them.
   */
  phrasings: readonly string[];
  /** Draws parameters from the filled database so the gold answer is non-empty; undefined when it cannot. */
  drawParameters(database: Database.Database, random: Random): QuestionParameters | undefined;
  goldSql(parameters: QuestionParameters): string;
  /** Parameters holding personal data (a customer's name in the question is PII in the prompt). */
  piiParameters?: Readonly<Record<string, PiiKind>>;
}

export interface QuerySchema {
  id: QuerySchemaId;
  /** Business domain in a few words, for prompts ("an online shop"). */
  domain: string;
  /** Kept out of training: only `eval` episodes use it. */
  heldOut: boolean;
  tables: readonly QueryTable[];
  populate(database: Database.Database, random: Random, values: QueryValues, split: DataSplit): void;
  questions: readonly QuestionTemplate[];
}
