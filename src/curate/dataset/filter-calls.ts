/**
 * The first step of dataset export: drop the calls a specialist must not learn from — failed or cancelled
 * calls, truncated answers, refusals, answers that break their own `response_format`, and records that are
 * malformed, oversized or full of mis-decoded or binary text. Every dropped call is counted under one
 * reason (the first that applies, in the order of `filterReasons`), so a dataset manifest can say why its
 * row count is what it is. Input is `unknown`: old imports and broken clients must never crash an export.
 */
import { callRecordSchema } from '../../contracts/call-record.ts';
import type { CallRecord } from '../../contracts/call-record.ts';
import { checkJsonSchema } from './internal/check-json-schema.ts';
import { isPlainObject, safeParseJson } from './internal/canonical-json.ts';
import { isRefusalText } from './internal/detect-refusal-text.ts';
import { judgeTextQuality, type TextQualityOptions } from './internal/text-quality.ts';
import { messageTexts, readTrainingExample, type TrainingExample } from './training-example.ts';

/** Why a call was left out, in the order they are tested. */
export const filterReasons = [
  'malformed',
  // A specialist's own answer: training on it would teach the specialist itself, not the teacher.
  'specialist_answer',
  'error',
  'cancelled',
  'truncated',
  'refusal',
  'too_large',
  'non_utf8',
  'binary_junk',
  'invalid_response_format',
  'invalid_tool_arguments',
] as const;
export type FilterReason = (typeof filterReasons)[number];

export interface FilterCallsOptions {
  /** Most characters of text (prompt, completion and tool definitions) one call may have (default 200,000). */
  maxChars?: number;
  textQuality?: TextQualityOptions;
}

export interface FilterCallsResult {
  kept: CallRecord[];
  /** Dropped calls per reason; every reason is present, zero when none. */
  dropped: Record<FilterReason, number>;
  /** Ids of dropped calls per reason (`#<index>` when a record has no usable id). */
  droppedIds: Record<FilterReason, string[]>;
}

export type CallVerdict = { keep: true; example: TrainingExample } | { keep: false; reason: FilterReason; detail: string };

/**
 * Splits calls into kept and dropped.
 * @example
 * const { kept, dropped } = filterCalls(await store.calls.list({ task: 'support/extract-order' }));
 * console.log(dropped.truncated, 'answers were cut off by max_tokens');
 */
export function filterCalls(calls: Iterable<unknown>, options: FilterCallsOptions = {}): FilterCallsResult {
  const dropped = Object.fromEntries(filterReasons.map((reason) => [reason, 0])) as Record<FilterReason, number>;
  const droppedIds = Object.fromEntries(filterReasons.map((reason) => [reason, [] as string[]])) as Record<FilterReason, string[]>;
  const kept: CallRecord[] = [];
  let index = 0;
  for (const call of calls) {
    const parsed = callRecordSchema.safeParse(call);
    const verdict: CallVerdict = parsed.success ? judgeCall(parsed.data, options) : { keep: false, reason: 'malformed', detail: 'not a call record' };
    if (verdict.keep && parsed.success) kept.push(parsed.data);
    else if (!verdict.keep) {
      dropped[verdict.reason] += 1;
      const id = isPlainObject(call) && typeof call.id === 'string' && call.id.length > 0 ? call.id : `#${index}`;
      droppedIds[verdict.reason].push(id);
    }
    index += 1;
  }
  return { kept, dropped, droppedIds };
}

/** The verdict on one well-typed call; the example it yields when kept. */
export function judgeCall(record: CallRecord, options: FilterCallsOptions = {}): CallVerdict {
  if (record.route === 'specialist') return { keep: false, reason: 'specialist_answer', detail: `answered by specialist ${record.routing?.specialistId ?? '(unknown)'}` };
  if (record.status === 'error') return { keep: false, reason: 'error', detail: record.errorClass ?? 'error' };
  if (record.status === 'cancelled') return { keep: false, reason: 'cancelled', detail: 'cancelled' };
  const choice = firstChoice(record.response);
  const finishReason = record.finishReason ?? (typeof choice?.finish_reason === 'string' ? choice.finish_reason : null);
  if (finishReason === 'length' || choice?.finish_reason === 'length') return { keep: false, reason: 'truncated', detail: 'finish_reason length' };
  // A provider's content filter stopping the answer is the provider declining to answer.
  if (finishReason === 'content_filter') return { keep: false, reason: 'refusal', detail: 'finish_reason content_filter' };
  const responseMessage = isPlainObject(choice?.message) ? choice.message : null;
  if (typeof responseMessage?.refusal === 'string' && responseMessage.refusal.trim().length > 0) {
    return { keep: false, reason: 'refusal', detail: 'message.refusal' };
  }

  const read = readTrainingExample(record);
  if (!read.ok) return { keep: false, reason: 'malformed', detail: read.detail };
  const example = read.example;

  const texts = [...example.prompt, example.completion].flatMap(messageTexts);
  const size = texts.reduce((total, text) => total + text.length, 0) + (example.tools === null ? 0 : JSON.stringify(example.tools).length);
  const maxChars = options.maxChars ?? 200_000;
  if (size > maxChars) return { keep: false, reason: 'too_large', detail: `${size} characters > ${maxChars}` };

  const quality = judgeTextQuality(texts, options.textQuality);
  if (quality !== 'ok') return { keep: false, reason: quality, detail: quality };

  const content = typeof example.completion.content === 'string' ? example.completion.content : null;
  const toolCalls = example.completion.tool_calls ?? [];
  if (content !== null && toolCalls.length === 0 && isRefusalText(content)) return { keep: false, reason: 'refusal', detail: 'refusal text' };

  const formatProblem = content === null ? null : checkResponseFormat(content, example.responseFormat);
  if (formatProblem !== null) return { keep: false, reason: 'invalid_response_format', detail: formatProblem };

  for (const call of toolCalls) {
    const args = safeParseJson(call.function.arguments);
    if (!args.ok || !isPlainObject(args.value)) return { keep: false, reason: 'invalid_tool_arguments', detail: `${call.function.name}: arguments are not a JSON object` };
  }
  return { keep: true, example };
}

function firstChoice(response: unknown): Record<string, unknown> | null {
  if (!isPlainObject(response) || !Array.isArray(response.choices)) return null;
  const choice: unknown = response.choices[0];
  return isPlainObject(choice) ? choice : null;
}

/** Null when the content satisfies the call's own response_format; otherwise what is wrong. */
function checkResponseFormat(content: string, responseFormat: Record<string, unknown> | null): string | null {
  if (responseFormat === null) return null;
  const type = responseFormat.type;
  if (type !== 'json_object' && type !== 'json_schema') return null;
  const parsed = safeParseJson(content);
  if (!parsed.ok) return 'content is not JSON';
  if (type === 'json_object') return isPlainObject(parsed.value) ? null : 'content is not a JSON object';
  const jsonSchema = responseFormat.json_schema;
  const schema = isPlainObject(jsonSchema) ? jsonSchema.schema : undefined;
  if (schema === undefined) return null;
  const result = checkJsonSchema(parsed.value, schema);
  return result.valid ? null : `schema: ${result.path} ${result.reason}`;
}
