/**
 * The evaluation metrics as model selection's scorer: selection (and the training runner and benchmarks that
 * reuse it) sit above evaluation in the pipeline, so they take this function rather than importing metrics.
 */
import type { SelectionScorer } from '../select/run-selection.ts';
import { scoreAnswer } from './score-answer.ts';

export const selectionScorer: SelectionScorer = async (reference, candidate, context) => {
  const score = await scoreAnswer(reference, candidate, { responseFormat: context.responseFormat, tools: context.tools });
  return { correct: score.correct, score: score.score, valid: score.valid, metric: score.metric, ...(score.reason === undefined ? {} : { reason: score.reason }) };
};
