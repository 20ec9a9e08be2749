/**
 * Database ids: `<schemaId>:<split>:<seed>` names a database completely, so a scorer can rebuild the exact
 * rows an episode ran against without the file.
 */
import type Database from 'better-sqlite3';
import type { DataSplit } from '../simulated-task.ts';
import { createRandom } from '../random.ts';
import { buildQueryDatabase } from './build-query-database.ts';
import type { QuerySchemaId } from './query-schema.ts';
import { isQuerySchemaId } from './query-schemas.ts';

export interface QueryDatabaseId {
  schemaId: QuerySchemaId;
  split: DataSplit;
  seed: string;
}

export function formatQueryDatabaseId(id: QueryDatabaseId): string {
  return `${id.schemaId}:${id.split}:${id.seed}`;
}

export function parseQueryDatabaseId(text: string): QueryDatabaseId | undefined {
  const match = /^([a-z]+):(train|eval):([A-Za-z0-9_-]+)$/.exec(text);
  if (match === null || !isQuerySchemaId(match[1]!)) return undefined;
  return { schemaId: match[1], split: match[2] === 'train' ? 'train' : 'eval', seed: match[3]! };
}

/** A fresh in-memory copy of the database the id names; the caller closes it. Throws on a malformed id. */
export function openQueryDatabase(databaseId: string): Database.Database {
  const id = parseQueryDatabaseId(databaseId);
  if (id === undefined) throw new Error(`not a query database id: ${databaseId}`);
  return buildQueryDatabase(id.schemaId, createRandom(`query-database/${id.seed}`), id.split);
}

const cache = new Map<string, Database.Database>();
const cacheLimit = 32;

/**
 * A shared read-only copy, kept for reuse: episodes draw from a few dozen databases, and rebuilding one per
 * call would dominate the simulator's time. Do not close or modify it.
 */
export function cachedQueryDatabase(databaseId: string): Database.Database {
  const cached = cache.get(databaseId);
  if (cached !== undefined) return cached;
  const database = openQueryDatabase(databaseId);
  if (cache.size >= cacheLimit) {
    // Forget the oldest without closing it: a running episode may still hold it across an await (closing
    // here failed episodes at concurrency 16). better-sqlite3 frees the connection when it is collected.
    const oldestId = cache.keys().next().value;
    if (oldestId !== undefined) cache.delete(oldestId);
  }
  cache.set(databaseId, database);
  return database;
}
