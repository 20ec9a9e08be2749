/**
 * A logged LLM call: the stored contract shared by the gateway, the SDK listeners, the importer, the spool
 * and the store. Spool lines and ingest bodies are this shape as JSON, so it is parsed with the schema at
 * every boundary where it arrives as text. `version` lets old rows and spool files stay readable.
 */
import { z } from 'zod';
import { routingExplanationSchema } from './route-policy.ts';

/** Where the call was captured. */
export const callSourceSchema = z.enum(['gateway', 'sdk', 'import']);
export type CallSource = z.infer<typeof callSourceSchema>;

/**
 * `ok`: the client got a successful completion. `error`: the upstream (or the gateway on its behalf)
 * answered with an error. `cancelled`: the client went away before the answer was complete.
 */
export const callStatusSchema = z.enum(['ok', 'error', 'cancelled']);
export type CallStatus = z.infer<typeof callStatusSchema>;

/** Why a call failed, coarse enough to aggregate on dashboards. */
export const errorClassSchema = z.enum([
  'upstream_4xx',
  'upstream_429',
  'upstream_5xx',
  'upstream_timeout',
  'upstream_unreachable',
  'upstream_invalid_response',
  'stream_interrupted',
  'client_cancelled',
]);
export type ErrorClass = z.infer<typeof errorClassSchema>;

/** The error class of a provider's HTTP error status, the same for every capture path. */
export function errorClassForStatus(status: number): ErrorClass {
  if (status === 429) return 'upstream_429';
  if (status === 408) return 'upstream_timeout';
  return status >= 500 ? 'upstream_5xx' : 'upstream_4xx';
}

/**
 * Who answered: `llm` (no route, route off, or the canary's coin sent it to the LLM), `specialist` (its validated
 * answer reached the client), `shadow` (the LLM answered; the specialist ran off the critical path), `escalated`
 * (the specialist was meant to answer and the LLM did; `routing.escalationReason` says why).
 */
export const routeTakenSchema = z.enum(['llm', 'specialist', 'shadow', 'escalated']);
export type RouteTaken = z.infer<typeof routeTakenSchema>;

export const callRecordSchema = z.object({
  version: z.literal(1),
  id: z.string().min(1),
  source: callSourceSchema,
  projectId: z.string().min(1),
  /** OpenAI `user` / `safety_identifier`, or the SDK option: only when the client sends one. */
  endUserId: z.string().nullable(),
  /** Episode (trace) id: `x-understudy-episode` header, `metadata.understudy_episode`, or SDK option. */
  episodeId: z.string().nullable(),
  /** Declared task: `x-understudy-task` header, `metadata.understudy_task`, or SDK option. Discovery's placement is `discoveredTask`. */
  task: z.string().nullable(),
  route: routeTakenSchema,
  status: callStatusSchema,
  errorClass: errorClassSchema.nullable(),
  errorMessage: z.string().nullable(),
  /** HTTP status the client saw; null where there was no HTTP exchange (SDK errors thrown before a response). */
  httpStatus: z.number().int().nullable(),
  /** Model the client asked for. */
  model: z.string(),
  /** Model the upstream says answered (may differ from the requested alias). */
  responseModel: z.string().nullable(),
  provider: z.string().nullable(),
  stream: z.boolean(),
  /** Epoch milliseconds when the request arrived. */
  startedAt: z.number(),
  latencyMs: z.number().nonnegative(),
  /** Time to first token for streams (first content/tool delta); equals latency for non-streaming calls. */
  ttftMs: z.number().nonnegative().nullable(),
  tokensIn: z.number().int().nonnegative().nullable(),
  tokensOut: z.number().int().nonnegative().nullable(),
  /** True when the upstream omitted usage and we counted tokens ourselves. */
  tokensEstimated: z.boolean(),
  /** US dollars, from the pricing table; null when the model has no known price. */
  costUsd: z.number().nonnegative().nullable(),
  finishReason: z.string().nullable(),
  /** The chat request as the client sent it (never headers: no Authorization, no keys). */
  request: z.record(z.string(), z.unknown()),
  /** The response as the client received it; streams are reassembled into one `chat.completion`. */
  response: z.unknown().nullable(),
  /** Why the call took its route (the `x-understudy-*` response headers). Absent on calls logged before routing. */
  routing: routingExplanationSchema.nullable().optional(),
  /**
   * The task discovery last placed the call in, by its stored id (the id routes and the dashboard use). Set when a
   * discovery's tasks are saved (the loop round, `understudy report`: `CallRepository.assignDiscoveredTasks`);
   * capture never sets it. Absent until then and for calls that fit no task, so spool lines, ingest bodies and
   * records read back before any discovery look as they always did.
   */
  discoveredTask: z.string().min(1).nullable().optional(),
});

export type CallRecord = z.infer<typeof callRecordSchema>;

/**
 * The task a call counts under wherever calls are counted per task (the dashboard, the economics): the router's
 * classification where it ran, else the task the agent declared, else the one discovery placed it in; null for none.
 * The router and the agent win because they spoke at the time of the call; discovery only saw it afterwards.
 */
export function taskOfCall(call: Pick<CallRecord, 'task' | 'routing' | 'discoveredTask'>): string | null {
  return call.routing?.task ?? call.task ?? call.discoveredTask ?? null;
}
