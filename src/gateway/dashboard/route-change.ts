/**
 * `PUT /admin/routes/:task`: an operator sets a task's route from the dashboard. The body is checked at the edge
 * (`routeChangeRequestSchema`), then against the store: the task must be known, and a specialist must be ready
 * and trained for this task before any traffic can go to it. The route is pinned (`automatic: false`, so the
 * governor leaves it alone), written with its change event in one transaction, and the running router rereads
 * its routes at once rather than at its next refresh.
 *
 * Audit shares follow the governor's rule: a route's stored `auditShare` is its steady (live) share and no mode
 * change rewrites it; the router raises it to `routing.canaryAuditShare` while the route is a canary. So canary
 * audits at the canary share, and going live or back to shadow audits at the route's own share again.
 */
import { z } from 'zod';
import type { DashboardRoute } from '../../contracts/dashboard-api.ts';
import type { RoutingConfig } from '../../contracts/config.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import { routeModeSchema, type RoutePolicy } from '../../contracts/route-policy.ts';
import type { GatewayContext } from '../gateway-context.ts';

export const routeChangeRequestSchema = z.strictObject({
  mode: routeModeSchema,
  canaryShare: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').optional(),
  specialistId: z.string().min(1).optional(),
  confirm: z.literal(true, 'must be true: confirm the change'),
  reason: z.string().trim().min(1).max(500).optional(),
});
export type ParsedRouteChange = z.infer<typeof routeChangeRequestSchema>;

export async function changeRoute(context: Pick<GatewayContext, 'store' | 'config' | 'router'>, taskId: string, change: ParsedRouteChange, now = Date.now()): Promise<DashboardRoute> {
  const { store } = context;
  const routing = context.config.routing;
  const [task, current] = await Promise.all([store.tasks.get(taskId), store.routes.get(taskId)]);
  if (task === undefined && current === undefined) throw new UnderstudyError('not_found', `No task '${taskId}'.`);

  const specialistId = change.specialistId ?? current?.specialistId ?? (await store.specialists.list({ task: taskId }))[0]?.id ?? null;
  if (change.mode !== 'off' && specialistId === null) {
    throw new UnderstudyError('invalid_request', `Task '${taskId}' has no ready specialist: train one before routing calls in mode '${change.mode}'.`, { param: 'specialistId' });
  }
  if (specialistId !== null && (change.mode !== 'off' || change.specialistId !== undefined)) {
    const specialist = await store.specialists.get(specialistId);
    if (specialist === undefined) throw new UnderstudyError('invalid_request', `No specialist '${specialistId}'.`, { param: 'specialistId' });
    if (specialist.task !== taskId) throw new UnderstudyError('invalid_request', `Specialist '${specialistId}' was trained for '${specialist.task}', not '${taskId}'.`, { param: 'specialistId' });
    if (specialist.status !== 'ready') throw new UnderstudyError('invalid_request', `Specialist '${specialistId}' is ${specialist.status}, not ready.`, { param: 'specialistId' });
  }

  // A canary needs a share above 0: the request's, else the route's own, else the configured default.
  const canaryShare = change.canaryShare ?? (current !== undefined && current.canaryShare > 0 ? current.canaryShare : routing.canaryShare);
  if (change.mode === 'canary' && !(canaryShare > 0)) {
    throw new UnderstudyError('invalid_request', 'A canary route needs canaryShare in (0, 1].', { param: 'canaryShare' });
  }
  // A threshold is calibrated for one specialist: keep the route's for the same one, else take the new one's
  // latest evaluation (null, accepting every valid answer, when it has none).
  const confidenceThreshold =
    current !== undefined && current.specialistId === specialistId
      ? current.confidenceThreshold
      : specialistId === null
        ? null
        : ((await store.evaluations.latest(specialistId))?.threshold ?? null);
  const reason = change.reason ?? `set to ${change.mode}${change.mode === 'canary' ? ` (${formatShare(canaryShare)})` : ''} from the dashboard`;
  const policy: RoutePolicy = {
    task: taskId,
    mode: change.mode,
    canaryShare,
    specialistId,
    confidenceThreshold,
    timeoutMs: current?.timeoutMs ?? routing.timeoutMs,
    auditShare: steadyAuditShare(current, routing),
    automatic: false,
    updatedAt: now,
    reason,
  };
  await store.routes.put(policy, { actor: 'operator', reason, figures: change.mode === 'canary' ? { canaryShare } : {} });
  await context.router?.refresh();
  return (await store.routes.get(taskId)) ?? policy;
}

/**
 * The route's own audit share, kept across mode changes as the governor keeps it. Until this fix the dashboard
 * wrote `canaryAuditShare` into canary routes; such a canary's stored share is read as the configured
 * `auditShare`, so leaving canary no longer keeps auditing at the canary share.
 */
function steadyAuditShare(current: RoutePolicy | undefined, routing: RoutingConfig): number {
  if (current === undefined) return routing.auditShare;
  if (current.mode === 'canary' && current.auditShare === routing.canaryAuditShare) return routing.auditShare;
  return current.auditShare;
}

function formatShare(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}
