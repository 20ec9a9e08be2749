/**
 * Per-key limits on gateway API keys: requests per minute and the largest request body. Both nullable: null means
 * "the gateway's configured default" (`gateway.rateLimit`, `gateway.bodyLimitBytes`), so keys created before this
 * migration keep behaving as they did. See `ApiKeyTable` in database.ts. Frozen once released, like every migration.
 */
import type { Kysely, Migration } from 'kysely';

export const apiKeyLimitsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
    await db.schema.alterTable('api_keys').addColumn('rate_limit_per_minute', 'integer').execute();
    await db.schema.alterTable('api_keys').addColumn('max_body_bytes', 'bigint').execute();
  },
};
