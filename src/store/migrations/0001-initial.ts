/**
 * The first schema. Written with Kysely's schema builder and only portable column types (`text`, `integer`,
 * `bigint`, `double precision`) so one migration serves SQLite and PostgreSQL; `database.ts` explains the
 * choices. Migrations are frozen once released: change the schema in a new numbered file, never here.
 */
import type { Kysely, Migration } from 'kysely';

export const initialMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('projects')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('project_id', 'text', (column) => column.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('prefix', 'text', (column) => column.notNull())
      .addColumn('secret_hash', 'text', (column) => column.notNull().unique())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema.createIndex('api_keys_project_id_index').on('api_keys').column('project_id').execute();
    await db.schema.createIndex('api_keys_prefix_index').on('api_keys').column('prefix').execute();

    await db.schema
      .createTable('providers')
      .addColumn('name', 'text', (column) => column.primaryKey())
      .addColumn('base_url', 'text', (column) => column.notNull())
      .addColumn('api_key_env', 'text')
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('models')
      .addColumn('provider_name', 'text', (column) => column.notNull().references('providers.name').onDelete('cascade'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('input_per_million', 'double precision')
      .addColumn('output_per_million', 'double precision')
      .addColumn('price_source', 'text')
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('models_primary_key', ['provider_name', 'name'])
      .execute();

    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (column) => column.primaryKey())
      .addColumn('value', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .execute();

    // No foreign key to projects: the log writer stores calls for any project id it is handed, and one unknown
    // id must not make a whole batch fail.
    await db.schema
      .createTable('calls')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('version', 'integer', (column) => column.notNull())
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('project_id', 'text', (column) => column.notNull())
      .addColumn('end_user_id', 'text')
      .addColumn('episode_id', 'text')
      .addColumn('task', 'text')
      .addColumn('route', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('error_class', 'text')
      .addColumn('error_message', 'text')
      .addColumn('http_status', 'integer')
      .addColumn('model', 'text', (column) => column.notNull())
      .addColumn('response_model', 'text')
      .addColumn('provider', 'text')
      .addColumn('stream', 'integer', (column) => column.notNull())
      .addColumn('started_at', 'bigint', (column) => column.notNull())
      .addColumn('latency_ms', 'double precision', (column) => column.notNull())
      .addColumn('ttft_ms', 'double precision')
      .addColumn('tokens_in', 'integer')
      .addColumn('tokens_out', 'integer')
      .addColumn('tokens_estimated', 'integer', (column) => column.notNull())
      .addColumn('cost_usd', 'double precision')
      .addColumn('finish_reason', 'text')
      .addColumn('request_json', 'text', (column) => column.notNull())
      .addColumn('response_json', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('calls_project_id_started_at_index').on('calls').columns(['project_id', 'started_at']).execute();
    // Unfiltered listings (newest calls first across projects) would otherwise sort the whole table.
    await db.schema.createIndex('calls_started_at_index').on('calls').column('started_at').execute();
    await db.schema.createIndex('calls_episode_id_index').on('calls').column('episode_id').execute();
    await db.schema.createIndex('calls_task_index').on('calls').column('task').execute();
  },
};
