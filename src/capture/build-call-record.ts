/**
 * Turns one finished exchange (request, response or error, timings, tags) into the stored `CallRecord`.
 * The gateway, the SDK listeners and the importer all build records here, so tokens, cost and finish
 * reason are derived the same way whatever captured the call.
 */
import { randomUUID } from 'node:crypto';
import type { CallRecord, CallSource, CallStatus, ErrorClass, RouteTaken } from '../contracts/call-record.ts';
import type { RoutingExplanation } from '../contracts/route-policy.ts';
import { z } from 'zod';
import { chatCompletionRequestSchema, type ChatCompletion, type ChatCompletionRequest } from '../contracts/chat-completion.ts';
import type { PricingTable } from '../providers/pricing-table.ts';
import { countCompletionTokens, countPromptTokens, type CountableCompletion } from '../providers/token-counter.ts';
import type { CallTags } from './resolve-call-tags.ts';

export interface CallExchange {
  /** Defaults to a random UUID; the importer passes a content hash so re-imports are idempotent. */
  id?: string;
  source: CallSource;
  projectId: string;
  /** The parsed request as the client sent it. */
  request: ChatCompletionRequest;
  /** The completion (streams already reassembled); null when the upstream answered with an error or nothing. */
  response: ChatCompletion | null;
  /** Already resolved (see `resolveCallTags`). */
  tags: CallTags;
  provider: string | null;
  status: CallStatus;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  httpStatus: number | null;
  /** Epoch milliseconds when the request arrived. */
  startedAt: number;
  latencyMs: number;
  /** Null for streams that never produced a token; non-streaming calls pass their latency. */
  ttftMs: number | null;
  stream: boolean;
  /** Who answered; defaults to `llm`. */
  route?: RouteTaken;
  /** Why (the router's explanation); absent for calls that never met the router (SDK capture, imports). */
  routing?: RoutingExplanation | null;
  /**
   * For calls a specialist served: its serving cost (stated $/hour × the time it took), which replaces the
   * pricing table's LLM price for the record's `costUsd`.
   */
  specialistCostUsd?: number;
}

export interface BuildCallRecordOptions {
  /**
   * Leave tokens the upstream did not report as null, for `completeCallRecord` to count later off the
   * request path (the gateway's log writer does this in its `prepare` step). Reported usage and cost are
   * still filled in at once: they cost nothing to read.
   */
  deferTokenCounting?: boolean;
}

/**
 * Builds the record. Tokens come from `response.usage`; where the upstream left it out they are counted
 * with the model's tokenizer and `tokensEstimated` is set. A call with no response (an upstream error)
 * gets only its input counted, and — since providers do not bill failed requests — a cost of 0 when the
 * model's price is known. Cost is null whenever the price is unknown.
 *
 * @example
 * const record = buildCallRecord({ source: 'gateway', projectId, request, response, tags, … }, pricing);
 * sink.append(record);
 */
export function buildCallRecord(exchange: CallExchange, pricing: PricingTable, options: BuildCallRecordOptions = {}): CallRecord {
  const { request, response } = exchange;
  const usage = response?.usage ?? undefined;
  const record: CallRecord = {
    version: 1,
    id: exchange.id ?? randomUUID(),
    source: exchange.source,
    projectId: exchange.projectId,
    endUserId: exchange.tags.endUserId,
    episodeId: exchange.tags.episodeId,
    task: exchange.tags.task,
    route: exchange.route ?? 'llm',
    status: exchange.status,
    errorClass: exchange.errorClass,
    errorMessage: exchange.errorMessage,
    httpStatus: exchange.httpStatus,
    model: request.model,
    responseModel: response?.model || null,
    provider: exchange.provider,
    stream: exchange.stream,
    startedAt: exchange.startedAt,
    latencyMs: Math.max(0, exchange.latencyMs),
    ttftMs: exchange.ttftMs === null ? null : Math.max(0, exchange.ttftMs),
    tokensIn: tokenCount(usage?.prompt_tokens),
    tokensOut: tokenCount(usage?.completion_tokens),
    tokensEstimated: false,
    costUsd: exchange.route === 'specialist' && exchange.specialistCostUsd !== undefined ? exchange.specialistCostUsd : null,
    finishReason: response?.choices?.[0]?.finish_reason ?? null,
    request,
    response,
    ...(exchange.routing === undefined ? {} : { routing: exchange.routing }),
  };
  return options.deferTokenCounting ? withCost(record, pricing) : withCountedTokens(record, request, response, pricing);
}

/**
 * Counts the tokens a record still lacks and prices it: the second half of
 * `buildCallRecord(…, { deferTokenCounting: true })`. Cheap for records that are already complete, so it
 * can run on every stored call (spool replays included). The stored request and response are re-checked
 * with schemas because a spooled record was read back from disk.
 */
export function completeCallRecord(record: CallRecord, pricing: PricingTable): CallRecord {
  const hasResponse = record.response !== null && record.response !== undefined;
  const needsInput = record.tokensIn === null;
  const needsOutput = record.tokensOut === null && hasResponse;
  if (!needsInput && !needsOutput) return withCost(record, pricing);
  const request = needsInput ? chatCompletionRequestSchema.safeParse(record.request) : undefined;
  const response = needsOutput ? countableCompletionSchema.safeParse(record.response) : undefined;
  return withCountedTokens(record, request?.success ? request.data : null, response?.success ? response.data : null, pricing);
}

/** Just enough of a response to count its tokens; anything else in it is left alone. */
const countableCompletionSchema = z.looseObject({
  model: z.string().optional(),
  choices: z
    .array(
      z.looseObject({
        message: z
          .looseObject({
            tool_calls: z
              .array(z.looseObject({ function: z.looseObject({ name: z.string().optional(), arguments: z.string().optional() }).optional() }))
              .optional(),
          })
          .optional(),
      }),
    )
    .optional(),
});

function withCountedTokens(
  record: CallRecord,
  request: ChatCompletionRequest | null,
  response: CountableCompletion | null,
  pricing: PricingTable,
): CallRecord {
  let { tokensIn, tokensOut, tokensEstimated } = record;
  if (tokensIn === null && request !== null) {
    tokensIn = safeCount(() => countPromptTokens(request));
    tokensEstimated ||= tokensIn !== null;
  }
  if (tokensOut === null && response !== null) {
    tokensOut = safeCount(() => countCompletionTokens(response, record.model));
    tokensEstimated ||= tokensOut !== null;
  }
  return withCost({ ...record, tokensIn, tokensOut, tokensEstimated }, pricing);
}

function withCost(record: CallRecord, pricing: PricingTable): CallRecord {
  if (record.costUsd !== null) return record;
  // Price by the requested name first (what the user configured), then by the snapshot that answered.
  const model = pricing.priceFor(record.model) ? record.model : record.responseModel;
  if (model === null || !pricing.priceFor(model)) return record;
  if (record.response === null || record.response === undefined) return { ...record, costUsd: 0 };
  if (record.tokensIn === null || record.tokensOut === null) return record;
  return { ...record, costUsd: pricing.costOf(model, record.tokensIn, record.tokensOut, cachedPromptTokens(record.response)) };
}

/** Usage numbers from providers are trusted only when they are sane non-negative numbers. */
function tokenCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
}

/** `usage.prompt_tokens_details.cached_tokens`, read defensively from a stored response. */
function cachedPromptTokens(response: unknown): number {
  const usage = readObject(response, 'usage');
  return tokenCount(readObject(usage, 'prompt_tokens_details')?.['cached_tokens']) ?? 0;
}

function readObject(value: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'object' && field !== null ? (field as Record<string, unknown>) : undefined;
}

/** A tokenizer failure must never lose the call; the record then says "unknown" (null). */
function safeCount(count: () => number): number | null {
  try {
    return count();
  } catch {
    return null;
  }
}
