/**
 * Offline evaluations of specialists (see `EvaluationRepository` in store.ts). Written once per evaluation run
 * (the loop's or `understudy eval`'s) and never changed; read newest first by the dashboard.
 */
import type { Kysely, Selectable } from 'kysely';
import type { StoredEvaluation } from '../contracts/dashboard-api.ts';
import { UnderstudyError } from '../contracts/errors.ts';
import type { Database, EvaluationTable } from './database.ts';
import type { EvaluationRepository } from './store.ts';

function toRow(evaluation: StoredEvaluation): EvaluationTable {
  return {
    id: evaluation.id,
    specialist_id: evaluation.specialistId,
    task: evaluation.task,
    examples: evaluation.examples,
    agreement: evaluation.agreement,
    valid_rate: evaluation.validRate,
    metric: evaluation.metric,
    passed: evaluation.passed ? 1 : 0,
    threshold: evaluation.threshold,
    coverage: evaluation.coverage,
    failures_json: JSON.stringify(evaluation.failures),
    created_at: evaluation.createdAt,
  };
}

// Number(): PostgreSQL returns int8 as text; the float columns come back as numbers on both engines.
function toEvaluation(row: Selectable<EvaluationTable>): StoredEvaluation {
  return {
    id: row.id,
    specialistId: row.specialist_id,
    task: row.task,
    createdAt: Number(row.created_at),
    examples: Number(row.examples),
    agreement: Number(row.agreement),
    validRate: Number(row.valid_rate),
    metric: row.metric,
    passed: Number(row.passed) === 1,
    threshold: row.threshold === null ? null : Number(row.threshold),
    coverage: row.coverage === null ? null : Number(row.coverage),
    failures: parseFailures(row.failures_json, row.id),
  };
}

function parseFailures(text: string, evaluationId: string): StoredEvaluation['failures'] {
  try {
    // Written by `toRow` from typed failures.
    return JSON.parse(text) as StoredEvaluation['failures'];
  } catch (error) {
    throw new UnderstudyError('internal_error', `Stored evaluation ${evaluationId} has unreadable failures_json`, { cause: error });
  }
}

export function createEvaluationRepository(db: Kysely<Database>): EvaluationRepository {
  return {
    async put(evaluation) {
      await db.insertInto('evaluations').values(toRow(evaluation)).execute();
    },

    async list(filter = {}) {
      let query = db.selectFrom('evaluations').selectAll();
      if (filter.task !== undefined) query = query.where('task', '=', filter.task);
      if (filter.specialistId !== undefined) query = query.where('specialist_id', '=', filter.specialistId);
      // id only makes the order deterministic for evaluations in the same millisecond.
      query = query.orderBy('created_at', 'desc').orderBy('id', 'desc');
      if (filter.limit !== undefined) query = query.limit(filter.limit);
      const rows = await query.execute();
      return rows.map(toEvaluation);
    },

    async latest(specialistId) {
      const row = await db
        .selectFrom('evaluations')
        .selectAll()
        .where('specialist_id', '=', specialistId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : toEvaluation(row);
    },
  };
}
