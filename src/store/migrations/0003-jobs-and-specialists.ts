/**
 * Jobs (long-running training, evaluation and discovery units that workers on any machine pull from one
 * queue) and specialists (a base model plus an optional adapter, registered for one task once a training job
 * has produced and verified it). See `JobTable` and `SpecialistTable` in database.ts. Frozen once released.
 */
import type { Kysely, Migration } from 'kysely';

export const jobsAndSpecialistsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('spec_json', 'text', (column) => column.notNull())
      .addColumn('progress_json', 'text')
      .addColumn('result_json', 'text')
      .addColumn('error', 'text')
      .addColumn('worker_id', 'text')
      .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('cancel_requested', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('heartbeat_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .execute();
    await db.schema.createIndex('jobs_status_created_at_index').on('jobs').columns(['status', 'created_at']).execute();

    await db.schema
      .createTable('specialists')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('task', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('base_model', 'text', (column) => column.notNull())
      .addColumn('adapter_path', 'text')
      .addColumn('adapter_hf_dir', 'text')
      .addColumn('prompt_format', 'text', (column) => column.notNull())
      .addColumn('dataset_version', 'text')
      .addColumn('job_id', 'text')
      .addColumn('metrics_json', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('specialists_task_index').on('specialists').columns(['task', 'created_at']).execute();
  },
};
