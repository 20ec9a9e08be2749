/**
 * The prompt context a specialist was trained without (`SpecialistRecord.promptContext`: digests of the system
 * prompt and tools every training example shared), as JSON. Nullable: specialists registered before it, and those
 * trained on whole prompts, have none. Frozen once released, like every migration.
 */
import type { Kysely, Migration } from 'kysely';

export const specialistPromptContextMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('specialists').addColumn('prompt_context_json', 'text').execute();
  },
};
