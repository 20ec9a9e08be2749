/**
 * Deletion and retention of captured data on either engine (see `DataRepository` in store.ts): calls with the
 * observations made of them, finished jobs, pseudonym mappings, evaluations of retired specialists, and the
 * compaction that makes a deletion reach the bytes on disk. Calls are deleted in batches, each batch one
 * transaction (observations first, then the calls), so a deletion of millions of rows never holds the writer
 * lock for long and a crash in the middle leaves whole calls, never calls without their observations' owner.
 */
import { sql, type Kysely } from 'kysely';
import { UnderstudyError } from '../contracts/errors.ts';
import type { Database } from './database.ts';
import { chunk } from './internal/chunk.ts';
import type { CallSelector, DataRepository, DeletedCallText, StoreEngine } from './store.ts';

/** Calls per deletion batch: small enough to keep each transaction short, large enough to be cheap. */
const deletionBatchSize = 500;
/** Calls read per page when looking for strings that remaining calls still use. */
const scanPageSize = 1_000;
/** Ids per `IN (…)` list, far below either engine's bind limit. */
const idsPerStatement = 500;
/** A busy checkpoint (another connection mid-read) is retried this many times before compaction gives up. */
const checkpointAttempts = 20;

function requireSelector(selector: CallSelector): void {
  const given = [selector.projectId, selector.episodeId, selector.endUserId, selector.before].filter((value) => value !== undefined);
  if (given.length === 0) throw new UnderstudyError('invalid_request', 'A deletion needs at least one of projectId, episodeId, endUserId or before.');
}

function taskOfRouting(routingJson: string | null): string | null {
  if (routingJson === null) return null;
  try {
    const routing = JSON.parse(routingJson) as { task?: unknown } | null;
    return typeof routing?.task === 'string' ? routing.task : null;
  } catch {
    return null;
  }
}

export function createDataRepository(db: Kysely<Database>, engine: StoreEngine): DataRepository {
  function selectMatching(selector: CallSelector) {
    let query = db.selectFrom('calls');
    if (selector.projectId !== undefined) query = query.where('project_id', '=', selector.projectId);
    if (selector.episodeId !== undefined) query = query.where('episode_id', '=', selector.episodeId);
    if (selector.endUserId !== undefined) query = query.where('end_user_id', '=', selector.endUserId);
    if (selector.before !== undefined) query = query.where('started_at', '<', selector.before);
    return query;
  }

  return {
    async deleteCalls(selector, options = {}) {
      requireSelector(selector);
      const callIds: string[] = [];
      const projectIds = new Set<string>();
      const tasks = new Set<string>();
      let untaggedCalls = 0;
      let observations = 0;
      for (;;) {
        const rows = await selectMatching(selector)
          .select(['id', 'project_id', 'task', 'routing_json', 'request_json', 'response_json'])
          .orderBy('id')
          .limit(deletionBatchSize)
          .execute();
        if (rows.length === 0) break;
        const ids = rows.map((row) => row.id);
        if (options.onBatch !== undefined) {
          const texts: DeletedCallText[] = rows.map((row) => ({ id: row.id, projectId: row.project_id, text: `${row.request_json}\n${row.response_json ?? ''}` }));
          await options.onBatch(texts);
        }
        await db.transaction().execute(async (transaction) => {
          const observationResult = await transaction.deleteFrom('route_observations').where('call_id', 'in', ids).executeTakeFirst();
          observations += Number(observationResult.numDeletedRows);
          await transaction.deleteFrom('calls').where('id', 'in', ids).execute();
        });
        for (const row of rows) {
          callIds.push(row.id);
          projectIds.add(row.project_id);
          const task = row.task ?? taskOfRouting(row.routing_json);
          if (task === null) untaggedCalls += 1;
          else tasks.add(task);
        }
        if (rows.length < deletionBatchSize) break;
      }
      return { callIds, projectIds: [...projectIds].sort(), tasks: [...tasks].sort(), untaggedCalls, calls: callIds.length, observations };
    },

    async findStringsInCalls(projectId, candidates) {
      const found = new Set<string>();
      if (candidates.length === 0) return found;
      // Calls keep request and response as JSON text: look for each candidate as JSON would write it.
      const encoded = candidates.map((candidate) => ({ candidate, inJson: JSON.stringify(candidate).slice(1, -1) }));
      let afterId: string | null = null;
      for (;;) {
        let query = db.selectFrom('calls').select(['id', 'request_json', 'response_json']).where('project_id', '=', projectId);
        if (afterId !== null) query = query.where('id', '>', afterId);
        const rows = await query.orderBy('id').limit(scanPageSize).execute();
        for (const row of rows) {
          for (const { candidate, inJson } of encoded) {
            if (found.has(candidate)) continue;
            if (row.request_json.includes(inJson) || (row.response_json?.includes(inJson) ?? false)) found.add(candidate);
          }
        }
        if (rows.length < scanPageSize || found.size === candidates.length) return found;
        afterId = rows[rows.length - 1]!.id;
      }
    },

    async deletePseudonyms(scope, surrogates) {
      if (surrogates === undefined) {
        const result = await db.deleteFrom('pseudonyms').where('scope', '=', scope).executeTakeFirst();
        return Number(result.numDeletedRows);
      }
      let deleted = 0;
      for (const slice of chunk(surrogates, idsPerStatement)) {
        const result = await db.deleteFrom('pseudonyms').where('scope', '=', scope).where('surrogate', 'in', slice).executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      return deleted;
    },

    async deleteEvaluations(specialistIds) {
      let deleted = 0;
      for (const slice of chunk(specialistIds, idsPerStatement)) {
        const result = await db.deleteFrom('evaluations').where('specialist_id', 'in', slice).executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      return deleted;
    },

    async deleteFinishedJobs(before) {
      const result = await db
        .deleteFrom('jobs')
        .where('status', 'in', ['succeeded', 'failed', 'cancelled'])
        .where('finished_at', 'is not', null)
        .where('finished_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async compact() {
      if (engine === 'postgres') {
        // Plain VACUUM marks the dead tuples' space reusable and removes their index entries without locking
        // readers out; it does not rewrite the files, so deleted bytes may stay in free space until reused.
        // VACUUM FULL would rewrite them but takes an exclusive lock per table: an operator's choice (docs).
        for (const table of ['calls', 'route_observations', 'pseudonyms', 'evaluations', 'jobs']) {
          await sql`VACUUM ${sql.table(table)}`.execute(db);
        }
        return;
      }
      // secure_delete zeroes deleted cells, but older page images remain in the WAL and in pages VACUUM has not
      // rewritten: checkpoint the WAL into the file and truncate it, rebuild the file, and checkpoint again.
      await checkpoint(db);
      await sql`VACUUM`.execute(db);
      await checkpoint(db);
    },
  };
}

/** `PRAGMA wal_checkpoint(TRUNCATE)`, retried while another connection keeps it from completing. */
async function checkpoint(db: Kysely<Database>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await sql<{ busy: number; log: number; checkpointed: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    const row = result.rows[0];
    if (row === undefined || Number(row.busy) === 0) return;
    if (attempt >= checkpointAttempts) {
      throw new UnderstudyError('store_unavailable', 'The SQLite write-ahead log could not be checkpointed: another connection kept reading. Retry the compaction.');
    }
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}
