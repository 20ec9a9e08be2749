/**
 * The routing contract: how one task's calls are served (its route), why a call went where it went (the
 * explanation every response and every logged call carries), and what the router learned from it (an
 * observation). Shared by the router, the store, the gateway, the loop and the dashboard.
 */
import { z } from 'zod';

/**
 * `off`: the LLM answers, nothing else runs. `shadow`: the LLM answers; the specialist answers the same call
 * off the critical path and its agreement is scored. `canary`: a share of calls goes to the specialist (the rest
 * stay on the LLM). `live`: every call goes to the specialist. Specialist answers that fail validation or
 * confidence escalate to the LLM in canary and live alike.
 */
export const routeModeSchema = z.enum(['off', 'shadow', 'canary', 'live']);
export type RouteMode = z.infer<typeof routeModeSchema>;

/** Why the LLM answered a call the specialist was meant to answer. */
export const escalationReasonSchema = z.enum([
  /** The answer failed validation: not JSON, wrong schema, a tool that was not offered, bad arguments, empty. */
  'invalid_output',
  /** Valid, but the specialist's confidence was under the route's calibrated threshold. */
  'low_confidence',
  /** The specialist did not answer within the route's timeout. */
  'timeout',
  /** The circuit breaker is open (recent consecutive failures) or the specialist is still loading. */
  'specialist_down',
  /** The engine threw (model file missing, adapter rejected, server error). */
  'specialist_error',
  /** The request asks for something the specialist does not do (n > 1, audio, logprobs, …). */
  'unsupported_request',
  /**
   * The call's system prompt or tools differ from those the specialist was trained without (an edited prompt, a
   * new tool argument): it never learned this prompt. A spike of these means the task changed and needs retraining.
   */
  'prompt_changed',
]);
export type EscalationReason = z.infer<typeof escalationReasonSchema>;

/** How the router recognised the task. */
export const classificationMethodSchema = z.enum(['declared', 'template', 'nearest', 'unknown']);
export type ClassificationMethod = z.infer<typeof classificationMethodSchema>;

/**
 * The explanation of one call's route: sent as `x-understudy-*` response headers and kept in the call log.
 * `route` on the call record says who answered; this says why.
 */
export const routingExplanationSchema = z.object({
  /** The task id the call was classified to; null when unknown. */
  task: z.string().nullable(),
  classifiedBy: classificationMethodSchema,
  /** The task's route mode when the call arrived (`off` for unknown tasks). */
  mode: routeModeSchema,
  specialistId: z.string().nullable(),
  /** Set when the specialist was tried (or skipped) and the LLM answered instead. */
  escalationReason: escalationReasonSchema.nullable(),
  /** One line: what failed validation, the confidence against its threshold, the timeout, … */
  escalationDetail: z.string().nullable(),
  /** The specialist's answer confidence in [0, 1] (see src/evaluate/answer-confidence.ts), when it answered. */
  confidence: z.number().min(0).max(1).nullable(),
  /** Time the specialist took on this call (also on escalations, where it is part of the cost). */
  specialistLatencyMs: z.number().nonnegative().nullable(),
  /** The call was (or will be) also sent to the other side off the critical path: shadow or audit. */
  comparison: z.enum(['shadow', 'audit']).nullable(),
});
export type RoutingExplanation = z.infer<typeof routingExplanationSchema>;

/** The route of one task. One row per task; every change is also written as a `RouteEvent`. */
export const routePolicySchema = z.object({
  task: z.string().min(1),
  mode: routeModeSchema,
  /** Share of calls served by the specialist in `canary`. */
  canaryShare: z.number().min(0).max(1),
  /** Null only with mode `off`. */
  specialistId: z.string().nullable(),
  /**
   * Smallest accepted answer confidence; null accepts every valid answer. Calibrated on the validation split
   * for a target precision (src/evaluate/calibrate-confidence.ts).
   */
  confidenceThreshold: z.number().min(0).max(1).nullable(),
  /** The specialist's time limit per call; past it the LLM answers (`timeout`). */
  timeoutMs: z.number().int().positive(),
  /** Share of specialist-served calls also sent to the LLM off the critical path and compared. */
  auditShare: z.number().min(0).max(1),
  /** False pins the mode: the governor neither promotes nor rolls back (an operator's decision). */
  automatic: z.boolean(),
  updatedAt: z.number(),
  /** Why the route is what it is: the last change's reason. */
  reason: z.string(),
});
export type RoutePolicy = z.infer<typeof routePolicySchema>;

/** A route change: promotion, rollback, or an operator's edit, with the figures that justified it. */
export interface RouteEvent {
  id: string;
  task: string;
  fromMode: RouteMode | null;
  toMode: RouteMode;
  specialistId: string | null;
  /** `promotion`, `rollback`, `operator`, `loop`, or `deletion` (its specialist was trained on deleted data). */
  actor: 'promotion' | 'rollback' | 'operator' | 'loop' | 'deletion';
  reason: string;
  figures: Record<string, number>;
  at: number;
}

/**
 * What the router learned from one routed call. `served`: the specialist's answer reached the client.
 * `escalated`: the specialist was meant to answer and the LLM did. `shadow`: the specialist answered off the
 * critical path and was compared with the LLM's answer. `audit`: a served answer was compared with the LLM's.
 */
export const observationKindSchema = z.enum(['served', 'escalated', 'shadow', 'audit']);
export type ObservationKind = z.infer<typeof observationKindSchema>;

export interface RouteObservation {
  id: string;
  callId: string;
  task: string;
  specialistId: string;
  kind: ObservationKind;
  /** The route mode the call was served under. */
  mode: RouteMode;
  /** The specialist's answer passed validation (null when it never answered: timeout, down, error). */
  valid: boolean | null;
  /** Shadow and audit: the task's metric says the specialist agrees with the LLM. Null otherwise. */
  agreed: boolean | null;
  /** Shadow and audit: the metric's partial credit in [0, 1]. */
  score: number | null;
  confidence: number | null;
  /** Time the specialist took (null when it was not run). */
  specialistLatencyMs: number | null;
  /** Audit/shadow/escalation: the LLM's cost for this call in USD (null when unknown or not called). */
  llmCostUsd: number | null;
  escalationReason: EscalationReason | null;
  at: number;
}

/** The response headers that explain a route. Lower-case, as Node delivers them. */
export const routingHeaderNames = {
  route: 'x-understudy-route',
  task: 'x-understudy-task',
  mode: 'x-understudy-route-mode',
  specialist: 'x-understudy-specialist',
  escalation: 'x-understudy-escalation',
  confidence: 'x-understudy-confidence',
} as const;
