/**
 * Indexes that deletion needs (docs/data-protection.md): calls by end user (`understudy data delete --user`)
 * and route observations by call (each deleted batch of calls takes its observations with it). Frozen once
 * released, like every migration.
 */
import type { Kysely, Migration } from 'kysely';

export const dataDeletionMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('calls_end_user_id_index').on('calls').column('end_user_id').execute();
    await db.schema.createIndex('route_observations_call_id_index').on('route_observations').column('call_id').execute();
  },
};
