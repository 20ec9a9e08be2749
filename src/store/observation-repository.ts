/**
 * What the router learned per routed call (see `ObservationRepository` in store.ts). Written in batches off the
 * request path; read newest first in windows by the governor and oldest first by economics and series. A batch
 * is one transaction, and an id already stored is skipped, so a writer that retries a batch after a failure it
 * could not see the end of never counts a call twice.
 */
import type { Kysely, Selectable } from 'kysely';
import type { EscalationReason, RouteObservation } from '../contracts/route-policy.ts';
import type { Database, RouteObservationTable } from './database.ts';
import { chunk } from './internal/chunk.ts';
import type { ObservationRepository } from './store.ts';

/** Rows per INSERT: 14 values a row keeps 500 rows (7,000 values) far below either engine's bind limit. */
const observationRowsPerStatement = 500;

function toStoredBoolean(value: boolean | null): 0 | 1 | null {
  return value === null ? null : value ? 1 : 0;
}

function fromStoredBoolean(value: number | null): boolean | null {
  return value === null ? null : Number(value) === 1;
}

function fromStoredNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}

function toRow(observation: RouteObservation): RouteObservationTable {
  return {
    id: observation.id,
    call_id: observation.callId,
    task: observation.task,
    specialist_id: observation.specialistId,
    kind: observation.kind,
    mode: observation.mode,
    valid: toStoredBoolean(observation.valid),
    agreed: toStoredBoolean(observation.agreed),
    score: observation.score,
    confidence: observation.confidence,
    specialist_latency_ms: observation.specialistLatencyMs,
    llm_cost_usd: observation.llmCostUsd,
    escalation_reason: observation.escalationReason,
    at: observation.at,
  };
}

function toObservation(row: Selectable<RouteObservationTable>): RouteObservation {
  return {
    id: row.id,
    callId: row.call_id,
    task: row.task,
    specialistId: row.specialist_id,
    kind: row.kind,
    mode: row.mode,
    valid: fromStoredBoolean(row.valid),
    agreed: fromStoredBoolean(row.agreed),
    score: fromStoredNumber(row.score),
    confidence: fromStoredNumber(row.confidence),
    specialistLatencyMs: fromStoredNumber(row.specialist_latency_ms),
    llmCostUsd: fromStoredNumber(row.llm_cost_usd),
    // Written by `toRow` from a typed observation.
    escalationReason: row.escalation_reason as EscalationReason | null,
    // Number(): PostgreSQL returns int8 as text.
    at: Number(row.at),
  };
}

export function createObservationRepository(db: Kysely<Database>): ObservationRepository {
  return {
    async append(observations) {
      if (observations.length === 0) return;
      await db.transaction().execute(async (transaction) => {
        for (const slice of chunk(observations, observationRowsPerStatement)) {
          await transaction
            .insertInto('route_observations')
            .values(slice.map(toRow))
            .onConflict((conflict) => conflict.column('id').doNothing())
            .execute();
        }
      });
    },

    async recent({ task, specialistId, kinds, limit }) {
      if (kinds !== undefined && kinds.length === 0) return [];
      let query = db.selectFrom('route_observations').selectAll().where('task', '=', task);
      if (specialistId !== undefined) query = query.where('specialist_id', '=', specialistId);
      if (kinds !== undefined) query = query.where('kind', 'in', [...kinds]);
      const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toObservation);
    },

    async list(filter = {}) {
      let query = db.selectFrom('route_observations').selectAll();
      if (filter.task !== undefined) query = query.where('task', '=', filter.task);
      if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
      if (filter.until !== undefined) query = query.where('at', '<', filter.until);
      const rows = await query.orderBy('at', 'asc').orderBy('id', 'asc').execute();
      return rows.map(toObservation);
    },
  };
}
