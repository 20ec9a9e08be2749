/**
 * Small key/value settings the running system owns (not user configuration, which lives in the config file).
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { SettingRepository } from './store.ts';

export function createSettingRepository(db: Kysely<Database>): SettingRepository {
  return {
    async get(key: string): Promise<string | undefined> {
      const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },

    async set(key: string, value: string): Promise<void> {
      const updatedAt = Date.now();
      await db
        .insertInto('settings')
        .values({ key, value, updated_at: updatedAt })
        .onConflict((conflict) => conflict.column('key').doUpdateSet({ value, updated_at: updatedAt }))
        .execute();
    },
  };
}
