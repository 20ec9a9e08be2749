/**
 * `POST /v1/chat/completions`: validate, forward the client's bytes to the provider, pass the answer
 * back, and log the call. The per-request work is deliberately small — one JSON parse and schema check,
 * an in-memory key lookup, one upstream request on a keep-alive pool, and one synchronous spool append
 * before the response's last byte. Everything slow (token counting, pricing of estimates, the database)
 * happens later in the log writer.
 */
import type { Context } from 'hono';
import { randomUUID } from 'node:crypto';
import { chatCompletionRequestSchema, type ChatCompletion, type ChatCompletionRequest } from '../contracts/chat-completion.ts';
import { errorClassForStatus, type CallStatus, type ErrorClass } from '../contracts/call-record.ts';
import { UnderstudyError, toOpenAIErrorBody } from '../contracts/errors.ts';
import { buildCallRecord } from '../capture/build-call-record.ts';
import { resolveCallTags } from '../capture/resolve-call-tags.ts';
import type { ResolvedProvider } from '../providers/provider-registry.ts';
import { planUpstreamTargets, sendUpstreamWithRetries, type UpstreamResult } from './send-upstream-with-retries.ts';
import { replaceRequestModel } from './internal/replace-request-model.ts';
import { admitRequest } from './admit-request.ts';
import type { GatewayContext } from './gateway-context.ts';
import { parseJsonBody } from './request-body.ts';
import { buildUpstreamHeaders, pickResponseHeaders } from './upstream-headers.ts';
import { proxyChatStream } from './proxy-chat-stream.ts';
import type { RouteTaken } from '../contracts/call-record.ts';
import type { RoutingExplanation } from '../contracts/route-policy.ts';
import type { RouteDecision, Router, SpecialistAttempt } from '../route/router.ts';
import { routeSpecialistCall, routingHeaders, startRouting } from './route-call.ts';

/** Everything known about one call before the upstream answers; completed into a CallRecord by `logCall`. */
export interface PendingCall {
  id: string;
  projectId: string;
  request: ChatCompletionRequest;
  tags: ReturnType<typeof resolveCallTags>;
  provider: ResolvedProvider;
  startedAt: number;
  startedAtMonotonic: number;
  stream: boolean;
  /** The router's decision, when a router is present; completed with what happened as the call goes. */
  routing?: CallRouting;
}

/** A routed call's state: the decision, who answered, and why. */
export interface CallRouting {
  decision: RouteDecision;
  route: RouteTaken;
  explanation: RoutingExplanation;
  /** Set when the specialist answered (its serving cost replaces the LLM price). */
  specialistCostUsd?: number;
  /** The failed specialist attempt behind an escalation, settled once the LLM has answered. */
  escalation?: SpecialistAttempt;
  /** The client's headers, for the audit's LLM call. */
  incomingHeaders: Headers;
}

export interface CallOutcome {
  status: CallStatus;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  httpStatus: number | null;
  response: ChatCompletion | null;
  ttftMs: number | null;
}

export function logCall(context: GatewayContext, call: PendingCall, outcome: CallOutcome): void {
  const latencyMs = performance.now() - call.startedAtMonotonic;
  const routing = call.routing;
  const record = buildCallRecord(
    {
      id: call.id,
      source: 'gateway',
      projectId: call.projectId,
      request: call.request,
      response: outcome.response,
      tags: call.tags,
      provider: call.provider.name,
      status: outcome.status,
      errorClass: outcome.errorClass,
      errorMessage: outcome.errorMessage,
      httpStatus: outcome.httpStatus,
      startedAt: call.startedAt,
      latencyMs,
      ttftMs: outcome.ttftMs ?? (call.stream ? null : latencyMs),
      stream: call.stream,
      ...(routing === undefined
        ? {}
        : { route: routing.route, routing: routing.explanation, ...(routing.specialistCostUsd === undefined ? {} : { specialistCostUsd: routing.specialistCostUsd }) }),
    },
    context.pricing,
    { deferTokenCounting: true },
  );
  context.sink.append(record);
  if (routing !== undefined && context.router !== undefined) afterRoutedCall(context, context.router, call, routing, outcome);
}

/** Off the critical path: settle an escalation, or start the shadow run on the LLM's answer. */
function afterRoutedCall(context: GatewayContext, router: Router, call: PendingCall, routing: CallRouting, outcome: CallOutcome): void {
  if (routing.escalation !== undefined) {
    router.settle(routing.decision, call.id, routing.escalation);
    return;
  }
  if (routing.route === 'shadow' && outcome.status === 'ok' && outcome.response !== null) {
    router.shadow(routing.decision, call.id, call.request, { completion: outcome.response, costUsd: null });
  }
}

export function createChatCompletionsHandler(context: GatewayContext) {
  const passClientAuthorization = context.authenticator === null;
  return async function handleChatCompletions(c: Context): Promise<Response> {
    const startedAt = Date.now();
    const startedAtMonotonic = performance.now();
    const incoming = c.req.raw;
    const { projectId, bodyText } = await admitRequest(context, c);
    const request = parseJsonBody(bodyText, chatCompletionRequestSchema);
    const provider = context.providers.resolve(request.model);
    if (!provider) {
      throw new UnderstudyError('model_not_found', `The model '${request.model}' is not served by any configured provider.`, { param: 'model' });
    }
    const call: PendingCall = {
      id: randomUUID(),
      projectId,
      request,
      tags: resolveCallTags({ headers: incoming.headers, request }),
      provider,
      startedAt,
      startedAtMonotonic,
      stream: request.stream === true,
    };
    if (context.router !== undefined) {
      const routing = startRouting(context.router, call, incoming.headers);
      call.routing = routing;
      if (routing.decision.target === 'specialist') {
        const served = await routeSpecialistCall(context, context.router, call, routing);
        if (served !== null) return served;
      }
    }
    const upstreamBody = stripUnderstudyMetadata(request) ?? bodyText;
    const result = await sendUpstreamWithRetries({
      upstream: context.upstream,
      retries: context.config.gateway.retries,
      targets: planUpstreamTargets(request.model, provider, context.config.fallbacks, context.providers),
      buildRequest: (target) => ({
        method: 'POST',
        path: '/chat/completions',
        headers: buildUpstreamHeaders(incoming.headers, target.provider, passClientAuthorization),
        body: target.isFallback ? replaceRequestModel(upstreamBody, target.model) : upstreamBody,
      }),
      stream: call.stream,
      clientSignal: () => incoming.signal,
    });
    // The call is logged under the provider that gave the final answer (a fallback's, when one did).
    call.provider = result.target.provider;
    const { answer } = result;
    if (result.clientGone) {
      logCall(context, call, {
        status: 'cancelled',
        errorClass: 'client_cancelled',
        errorMessage: 'The client went away while the gateway waited to retry the provider.',
        httpStatus: null,
        response: null,
        ttftMs: null,
      });
      return new Response(null, { status: 499 });
    }
    if (answer.kind === 'error') return failBeforeResponse(context, call, answer.error, upstreamAttemptHeaders(result));
    const responseHeaders = { ...pickResponseHeaders(answer.kind === 'stream' ? answer.response.headers : answer.headers), ...upstreamAttemptHeaders(result) };
    responseHeaders['x-understudy-call-id'] = call.id;
    if (call.routing !== undefined) Object.assign(responseHeaders, routingHeaders(call.routing));
    if (answer.kind === 'stream') return proxyChatStream(context, call, answer.response, responseHeaders, answer.abort);

    const { status, text } = answer;
    if (status >= 400) {
      logCall(context, call, {
        status: 'error',
        errorClass: errorClassForStatus(status),
        errorMessage: upstreamErrorMessage(text, status),
        httpStatus: status,
        response: null,
        ttftMs: null,
      });
      return new Response(text, { status, headers: responseHeaders });
    }
    const completion = parseCompletion(text);
    logCall(context, call, {
      status: completion ? 'ok' : 'error',
      errorClass: completion ? null : 'upstream_invalid_response',
      errorMessage: completion ? null : 'The provider answered with a body that is not a chat completion.',
      httpStatus: status,
      response: completion,
      ttftMs: null,
    });
    return new Response(text, { status, headers: responseHeaders });
  };
}

/** The provider could not be reached or timed out (on every attempt): log the call with its error class, answer 502/504. */
function failBeforeResponse(context: GatewayContext, call: PendingCall, error: UnderstudyError, attemptHeaders: Record<string, string>): Response {
  logCall(context, call, {
    status: 'error',
    errorClass: error.code === 'upstream_timeout' ? 'upstream_timeout' : 'upstream_unreachable',
    errorMessage: error.message,
    httpStatus: error.statusCode,
    response: null,
    ttftMs: null,
  });
  const headers: Record<string, string> = { ...attemptHeaders, 'x-understudy-call-id': call.id };
  if (call.routing !== undefined) Object.assign(headers, routingHeaders(call.routing));
  return Response.json(toOpenAIErrorBody(error), { status: error.statusCode, headers });
}

/** `x-understudy-attempts` (upstream attempts over all models) and, when a fallback answered, `x-understudy-fallback-model`. */
function upstreamAttemptHeaders(result: UpstreamResult): Record<string, string> {
  const headers: Record<string, string> = { 'x-understudy-attempts': String(result.attempts) };
  if (result.target.isFallback) headers['x-understudy-fallback-model'] = result.target.model;
  return headers;
}

function parseCompletion(text: string): ChatCompletion | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && Array.isArray((value as { choices?: unknown }).choices)) return value as ChatCompletion;
  } catch {
    // fall through: a non-JSON success body is logged as an invalid response.
  }
  return null;
}

function upstreamErrorMessage(text: string, status: number): string {
  try {
    const value = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof value?.error?.message === 'string') return value.error.message.slice(0, 2000);
  } catch {
    // not JSON: keep the raw text below.
  }
  return `HTTP ${status}: ${text.slice(0, 500)}`;
}

/**
 * Our own tags may ride in `metadata` (`understudy_task`, `understudy_episode`, `understudy_user`);
 * providers must not see them. Returns a new body only when there was something to strip, so the common
 * case forwards the client's bytes untouched.
 */
export function stripUnderstudyMetadata(request: ChatCompletionRequest): string | undefined {
  const metadata = request.metadata;
  if (!metadata) return undefined;
  const keys = Object.keys(metadata);
  if (!keys.some((key) => key.startsWith('understudy_'))) return undefined;
  const kept = Object.fromEntries(Object.entries(metadata).filter(([key]) => !key.startsWith('understudy_')));
  const { metadata: _dropped, ...rest } = request;
  return JSON.stringify(Object.keys(kept).length > 0 ? { ...rest, metadata: kept } : rest);
}
