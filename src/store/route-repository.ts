/**
 * Per-task routes and their history (see `RouteRepository` in store.ts). Every write of a route also writes the
 * change as a `RouteEvent` in the same transaction, so the history can never miss a change or show one that did
 * not happen; `fromMode` comes from the row being replaced, never from the caller, so the chain of events is the
 * chain of stored states even when the governor and an operator write at the same time.
 */
import type { Kysely, Selectable } from 'kysely';
import type { RouteEvent, RouteMode, RoutePolicy } from '../contracts/route-policy.ts';
import { UnderstudyError } from '../contracts/errors.ts';
import type { Database, RouteEventTable, RouteTable } from './database.ts';
import { randomBase62 } from './internal/random-base62.ts';
import type { RouteRepository } from './store.ts';

function toRouteRow(policy: RoutePolicy): RouteTable {
  return {
    task: policy.task,
    mode: policy.mode,
    canary_share: policy.canaryShare,
    specialist_id: policy.specialistId,
    confidence_threshold: policy.confidenceThreshold,
    timeout_ms: policy.timeoutMs,
    audit_share: policy.auditShare,
    automatic: policy.automatic ? 1 : 0,
    reason: policy.reason,
    updated_at: policy.updatedAt,
  };
}

// Number(): PostgreSQL returns int8 as text; the float columns come back as numbers on both engines.
function toPolicy(row: Selectable<RouteTable>): RoutePolicy {
  return {
    task: row.task,
    mode: row.mode,
    canaryShare: Number(row.canary_share),
    specialistId: row.specialist_id,
    confidenceThreshold: row.confidence_threshold === null ? null : Number(row.confidence_threshold),
    timeoutMs: Number(row.timeout_ms),
    auditShare: Number(row.audit_share),
    automatic: Number(row.automatic) === 1,
    updatedAt: Number(row.updated_at),
    reason: row.reason,
  };
}

function toEventRow(event: RouteEvent): RouteEventTable {
  return {
    id: event.id,
    task: event.task,
    from_mode: event.fromMode,
    to_mode: event.toMode,
    specialist_id: event.specialistId,
    actor: event.actor,
    reason: event.reason,
    figures_json: JSON.stringify(event.figures),
    at: event.at,
  };
}

// The enum-valued text columns were written by `toEventRow` from typed events, so they are read back as those types.
function toEvent(row: Selectable<RouteEventTable>): RouteEvent {
  return {
    id: row.id,
    task: row.task,
    fromMode: row.from_mode as RouteMode | null,
    toMode: row.to_mode as RouteMode,
    specialistId: row.specialist_id,
    actor: row.actor as RouteEvent['actor'],
    reason: row.reason,
    figures: parseFigures(row.figures_json, row.id),
    at: Number(row.at),
  };
}

function parseFigures(text: string, eventId: string): Record<string, number> {
  try {
    return JSON.parse(text) as Record<string, number>;
  } catch (error) {
    throw new UnderstudyError('internal_error', `Stored route event ${eventId} has unreadable figures_json`, { cause: error });
  }
}

export function createRouteRepository(db: Kysely<Database>): RouteRepository {
  return {
    async get(task) {
      const row = await db.selectFrom('routes').selectAll().where('task', '=', task).executeTakeFirst();
      return row === undefined ? undefined : toPolicy(row);
    },

    async list() {
      const rows = await db.selectFrom('routes').selectAll().orderBy('task', 'asc').execute();
      return rows.map(toPolicy);
    },

    async put(policy, change) {
      const row = toRouteRow(policy);
      return db.transaction().execute(async (transaction) => {
        const inserted = await transaction
          .insertInto('routes')
          .values(row)
          .onConflict((conflict) => conflict.column('task').doNothing())
          .executeTakeFirst();
        let fromMode: RouteMode | null = null;
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
          // The route exists. This no-op update takes its row lock first (PostgreSQL; SQLite's `begin immediate`
          // already serialises writers), so the mode read next is the one this write replaces, not one a
          // concurrent writer is about to replace as well.
          await transaction.updateTable('routes').set({ task: policy.task }).where('task', '=', policy.task).execute();
          const previous = await transaction.selectFrom('routes').select('mode').where('task', '=', policy.task).executeTakeFirstOrThrow();
          fromMode = previous.mode;
          const { task: _task, ...changes } = row;
          await transaction.updateTable('routes').set(changes).where('task', '=', policy.task).execute();
        }
        const event: RouteEvent = {
          id: `rev_${randomBase62(16)}`,
          task: policy.task,
          fromMode,
          toMode: policy.mode,
          specialistId: policy.specialistId,
          actor: change.actor,
          reason: change.reason,
          figures: change.figures ?? {},
          at: policy.updatedAt,
        };
        await transaction.insertInto('route_events').values(toEventRow(event)).execute();
        return event;
      });
    },

    async events(filter = {}) {
      let query = db.selectFrom('route_events').selectAll();
      if (filter.task !== undefined) query = query.where('task', '=', filter.task);
      // id only makes the order deterministic for events in the same millisecond; ids are random, not sequential.
      query = query.orderBy('at', 'desc').orderBy('id', 'desc');
      if (filter.limit !== undefined) query = query.limit(filter.limit);
      const rows = await query.execute();
      return rows.map(toEvent);
    },
  };
}
