/** JSON answers: structured outputs (response_format) and any answer whose reference is a JSON document. */
import type { AnswerScore } from './answer-score.ts';
import type { AssistantAnswer } from './assistant-answer.ts';
import { compareJsonFields, jsonEqual } from './internal/json-fields.ts';
import { safeParseJson } from './internal/safe-parse-json.ts';
import { contentOf, scoreToolCallsInsteadOfText } from './internal/text-answer.ts';
import type { ScoreContext } from './score-context.ts';
import { validateAnswer } from './validate-answer.ts';

/**
 * - `correct`: both parse and are deep-equal after normalisation (key order irrelevant, numbers numeric,
 *   strings trimmed + NFC; arrays positional — see internal/json-fields.ts for why).
 * - `score`: field accuracy, the share of the reference's leaf fields the candidate has with an equal value.
 *   Fields the candidate adds are listed in `fields.unexpected`; they make the answer incorrect but do not
 *   lower the score, which measures how much of the reference was reproduced.
 * - `valid`: the candidate parses, and validates against the response_format schema when there is one (ajv).
 *
 * Content is parsed as it stands (trimmed): a JSON answer wrapped in a Markdown fence is not valid JSON for
 * the agent's parser either.
 *
 * @example
 * scoreJson({ content: '{"a":1,"b":"x"}', toolCalls: [] }, { content: '{"b":" x","a":1.0}', toolCalls: [] }).correct // → true
 */
export function scoreJson(reference: AssistantAnswer, candidate: AssistantAnswer, context: ScoreContext = {}): AnswerScore {
  const validation = validateAnswer(candidate, context);
  const toolFailure = scoreToolCallsInsteadOfText('json', candidate, validation.valid);
  if (toolFailure) return toolFailure;
  const referenceJson = safeParseJson(contentOf(reference).trim());
  const candidateJson = safeParseJson(contentOf(candidate).trim());
  if (!candidateJson.ok) return { metric: 'json', correct: false, score: 0, valid: false, reason: `candidate is not valid JSON: ${candidateJson.error}` };
  // A broken reference is a data problem (the teacher failed the format), reported rather than thrown so one
  // bad example does not stop an evaluation run.
  if (!referenceJson.ok) return { metric: 'json', correct: false, score: 0, valid: validation.valid, reason: `reference is not valid JSON: ${referenceJson.error}` };
  const comparison = compareJsonFields(referenceJson.value, candidateJson.value);
  const correct = jsonEqual(referenceJson.value, candidateJson.value);
  const fields = {
    total: comparison.total,
    matched: comparison.matched,
    mismatched: comparison.mismatched,
    ...(comparison.unexpected.length > 0 ? { unexpected: comparison.unexpected } : {}),
  };
  const reason = correct
    ? validation.reason
    : `${comparison.mismatched.length} of ${comparison.total} fields differ${comparison.unexpected.length ? `, ${comparison.unexpected.length} unexpected` : ''} (${comparison.firstDifference ?? 'values differ'})${validation.valid ? '' : `; invalid: ${validation.reason}`}`;
  return {
    metric: 'json',
    correct,
    score: comparison.total === 0 ? 0 : comparison.matched / comparison.total,
    valid: validation.valid,
    ...(reason ? { reason } : {}),
    fields,
  };
}
