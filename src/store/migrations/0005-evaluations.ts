/**
 * Offline evaluations of specialists (`StoredEvaluation`): the summary of each `evaluateSpecialist` run the loop
 * or `understudy eval` made, with its failing examples, so the dashboard can show a specialist's latest proof
 * without rerunning it. See `EvaluationTable` in database.ts. Frozen once released, like every migration.
 */
import type { Kysely, Migration } from 'kysely';

export const evaluationsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // No foreign key to specialists: an evaluation of a specialist later retired (or never registered, e.g. a
    // candidate evaluated by hand) stays readable.
    await db.schema
      .createTable('evaluations')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('specialist_id', 'text', (column) => column.notNull())
      .addColumn('task', 'text', (column) => column.notNull())
      .addColumn('examples', 'integer', (column) => column.notNull())
      .addColumn('agreement', 'double precision', (column) => column.notNull())
      .addColumn('valid_rate', 'double precision', (column) => column.notNull())
      .addColumn('metric', 'text', (column) => column.notNull())
      .addColumn('passed', 'integer', (column) => column.notNull())
      .addColumn('threshold', 'double precision')
      .addColumn('coverage', 'double precision')
      .addColumn('failures_json', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();
    // `latest(specialistId)` and the per-specialist list read one specialist, newest first.
    await db.schema.createIndex('evaluations_specialist_id_created_at_index').on('evaluations').columns(['specialist_id', 'created_at']).execute();
    await db.schema.createIndex('evaluations_task_created_at_index').on('evaluations').columns(['task', 'created_at']).execute();
  },
};
