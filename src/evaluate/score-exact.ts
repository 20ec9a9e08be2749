/** Exact match after normalisation: for answers whose every character matters but whose layout does not. */
import type { AnswerScore } from './answer-score.ts';
import type { AssistantAnswer } from './assistant-answer.ts';
import { normaliseText } from './internal/normalise-text.ts';
import { contentOf, excerpt, scoreToolCallsInsteadOfText } from './internal/text-answer.ts';
import type { ScoreContext } from './score-context.ts';
import { validateAnswer } from './validate-answer.ts';

/**
 * Correct when both contents are equal after Unicode NFC, trimming and collapsing whitespace runs. Case and
 * punctuation count (use `scoreLabel` for labels, where they do not).
 *
 * @example
 * scoreExact({ content: 'Paris\n', toolCalls: [] }, { content: '  Paris', toolCalls: [] }).correct // → true
 */
export function scoreExact(reference: AssistantAnswer, candidate: AssistantAnswer, context: ScoreContext = {}): AnswerScore {
  const validation = validateAnswer(candidate, context);
  const toolFailure = scoreToolCallsInsteadOfText('exact', candidate, validation.valid);
  if (toolFailure) return toolFailure;
  const correct = normaliseText(contentOf(reference)) === normaliseText(contentOf(candidate));
  const reason = correct ? validation.reason : `expected ${excerpt(contentOf(reference))}, got ${excerpt(contentOf(candidate))}`;
  return { metric: 'exact', correct, score: correct ? 1 : 0, valid: validation.valid, ...(reason ? { reason } : {}) };
}
