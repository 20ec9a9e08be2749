/**
 * The PostgreSQL engine: a `pg` pool behind Kysely's `PostgresDialect`.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import type { Database } from '../database.ts';

/**
 * `pg` returns int8 and numeric as strings because they can exceed 2^53. Our int8 columns hold epoch
 * milliseconds and counts, and `count(*)` / `sum(integer)` come back as int8 or numeric, so they are parsed to
 * numbers — for this pool only, never through `pg.types.setTypeParser`, which would change every pool in the
 * process (other libraries' included).
 */
const numberTypeIds: ReadonlySet<number> = new Set([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);

const typeParsers: CustomTypesConfig = {
  getTypeParser: (typeId, format) =>
    numberTypeIds.has(typeId) && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(typeId, format),
};

/** Opens a pool for `databaseUrl` (nothing connects until the first query). */
export function openPostgresDatabase(databaseUrl: string): Kysely<Database> {
  // A server that stops answering (network cut, failover) must fail a query, not hang it: connecting gives up
  // after 10 s and TCP keep-alive notices dead connections, so callers that retry (the log writer) see an
  // error, and the pool opens fresh connections once the server is back.
  const pool = new pg.Pool({ connectionString: databaseUrl, types: typeParsers, max: 10, connectionTimeoutMillis: 10_000, keepAlive: true });
  // An idle client that loses its server emits `error` on the pool; unhandled, that would end the process. The
  // next query reports the problem to whoever runs it, so nothing is lost by swallowing it here.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** The URL with any password replaced, for error messages and logs. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
