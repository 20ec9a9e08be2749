/**
 * Automatic promotion and rollback of routes, from what the router observed online since the route last
 * changed:
 * - shadow → canary: over the last `promotion.window` shadow runs (at least `minCalls`), the answers the
 *   specialist would have delivered agree with the LLM at `minAgreement` or better, and it would have handed back
 *   (invalid, unconfident, failed) at most `maxEscalationRate` of them;
 * - canary → live: the same gates on audited canary answers and on the canary's real escalations;
 * - canary/live → shadow (rollback): quality escalations or audited disagreement over their thresholds.
 * Routes an operator pinned (`automatic: false`) are never touched. Every change is a route event with the
 * figures that justified it.
 */
import type { RoutingConfig } from '../contracts/config.ts';
import type { EscalationReason, RouteMode, RouteObservation, RoutePolicy } from '../contracts/route-policy.ts';
import type { Store } from '../store/store.ts';

export interface GovernorVerdict {
  task: string;
  from: RouteMode;
  to: RouteMode | null;
  actor: 'promotion' | 'rollback' | null;
  reason: string;
  figures: Record<string, number>;
}

export interface RouteGovernor {
  /** Re-examines one task's route after a new observation; changes it when a gate is crossed. Serialised per task. */
  consider(task: string): Promise<void>;
  /** What the governor would do now, without doing it. */
  evaluate(task: string): Promise<GovernorVerdict | null>;
}

export interface RouteGovernorOptions {
  store: Pick<Store, 'routes' | 'observations'>;
  config: RoutingConfig;
  now?: () => number;
  onChange?: (policy: RoutePolicy) => void;
}

/**
 * Escalations that say something about the specialist's fitness (a loading model or an odd request does not). A
 * changed prompt counts: the specialist no longer fits the task as it is called now.
 */
const qualityReasons: ReadonlySet<EscalationReason> = new Set(['invalid_output', 'low_confidence', 'timeout', 'specialist_error', 'prompt_changed']);

export function createRouteGovernor(options: RouteGovernorOptions): RouteGovernor {
  const { store, config } = options;
  const now = options.now ?? Date.now;
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();

  async function evaluate(task: string): Promise<GovernorVerdict | null> {
    const policy = await store.routes.get(task);
    if (policy === undefined || !policy.automatic || policy.specialistId === null || policy.mode === 'off') return null;
    const since = policy.updatedAt;
    const recent = async (kinds: RouteObservation['kind'][], limit: number) =>
      (await store.observations.recent({ task, specialistId: policy.specialistId!, kinds, limit })).filter((observation) => observation.at >= since);
    const verdict = (to: RouteMode | null, actor: GovernorVerdict['actor'], reason: string, figures: Record<string, number>): GovernorVerdict => ({ task, from: policy.mode, to, actor, reason, figures });

    if (policy.mode === 'shadow') {
      const runs = await recent(['shadow'], config.promotion.window);
      const figures = promotionFigures(runs);
      if (runs.length < config.promotion.minCalls) return verdict(null, null, `${runs.length}/${config.promotion.minCalls} shadow runs so far`, figures);
      const failing = promotionShortfall(figures, config);
      if (failing !== null) return verdict(null, null, `stays in shadow: ${failing}`, figures);
      return verdict('canary', 'promotion', `shadow agreement ${percent(figures.agreement!)} over ${runs.length} runs, would-escalate ${percent(figures.escalationRate!)}`, figures);
    }

    const routed = await recent(['served', 'escalated'], Math.max(config.rollback.window, config.promotion.window));
    const audits = await recent(['audit'], Math.max(config.rollback.window, config.promotion.window));
    const rollbackRouted = routed.slice(0, config.rollback.window);
    const quality = rollbackRouted.filter((observation) => observation.kind === 'escalated' && observation.escalationReason !== null && qualityReasons.has(observation.escalationReason)).length;
    const rollbackAudits = audits.slice(0, config.rollback.window);
    const disagreements = rollbackAudits.filter((observation) => observation.agreed === false).length;
    const figures: Record<string, number> = {
      routed: rollbackRouted.length,
      qualityEscalations: quality,
      escalationRate: rollbackRouted.length === 0 ? 0 : quality / rollbackRouted.length,
      audits: rollbackAudits.length,
      auditDisagreements: disagreements,
      auditDisagreement: rollbackAudits.length === 0 ? 0 : disagreements / rollbackAudits.length,
    };
    if (rollbackRouted.length >= config.rollback.minCalls && figures.escalationRate! > config.rollback.maxEscalationRate) {
      return verdict('shadow', 'rollback', `escalation rate ${percent(figures.escalationRate!)} over the last ${rollbackRouted.length} routed calls exceeds ${percent(config.rollback.maxEscalationRate)}`, figures);
    }
    if (rollbackAudits.length >= config.rollback.minAudits && figures.auditDisagreement! > config.rollback.maxAuditDisagreement) {
      return verdict('shadow', 'rollback', `audited disagreement ${percent(figures.auditDisagreement!)} over the last ${rollbackAudits.length} audits exceeds ${percent(config.rollback.maxAuditDisagreement)}`, figures);
    }
    if (policy.mode === 'live') return verdict(null, null, 'live and within its thresholds', figures);

    // Canary → live: audited agreement and the canary's real escalation rate.
    const promotionRouted = routed.slice(0, config.promotion.window);
    const promotionAudits = audits.slice(0, config.promotion.window);
    const agreed = promotionAudits.filter((observation) => observation.agreed === true).length;
    const escalated = promotionRouted.filter((observation) => observation.kind === 'escalated').length;
    const canaryFigures: Record<string, number> = {
      routed: promotionRouted.length,
      audits: promotionAudits.length,
      agreement: promotionAudits.length === 0 ? 0 : agreed / promotionAudits.length,
      escalationRate: promotionRouted.length === 0 ? 0 : escalated / promotionRouted.length,
    };
    if (promotionAudits.length < config.promotion.minCalls) return verdict(null, null, `${promotionAudits.length}/${config.promotion.minCalls} audited canary answers so far`, canaryFigures);
    const failing = promotionShortfall(canaryFigures, config);
    if (failing !== null) return verdict(null, null, `stays in canary: ${failing}`, canaryFigures);
    return verdict('live', 'promotion', `canary audited agreement ${percent(canaryFigures.agreement!)} over ${promotionAudits.length} audits, escalation rate ${percent(canaryFigures.escalationRate!)}`, canaryFigures);
  }

  async function apply(task: string): Promise<void> {
    const result = await evaluate(task);
    if (result === null || result.to === null || result.actor === null) return;
    const current = await store.routes.get(task);
    if (current === undefined || current.mode !== result.from) return;
    const next: RoutePolicy = { ...current, mode: result.to, updatedAt: Math.max(now(), current.updatedAt + 1), reason: result.reason };
    await store.routes.put(next, { actor: result.actor, reason: result.reason, figures: result.figures });
    options.onChange?.(next);
  }

  return {
    evaluate,
    consider(task) {
      const inFlight = running.get(task);
      if (inFlight !== undefined) {
        again.add(task);
        return inFlight;
      }
      const run = (async () => {
        try {
          do {
            again.delete(task);
            await apply(task);
          } while (again.has(task));
        } finally {
          running.delete(task);
        }
      })();
      running.set(task, run);
      return run;
    },
  };
}

/** Shadow runs → agreement among would-be-delivered answers and the would-escalate rate. */
function promotionFigures(runs: readonly RouteObservation[]): Record<string, number> {
  const delivered = runs.filter((run) => run.escalationReason === null && run.valid === true);
  const agreed = delivered.filter((run) => run.agreed === true).length;
  return {
    runs: runs.length,
    delivered: delivered.length,
    agreement: delivered.length === 0 ? 0 : agreed / delivered.length,
    escalationRate: runs.length === 0 ? 0 : (runs.length - delivered.length) / runs.length,
  };
}

function promotionShortfall(figures: Record<string, number>, config: RoutingConfig): string | null {
  if (figures.agreement! < config.promotion.minAgreement) return `agreement ${percent(figures.agreement!)} < ${percent(config.promotion.minAgreement)}`;
  if (figures.escalationRate! > config.promotion.maxEscalationRate) return `escalation rate ${percent(figures.escalationRate!)} > ${percent(config.promotion.maxEscalationRate)}`;
  return null;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
