/**
 * Creates and fills one simulated SQLite database. Everything comes from the seeded `random` and the
 * split's value pools, so the same seed rebuilds the same rows — the scorer re-creates a database from its
 * id instead of shipping files.
 */
import Database from 'better-sqlite3';
import type { DataSplit } from '../simulated-task.ts';
import type { Random } from '../random.ts';
import type { QuerySchemaId } from './query-schema.ts';
import { querySchemaById } from './query-schemas.ts';
import { queryValues } from './query-values.ts';
import { renderSchemaDdl } from './render-schema-ddl.ts';

export interface BuildQueryDatabaseOptions {
  /** Write the database to this file instead of memory (the file must not exist yet). */
  path?: string;
}

export function buildQueryDatabase(
  schemaId: QuerySchemaId,
  random: Random,
  split: DataSplit,
  options: BuildQueryDatabaseOptions = {},
): Database.Database {
  const schema = querySchemaById(schemaId);
  const database = new Database(options.path ?? ':memory:');
  database.pragma('foreign_keys = ON');
  database.exec(renderSchemaDdl(schema));
  schema.populate(database, random.fork(`populate/${schemaId}`), queryValues(split), split);
  return database;
}
