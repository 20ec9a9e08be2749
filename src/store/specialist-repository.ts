/** Registered specialists (see `SpecialistRepository` in store.ts): plain rows, newest first. */
import type { Kysely, Selectable } from 'kysely';
import { sharedPromptContextSchema } from '../contracts/shared-prompt-context.ts';
import type { Database, SpecialistTable } from './database.ts';
import type { SpecialistRecord, SpecialistRepository } from './store.ts';

function toRecord(row: Selectable<SpecialistTable>): SpecialistRecord {
  return {
    id: row.id,
    task: row.task,
    name: row.name,
    status: row.status,
    baseModel: row.base_model,
    adapterPath: row.adapter_path,
    adapterHfDir: row.adapter_hf_dir,
    promptFormat: row.prompt_format,
    promptContext: row.prompt_context_json === null ? null : sharedPromptContextSchema.parse(JSON.parse(row.prompt_context_json)),
    datasetVersion: row.dataset_version,
    jobId: row.job_id,
    metrics: row.metrics_json === null ? null : (JSON.parse(row.metrics_json) as unknown),
    createdAt: Number(row.created_at),
  };
}

export function createSpecialistRepository(db: Kysely<Database>): SpecialistRepository {
  return {
    async register(record) {
      await db
        .insertInto('specialists')
        .values({
          id: record.id,
          task: record.task,
          name: record.name,
          status: record.status,
          base_model: record.baseModel,
          adapter_path: record.adapterPath,
          adapter_hf_dir: record.adapterHfDir,
          prompt_format: record.promptFormat,
          prompt_context_json: record.promptContext === null ? null : JSON.stringify(record.promptContext),
          dataset_version: record.datasetVersion,
          job_id: record.jobId,
          metrics_json: record.metrics === null || record.metrics === undefined ? null : JSON.stringify(record.metrics),
          created_at: record.createdAt,
        })
        .execute();
    },

    async get(id) {
      const row = await db.selectFrom('specialists').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async list(filter = {}) {
      let query = db.selectFrom('specialists').selectAll();
      if (filter.task !== undefined) query = query.where('task', '=', filter.task);
      if (filter.includeRetired !== true) query = query.where('status', '=', 'ready');
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toRecord);
    },

    async setStatus(id, status) {
      const updated = await db.updateTable('specialists').set({ status }).where('id', '=', id).executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    },
  };
}
