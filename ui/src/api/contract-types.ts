/**
 * The dashboard's view of the server contract: type-only re-exports, so nothing from src/ is bundled.
 * Every route and shape the pages use is defined in src/contracts/dashboard-api.ts.
 */
export type {
  DashboardEscalations,
  DashboardJob,
  DashboardModel,
  DashboardOverview,
  DashboardRoute,
  DashboardSpecialist,
  DashboardTaskDetail,
  DashboardTaskRow,
  OverviewBucket,
  RouteChangeRequest,
  StoredEvaluation,
  TaskVerdict,
  TemplateSegment,
} from '../../../src/contracts/dashboard-api.ts';
export type { EscalationReason, RouteEvent, RouteMode, RoutePolicy } from '../../../src/contracts/route-policy.ts';
export type { CallRecord } from '../../../src/contracts/call-record.ts';

/** The `{ object: 'list', data }` envelope of the list routes. */
export interface ListResponse<T> {
  object: 'list';
  data: T[];
}
