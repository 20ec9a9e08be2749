/**
 * Calls in the store: batch inserts from the log writer, and the reads behind reports and the dashboard.
 */
import type { Kysely } from 'kysely';
import type { CallRecord } from '../contracts/call-record.ts';
import { UnderstudyError } from '../contracts/errors.ts';
import type { Database } from './database.ts';
import { callFilterExpression } from './internal/call-filter-expression.ts';
import { fromCallRow, toCallRow } from './internal/call-row.ts';
import { chunk } from './internal/chunk.ts';
import type { CallFilter, CallListOptions, CallRepository, DiscoveredTaskAssignment } from './store.ts';

/**
 * Rows per INSERT statement. A row binds 29 values, so 100 rows stay far below SQLite's bind limit (32,766 in
 * the bundled build, 999 in very old ones would still need smaller chunks) and PostgreSQL's 65,535, while
 * keeping each statement small enough that compiling it never holds the event loop noticeably.
 */
export const callRowsPerStatement = 100;

/** Call ids per UPDATE of discovered tasks, far below either engine's bind limit. */
const idsPerStatement = 500;

export function createCallRepository(db: Kysely<Database>): CallRepository {
  return {
    async insertMany(records: readonly CallRecord[]): Promise<number> {
      if (records.length === 0) return 0;
      const createdAt = Date.now();
      return db.transaction().execute(async (transaction) => {
        let inserted = 0;
        for (let start = 0; start < records.length; start += callRowsPerStatement) {
          // Rows are built per statement, not all up front, so a 20k batch never serialises 40 MB of JSON in
          // one synchronous stretch.
          const rows = records.slice(start, start + callRowsPerStatement).map((record) => toCallRow(record, createdAt));
          const result = await transaction
            .insertInto('calls')
            .values(rows)
            .onConflict((conflict) => conflict.column('id').doNothing())
            .executeTakeFirst();
          inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
        }
        return inserted;
      });
    },

    async get(id: string): Promise<CallRecord | undefined> {
      const row = await db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : fromCallRow(row);
    },

    async list(options: CallListOptions): Promise<CallRecord[]> {
      assertCount('limit', options.limit);
      if (options.offset !== undefined) assertCount('offset', options.offset);
      const order = options.order ?? 'desc';
      // id breaks ties between calls started in the same millisecond, so pages never overlap or skip.
      const rows = await db
        .selectFrom('calls')
        .selectAll()
        .where((builder) => callFilterExpression(builder, options))
        .orderBy('started_at', order)
        .orderBy('id', order)
        .limit(options.limit)
        .offset(options.offset ?? 0)
        .execute();
      return rows.map(fromCallRow);
    },

    async count(filter: CallFilter = {}): Promise<number> {
      const row = await db
        .selectFrom('calls')
        .select((builder) => builder.fn.countAll<number>().as('calls'))
        .where((builder) => callFilterExpression(builder, filter))
        .executeTakeFirstOrThrow();
      return Number(row.calls);
    },

    async summarize(filter: CallFilter = {}) {
      const row = await db
        .selectFrom('calls')
        .select((builder) => [
          builder.fn.countAll<number>().as('calls'),
          builder.fn.sum<number | null>('tokens_in').as('tokens_in'),
          builder.fn.sum<number | null>('tokens_out').as('tokens_out'),
          builder.fn.sum<number | null>('cost_usd').as('cost_usd'),
        ])
        .where((builder) => callFilterExpression(builder, filter))
        .executeTakeFirstOrThrow();
      // Number(): SUM of an int column is int8/numeric in PostgreSQL; the engine parses both, this keeps it so.
      return {
        calls: Number(row.calls),
        tokensIn: Number(row.tokens_in ?? 0),
        tokensOut: Number(row.tokens_out ?? 0),
        costUsd: Number(row.cost_usd ?? 0),
      };
    },

    async assignDiscoveredTasks(assignments: readonly DiscoveredTaskAssignment[]): Promise<number> {
      const taskOfCall = new Map<string, string | null>();
      for (const { callId, task } of assignments) {
        if (task === '') throw new UnderstudyError('invalid_request', `The discovered task of call ${callId} is empty: give a task id or null.`, { param: 'task' });
        taskOfCall.set(callId, task);
      }
      const callsByTask = new Map<string | null, string[]>();
      for (const [callId, task] of taskOfCall) {
        const callIds = callsByTask.get(task) ?? [];
        callIds.push(callId);
        callsByTask.set(task, callIds);
      }
      // One short statement per slice, each its own transaction (like deletions): a round over a large store never
      // holds SQLite's writer lock long, and a crash between slices leaves placements the next discovery redoes.
      // `is distinct from` (null-safe on both engines) skips rows already right, so the count is of real changes.
      let changed = 0;
      for (const [task, callIds] of callsByTask) {
        for (const slice of chunk(callIds, idsPerStatement)) {
          const result = await db
            .updateTable('calls')
            .set({ discovered_task: task })
            .where('id', 'in', slice)
            .where('discovered_task', 'is distinct from', task)
            .executeTakeFirst();
          changed += Number(result.numUpdatedRows);
        }
      }
      return changed;
    },
  };
}

function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new UnderstudyError('invalid_request', `${name} must be a non-negative integer, got ${value}`, { param: name });
  }
}
