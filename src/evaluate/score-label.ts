/** Label match: short one-line answers such as a category, a yes/no, a language code. */
import type { AnswerScore } from './answer-score.ts';
import type { AssistantAnswer } from './assistant-answer.ts';
import { normaliseLabel } from './internal/normalise-text.ts';
import { contentOf, excerpt, scoreToolCallsInsteadOfText } from './internal/text-answer.ts';
import type { ScoreContext } from './score-context.ts';
import { validateAnswer } from './validate-answer.ts';

/**
 * Correct when both labels are equal after `normaliseText`, lower-casing and dropping trailing punctuation:
 * "Billing." and "billing" name the same class, and an agent parsing the label would treat them alike.
 *
 * @example
 * scoreLabel({ content: 'Billing', toolCalls: [] }, { content: 'billing.', toolCalls: [] }).correct // → true
 */
export function scoreLabel(reference: AssistantAnswer, candidate: AssistantAnswer, context: ScoreContext = {}): AnswerScore {
  const validation = validateAnswer(candidate, context);
  const toolFailure = scoreToolCallsInsteadOfText('label', candidate, validation.valid);
  if (toolFailure) return toolFailure;
  const correct = normaliseLabel(contentOf(reference)) === normaliseLabel(contentOf(candidate));
  const reason = correct ? validation.reason : `expected label ${excerpt(contentOf(reference))}, got ${excerpt(contentOf(candidate))}`;
  return { metric: 'label', correct, score: correct ? 1 : 0, valid: validation.valid, ...(reason ? { reason } : {}) };
}
