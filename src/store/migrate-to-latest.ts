/**
 * Brings a database to the newest schema. `openStore` calls it on every open; running it again is a no-op.
 */
import { Migrator } from 'kysely';
import type { Kysely } from 'kysely';
import { UnderstudyError, isUnderstudyError } from '../contracts/errors.ts';
import type { Database } from './database.ts';
import { migrationProvider } from './migrations/index.ts';

/**
 * Applies every pending migration and returns the names it applied (empty when the schema was current).
 * @throws UnderstudyError `store_unavailable` when a migration fails (the database is left at the last good one),
 *   or the error that made the store unreachable in the first place.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    if (isUnderstudyError(error)) throw error;
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    throw new UnderstudyError('store_unavailable', failed === undefined ? `Could not migrate the store: ${message}` : `Migration ${failed} failed: ${message}`, {
      cause: error,
    });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
