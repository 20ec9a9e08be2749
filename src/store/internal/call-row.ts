/**
 * Conversion between the `CallRecord` contract and its `calls` row. Booleans become 0/1 and the JSON bodies text;
 * everything else maps one to one. Rows written before migration 0004 have no routing explanation and read back
 * with `routing: null`; a row discovery has not placed in a task (migration 0008) reads back without `discoveredTask`.
 */
import type { CallRecord } from '../../contracts/call-record.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import { routingExplanationSchema, type RoutingExplanation } from '../../contracts/route-policy.ts';
import type { CallTable } from '../database.ts';

/**
 * `startedAt` is rounded to whole milliseconds: the column is an integer (int8 in PostgreSQL, which refuses a
 * fraction), and sub-millisecond start times carry no meaning for reports.
 */
export function toCallRow(record: CallRecord, createdAt: number): CallTable {
  return {
    id: record.id,
    version: record.version,
    source: record.source,
    project_id: record.projectId,
    end_user_id: record.endUserId,
    episode_id: record.episodeId,
    task: record.task,
    route: record.route,
    status: record.status,
    error_class: record.errorClass,
    error_message: record.errorMessage,
    http_status: record.httpStatus,
    model: record.model,
    response_model: record.responseModel,
    provider: record.provider,
    stream: record.stream ? 1 : 0,
    started_at: Math.round(record.startedAt),
    latency_ms: record.latencyMs,
    ttft_ms: record.ttftMs,
    tokens_in: record.tokensIn,
    tokens_out: record.tokensOut,
    tokens_estimated: record.tokensEstimated ? 1 : 0,
    cost_usd: record.costUsd,
    finish_reason: record.finishReason,
    request_json: JSON.stringify(record.request),
    // `response` is `unknown`: undefined (nothing received) is stored like null.
    response_json: record.response === null || record.response === undefined ? null : JSON.stringify(record.response),
    created_at: createdAt,
    // Absent (a record from before routing, or one that never met the router) is stored like null.
    routing_json: record.routing === null || record.routing === undefined ? null : JSON.stringify(record.routing),
    discovered_task: record.discoveredTask ?? null,
  };
}

export function fromCallRow(row: CallTable): CallRecord {
  const request = parseStoredJson(row.request_json, row.id, 'request_json');
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new UnderstudyError('internal_error', `Stored call ${row.id} has a request_json that is not a JSON object`);
  }
  return {
    version: 1,
    id: row.id,
    source: row.source,
    projectId: row.project_id,
    endUserId: row.end_user_id,
    episodeId: row.episode_id,
    task: row.task,
    route: row.route,
    status: row.status,
    errorClass: row.error_class,
    errorMessage: row.error_message,
    httpStatus: row.http_status,
    model: row.model,
    responseModel: row.response_model,
    provider: row.provider,
    stream: row.stream === 1,
    startedAt: row.started_at,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    tokensIn: row.tokens_in,
    tokensOut: row.tokens_out,
    tokensEstimated: row.tokens_estimated === 1,
    costUsd: row.cost_usd,
    finishReason: row.finish_reason,
    request: request as Record<string, unknown>,
    response: row.response_json === null ? null : parseStoredJson(row.response_json, row.id, 'response_json'),
    routing: row.routing_json === null ? null : parseStoredRouting(row.routing_json, row.id),
    // Left out while unset, so records read back before any discovery equal the records that were written.
    ...(row.discovered_task === null ? {} : { discoveredTask: row.discovered_task }),
  };
}

/** The explanation is a contract with enums; a row that no longer matches it is damage, not something to guess at. */
function parseStoredRouting(text: string, callId: string): RoutingExplanation {
  const parsed = routingExplanationSchema.safeParse(parseStoredJson(text, callId, 'routing_json'));
  if (!parsed.success) {
    throw new UnderstudyError('internal_error', `Stored call ${callId} has a routing_json that is not a routing explanation`, { cause: parsed.error });
  }
  return parsed.data;
}

/** The columns were written by `toCallRow`, so a parse failure means a damaged database, not bad input. */
function parseStoredJson(text: string, callId: string, column: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UnderstudyError('internal_error', `Stored call ${callId} has unreadable ${column}`, { cause: error });
  }
}
