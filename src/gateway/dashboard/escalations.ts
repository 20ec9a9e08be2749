/**
 * `GET /admin/escalations`: the calls a specialist was meant to answer and the LLM did (observations of kind
 * `escalated`), newest first, with the total and the count per reason over the whole filter (not only the page).
 */
import type { DashboardEscalations } from '../../contracts/dashboard-api.ts';
import type { EscalationReason } from '../../contracts/route-policy.ts';
import type { Store } from '../../store/store.ts';

export interface EscalationQuery {
  task?: string;
  reason?: EscalationReason;
  limit: number;
  offset: number;
}

export async function listEscalations(store: Store, query: EscalationQuery): Promise<DashboardEscalations> {
  const observations = await store.observations.list(query.task === undefined ? {} : { task: query.task });
  const escalated = observations.filter((observation) => observation.kind === 'escalated' && (query.reason === undefined || observation.escalationReason === query.reason));
  const byReason: DashboardEscalations['byReason'] = {};
  for (const observation of escalated) {
    if (observation.escalationReason !== null) byReason[observation.escalationReason] = (byReason[observation.escalationReason] ?? 0) + 1;
  }
  const page = escalated.reverse().slice(query.offset, query.offset + query.limit);
  return {
    total: escalated.length,
    byReason,
    data: page.map((observation) => ({
      callId: observation.callId,
      task: observation.task,
      specialistId: observation.specialistId,
      reason: observation.escalationReason,
      confidence: observation.confidence,
      at: observation.at,
    })),
  };
}
