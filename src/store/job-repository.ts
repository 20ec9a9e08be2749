/**
 * The job queue on either engine (see `JobRepository` in store.ts). Claiming is a transaction that picks the
 * oldest eligible row and updates it only if it is still in the state it was picked in; on PostgreSQL the
 * pick also locks the row with `FOR UPDATE SKIP LOCKED`, so concurrent workers skip past each other's rows
 * instead of queueing on them.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, JobTable } from './database.ts';
import { randomBase62 } from './internal/random-base62.ts';
import type { JobRecord, JobRepository, StoreEngine } from './store.ts';

function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

function toRecord(row: Selectable<JobTable>): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    spec: parseJson(row.spec_json),
    progress: parseJson(row.progress_json),
    result: parseJson(row.result_json),
    error: row.error,
    workerId: row.worker_id,
    attempts: Number(row.attempts),
    cancelRequested: Number(row.cancel_requested) === 1,
    createdAt: Number(row.created_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    heartbeatAt: row.heartbeat_at === null ? null : Number(row.heartbeat_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

export function createJobRepository(db: Kysely<Database>, engine: StoreEngine): JobRepository {
  return {
    async enqueue({ kind, spec }) {
      const row: JobTable = {
        id: `job_${randomBase62(16)}`,
        kind,
        status: 'queued',
        spec_json: JSON.stringify(spec),
        progress_json: null,
        result_json: null,
        error: null,
        worker_id: null,
        attempts: 0,
        cancel_requested: 0,
        created_at: Date.now(),
        started_at: null,
        heartbeat_at: null,
        finished_at: null,
      };
      await db.insertInto('jobs').values(row).execute();
      return toRecord(row);
    },

    async get(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async list(filter = {}) {
      let query = db.selectFrom('jobs').selectAll();
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 100).execute();
      return rows.map(toRecord);
    },

    async claimNext({ workerId, kinds, staleAfterMs, now = Date.now() }) {
      if (kinds.length === 0) return undefined;
      return db.transaction().execute(async (transaction) => {
        const staleBefore = now - staleAfterMs;
        let pick = transaction
          .selectFrom('jobs')
          .select(['id', 'status', 'worker_id'])
          .where('kind', 'in', [...kinds])
          .where('cancel_requested', '=', 0)
          .where((where) => where.or([where('status', '=', 'queued'), where.and([where('status', '=', 'running'), where('heartbeat_at', '<', staleBefore)])]))
          .orderBy('created_at', 'asc')
          .orderBy('id', 'asc')
          .limit(1);
        if (engine === 'postgres') pick = pick.forUpdate().skipLocked();
        const picked = await pick.executeTakeFirst();
        if (picked === undefined) return undefined;
        let update = transaction
          .updateTable('jobs')
          .set((set) => ({ status: 'running', worker_id: workerId, attempts: set('attempts', '+', 1), heartbeat_at: now, started_at: set.fn.coalesce('started_at', set.val(now)) }))
          .where('id', '=', picked.id)
          .where('status', '=', picked.status);
        update = picked.worker_id === null ? update.where('worker_id', 'is', null) : update.where('worker_id', '=', picked.worker_id);
        const updated = await update.executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) return undefined;
        const row = await transaction.selectFrom('jobs').selectAll().where('id', '=', picked.id).executeTakeFirstOrThrow();
        return toRecord(row);
      });
    },

    async heartbeat(id, workerId, progress) {
      const updated = await db
        .updateTable('jobs')
        .set({ progress_json: JSON.stringify(progress), heartbeat_at: Date.now() })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where('worker_id', '=', workerId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return { owned: false, cancelRequested: false };
      const row = await db.selectFrom('jobs').select('cancel_requested').where('id', '=', id).executeTakeFirst();
      return { owned: true, cancelRequested: Number(row?.cancel_requested ?? 0) === 1 };
    },

    async finish(id, workerId, outcome) {
      const values =
        outcome.status === 'succeeded'
          ? { status: 'succeeded' as const, result_json: JSON.stringify(outcome.result), error: null }
          : { status: outcome.status, error: outcome.status === 'failed' ? outcome.error : (outcome.error ?? 'cancelled on request') };
      const updated = await db
        .updateTable('jobs')
        .set({ ...values, finished_at: Date.now() })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where('worker_id', '=', workerId)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    },

    async requestCancel(id) {
      await db.transaction().execute(async (transaction) => {
        await transaction
          .updateTable('jobs')
          .set({ status: 'cancelled', error: 'cancelled before it started', finished_at: Date.now(), cancel_requested: 1 })
          .where('id', '=', id)
          .where('status', '=', 'queued')
          .execute();
        await transaction.updateTable('jobs').set({ cancel_requested: 1 }).where('id', '=', id).where('status', '=', 'running').execute();
      });
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
  };
}
