/**
 * Structural validity of an answer, without a reference: what the router checks live before a specialist's
 * answer may reach the agent, and what `scoreAnswer` reports as `valid`.
 */
import type { AssistantAnswer } from './assistant-answer.ts';
import { offeredFunctions } from './internal/offered-tools.ts';
import { isPlainObject, safeParseJson } from './internal/safe-parse-json.ts';
import { validateAgainstSchema } from './internal/schema-validator.ts';
import type { ScoreContext } from './score-context.ts';

export interface AnswerValidation {
  valid: boolean;
  /** Set when not valid: one line naming what is wrong. */
  reason?: string;
}

/**
 * Valid means the agent can use the answer as the API promised it:
 * - tool calls: every called function was offered in `context.tools`, and its arguments are a JSON object
 *   that validates against the function's `parameters` schema (ajv);
 * - `response_format` json_schema: the content parses and validates against the schema; json_object: the
 *   content parses to a JSON object (what OpenAI's JSON mode guarantees);
 * - otherwise: there is some non-blank content. An empty answer is never valid: from a specialist it is a
 *   failure to escalate, not an answer.
 * A schema ajv cannot compile makes the answer invalid with a reason naming the schema; nothing here throws.
 *
 * @example
 * validateAnswer({ content: '{"a":1}', toolCalls: [] }, { responseFormat: { type: 'json_object' } }) // → { valid: true }
 */
export function validateAnswer(candidate: AssistantAnswer, context: ScoreContext): AnswerValidation {
  if (candidate.toolCalls.length > 0) return validateToolCalls(candidate.toolCalls, context);
  const content = candidate.content ?? '';
  if (content.trim() === '') return { valid: false, reason: 'empty answer: no content and no tool calls' };
  return validateContent(content, context.responseFormat);
}

/** Validity of tool calls alone (also used per call by the tool-call metric). */
export function validateToolCalls(toolCalls: AssistantAnswer['toolCalls'], context: Pick<ScoreContext, 'tools'>): AnswerValidation {
  const offered = offeredFunctions(context.tools);
  for (const call of toolCalls) {
    const tool = offered.get(call.name);
    if (!tool) {
      const names = [...offered.keys()];
      return { valid: false, reason: `tool "${call.name}" was not offered (${names.length ? `offered: ${names.join(', ')}` : 'no tools offered'})` };
    }
    const parsed = safeParseJson(call.arguments);
    if (!parsed.ok) return { valid: false, reason: `arguments of ${call.name} are not valid JSON: ${parsed.error}` };
    if (!isPlainObject(parsed.value)) return { valid: false, reason: `arguments of ${call.name} are not a JSON object` };
    if (tool.parameters) {
      const result = validateAgainstSchema(tool.parameters, parsed.value, { schemaLabel: `the parameters schema of ${call.name}`, subject: `arguments of ${call.name}` });
      if (!result.ok) return { valid: false, reason: result.reason };
    }
  }
  return { valid: true };
}

function validateContent(content: string, responseFormat: ScoreContext['responseFormat']): AnswerValidation {
  const type = responseFormat?.['type'];
  if (type !== 'json_schema' && type !== 'json_object') return { valid: true };
  const parsed = safeParseJson(content);
  if (!parsed.ok) return { valid: false, reason: `content is not valid JSON: ${parsed.error}` };
  if (type === 'json_object') return isPlainObject(parsed.value) ? { valid: true } : { valid: false, reason: 'content is JSON but not an object (response_format json_object)' };
  const jsonSchema = responseFormat?.['json_schema'];
  const schema = isPlainObject(jsonSchema) ? jsonSchema['schema'] : undefined;
  // json_schema without a schema constrains nothing beyond JSON itself.
  if (!isPlainObject(schema)) return { valid: true };
  const name = isPlainObject(jsonSchema) && typeof jsonSchema['name'] === 'string' ? jsonSchema['name'] : 'unnamed';
  const result = validateAgainstSchema(schema, parsed.value, { schemaLabel: `response_format schema "${name}"`, subject: 'content' });
  return result.ok ? { valid: true } : { valid: false, reason: result.reason };
}
