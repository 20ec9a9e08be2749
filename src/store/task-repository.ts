/**
 * Known tasks (see `TaskRepository` in store.ts): discovery writes them once, the router's classifier and the loop
 * read them on start instead of rediscovering. Upserts replace a task whole, so a rediscovered task never keeps a
 * stale signature next to a fresh call count.
 */
import type { Kysely, Selectable } from 'kysely';
import type { KnownTask, TaskSignature } from '../contracts/task-signature.ts';
import { UnderstudyError } from '../contracts/errors.ts';
import type { Database, TaskTable } from './database.ts';
import { chunk } from './internal/chunk.ts';
import type { TaskRepository } from './store.ts';

/** Rows per INSERT: 10 values a row keeps 200 rows far below either engine's bind limit. */
const taskRowsPerStatement = 200;

function toRow(task: KnownTask): TaskTable {
  return {
    id: task.id,
    name: task.name,
    source: task.source,
    agency: task.agency,
    signature_json: JSON.stringify(task.signature),
    tools_json: JSON.stringify(task.tools),
    response_format: task.responseFormat,
    call_count: task.callCount,
    open_ended: task.openEnded ? 1 : 0,
    updated_at: task.updatedAt,
  };
}

function toTask(row: Selectable<TaskTable>): KnownTask {
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    agency: row.agency,
    signature: parseStoredJson(row.signature_json, row.id, 'signature_json') as TaskSignature,
    tools: parseStoredJson(row.tools_json, row.id, 'tools_json') as string[],
    responseFormat: row.response_format,
    // Number(): PostgreSQL returns int8 as text.
    callCount: Number(row.call_count),
    openEnded: Number(row.open_ended) === 1,
    updatedAt: Number(row.updated_at),
  };
}

/** The columns were written by `toRow`, so a parse failure means a damaged database, not bad input. */
function parseStoredJson(text: string, taskId: string, column: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UnderstudyError('internal_error', `Stored task ${taskId} has unreadable ${column}`, { cause: error });
  }
}

export function createTaskRepository(db: Kysely<Database>): TaskRepository {
  return {
    async upsert(tasks) {
      // One row per id, the last given winning: PostgreSQL refuses an upsert that touches the same row twice.
      const rows = [...new Map(tasks.map((task) => [task.id, toRow(task)])).values()];
      if (rows.length === 0) return;
      await db.transaction().execute(async (transaction) => {
        for (const slice of chunk(rows, taskRowsPerStatement)) {
          await transaction
            .insertInto('tasks')
            .values(slice)
            .onConflict((conflict) =>
              conflict.column('id').doUpdateSet((update) => ({
                name: update.ref('excluded.name'),
                source: update.ref('excluded.source'),
                agency: update.ref('excluded.agency'),
                signature_json: update.ref('excluded.signature_json'),
                tools_json: update.ref('excluded.tools_json'),
                response_format: update.ref('excluded.response_format'),
                call_count: update.ref('excluded.call_count'),
                open_ended: update.ref('excluded.open_ended'),
                updated_at: update.ref('excluded.updated_at'),
              })),
            )
            .execute();
        }
      });
    },

    async get(id) {
      const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toTask(row);
    },

    async list() {
      const rows = await db.selectFrom('tasks').selectAll().orderBy('call_count', 'desc').orderBy('id', 'asc').execute();
      return rows.map(toTask);
    },
  };
}
