/** Free-text answers: how close the wording is, with a stated threshold for agreement. */
import type { AnswerScore } from './answer-score.ts';
import type { AssistantAnswer } from './assistant-answer.ts';
import { chrF } from './chrf.ts';
import { contentOf, scoreToolCallsInsteadOfText } from './internal/text-answer.ts';
import { defaultTextSimilarityThreshold, type ScoreContext } from './score-context.ts';
import { validateAnswer } from './validate-answer.ts';

/**
 * `score` is chrF (see chrf.ts); `correct` when it reaches `context.textSimilarityThreshold`
 * (default `defaultTextSimilarityThreshold`, 0.8 — why that value is documented there).
 */
export function scoreTextSimilarity(reference: AssistantAnswer, candidate: AssistantAnswer, context: ScoreContext = {}): AnswerScore {
  const validation = validateAnswer(candidate, context);
  const toolFailure = scoreToolCallsInsteadOfText('text_similarity', candidate, validation.valid);
  if (toolFailure) return toolFailure;
  const threshold = context.textSimilarityThreshold ?? defaultTextSimilarityThreshold;
  const score = chrF(contentOf(reference), contentOf(candidate));
  const correct = score >= threshold;
  const reason = correct ? validation.reason : `chrF ${score.toFixed(3)} is below the threshold ${threshold}`;
  return { metric: 'text_similarity', correct, score, valid: validation.valid, ...(reason ? { reason } : {}) };
}
