/**
 * The gateway's side of routing: ask the router for a decision, serve a specialist's validated answer (as
 * JSON, or replayed as SSE to a streaming client — its first token then arrives when the whole answer is ready,
 * so time to first token equals the specialist's latency), fall through to the LLM on escalation, and explain
 * every route in `x-understudy-*` response headers. The audit's second opinion is the same request sent to the
 * same provider, non-streaming, after the client has its answer.
 */
import { type ChatCompletion } from '../contracts/chat-completion.ts';
import { routingHeaderNames } from '../contracts/route-policy.ts';
import type { LlmAnswer, Router } from '../route/router.ts';
import { replayAsSseResponseBody } from '../route/replay-as-sse.ts';
import { logCall, stripUnderstudyMetadata, type CallRouting, type PendingCall } from './chat-completions-handler.ts';
import type { GatewayContext } from './gateway-context.ts';
import { buildUpstreamHeaders } from './upstream-headers.ts';

/** The router's decision for a call, with the route it implies before anything has run. */
export function startRouting(router: Router, call: PendingCall, incomingHeaders: Headers): CallRouting {
  const decision = router.decide(call.request, call.tags.task);
  const { explanation } = decision;
  const routing: CallRouting = {
    decision,
    explanation,
    incomingHeaders,
    route: decision.target === 'specialist' ? 'specialist' : explanation.escalationReason !== null ? 'escalated' : explanation.comparison === 'shadow' ? 'shadow' : 'llm',
  };
  if (explanation.escalationReason !== null) {
    routing.escalation = { ok: false, reason: explanation.escalationReason, detail: explanation.escalationDetail ?? '', latencyMs: null, confidence: null, valid: null };
  }
  return routing;
}

/**
 * Tries the specialist. Returns the response when its answer is served; null when the call escalates (the
 * routing state then says why, and the caller forwards the call to the LLM).
 */
export async function routeSpecialistCall(context: GatewayContext, router: Router, call: PendingCall, routing: CallRouting): Promise<Response | null> {
  const attempt = await router.attempt(routing.decision, call.request);
  routing.explanation = {
    ...routing.explanation,
    confidence: attempt.confidence,
    specialistLatencyMs: attempt.latencyMs,
    ...(attempt.ok ? {} : { escalationReason: attempt.reason, escalationDetail: attempt.detail, comparison: null }),
  };
  if (!attempt.ok) {
    routing.route = 'escalated';
    routing.escalation = attempt;
    return null;
  }
  routing.route = 'specialist';
  routing.specialistCostUsd = (context.config.routing.usdPerHour * attempt.latencyMs) / 3_600_000;
  router.settle(routing.decision, call.id, attempt, () => askLlm(context, call, routing));
  logCall(context, call, { status: 'ok', errorClass: null, errorMessage: null, httpStatus: 200, response: attempt.completion, ttftMs: null });
  const headers: Record<string, string> = { 'x-understudy-call-id': call.id, ...routingHeaders(routing) };
  if (call.stream) {
    const includeUsage = call.request.stream_options?.include_usage === true;
    return new Response(replayAsSseResponseBody(attempt.completion, { includeUsage }), {
      status: 200,
      headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    });
  }
  return Response.json(attempt.completion, { status: 200, headers });
}

/** `x-understudy-*` headers naming the route taken, the task, its mode, the specialist and any escalation reason. */
export function routingHeaders(routing: CallRouting): Record<string, string> {
  const { explanation } = routing;
  const headers: Record<string, string> = {
    [routingHeaderNames.route]: routing.route,
    [routingHeaderNames.task]: explanation.task ?? 'unknown',
    [routingHeaderNames.mode]: explanation.mode,
  };
  if (explanation.specialistId !== null) headers[routingHeaderNames.specialist] = explanation.specialistId;
  if (explanation.escalationReason !== null) headers[routingHeaderNames.escalation] = explanation.escalationReason;
  if (explanation.confidence !== null) headers[routingHeaderNames.confidence] = explanation.confidence.toFixed(3);
  return headers;
}

/** The audit's LLM call: the client's request, not streamed, to the provider the call named. */
async function askLlm(context: GatewayContext, call: PendingCall, routing: CallRouting): Promise<LlmAnswer> {
  const stripped = stripUnderstudyMetadata(call.request);
  const request = stripped === undefined ? { ...call.request } : (JSON.parse(stripped) as Record<string, unknown>);
  delete request['stream'];
  delete request['stream_options'];
  const response = await context.upstream.send(call.provider, {
    method: 'POST',
    path: '/chat/completions',
    headers: buildUpstreamHeaders(routing.incomingHeaders, call.provider, context.authenticator === null),
    body: JSON.stringify(request),
  });
  const text = await response.body.text();
  if (response.status >= 400) throw new Error(`audit call answered HTTP ${response.status}`);
  const completion = JSON.parse(text) as ChatCompletion;
  const usage = completion.usage;
  const costUsd = usage === undefined || usage === null ? null : context.pricing.costOf(call.request.model, usage.prompt_tokens, usage.completion_tokens);
  return { completion, costUsd };
}
