/** Which metric fits a task, read from the shape of the reference answer and the call. */
import type { AssistantAnswer } from './assistant-answer.ts';
import { isPlainObject, safeParseJson } from './internal/safe-parse-json.ts';
import { looksLikeSql } from './internal/sql-text.ts';
import type { MetricName, ScoreContext } from './score-context.ts';

/** A one-line answer of at most this many words and characters is a label (a class, a yes/no, a code). */
export const labelLimits = { words: 4, characters: 40 } as const;

/**
 * First rule that applies wins:
 * 1. `context.metric`, when the caller forces one;
 * 2. the reference calls tools → `tool_call` (what matters is the call, not any text beside it);
 * 3. the call asked for JSON (`response_format` json_schema or json_object), or the reference content is a
 *    JSON object or array → `json`;
 * 4. the reference looks like SQL (starts with SELECT/WITH or holds a ```sql fence) → `sql_execution`. Without
 *    a `sqlExecutor` that metric falls back to normalised text match and says so — never to chrF, which
 *    would accept `x > 5` for `x < 5`;
 * 5. one line of at most 4 words and 40 characters → `label`;
 * 6. anything else is free text → `text_similarity`.
 * `exact` is only ever chosen by the caller (or reported by the SQL fallback).
 *
 * @example
 * chooseMetric({ content: 'billing', toolCalls: [] }) // → 'label'
 */
export function chooseMetric(reference: AssistantAnswer, context: ScoreContext = {}): MetricName {
  if (context.metric) return context.metric;
  if (reference.toolCalls.length > 0) return 'tool_call';
  const formatType = context.responseFormat?.['type'];
  if (formatType === 'json_schema' || formatType === 'json_object') return 'json';
  const content = (reference.content ?? '').trim();
  if (content.startsWith('{') || content.startsWith('[')) {
    const parsed = safeParseJson(content);
    if (parsed.ok && (isPlainObject(parsed.value) || Array.isArray(parsed.value))) return 'json';
  }
  if (looksLikeSql(content)) return 'sql_execution';
  const words = content.split(/\s+/u).filter(Boolean).length;
  if (!/[\r\n]/u.test(content) && words <= labelLimits.words && content.length <= labelLimits.characters) return 'label';
  return 'text_similarity';
}
