/**
 * The task discovery placed each call in (`CallRecord.discoveredTask`): nullable, because calls are captured before
 * any discovery runs and calls that fit no task stay unplaced. Without it, a call that declared no task and never
 * met the router counted for no task on the dashboard and in the economics, although discovery knew its task.
 * No index: the column is only written by call id (the primary key) and read with the whole row. Frozen once
 * released, like every migration.
 */
import type { Kysely, Migration } from 'kysely';

export const discoveredTaskMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('calls').addColumn('discovered_task', 'text').execute();
  },
};
