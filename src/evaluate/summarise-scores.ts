/** Totals over many scored answers: the figures a report and a promotion gate read. */
import type { AnswerScore } from './answer-score.ts';

export interface ScoreSummary {
  count: number;
  correct: number;
  /** correct / count: agreement or accuracy, depending on what the references were. 0 when count is 0. */
  rate: number;
  /** Share of structurally valid answers. 0 when count is 0. */
  validRate: number;
  /** Mean partial credit. 0 when count is 0. */
  meanScore: number;
  /** Per metric actually used (the SQL fallback counts under `exact`). */
  byMetric: Record<string, { count: number; correct: number }>;
}

/**
 * Rates are 0, not NaN, for an empty list so the summary stays valid JSON; gates must check `count` (a gate
 * on zero examples should not pass).
 */
export function summariseScores(scores: readonly AnswerScore[]): ScoreSummary {
  const byMetric: Record<string, { count: number; correct: number }> = {};
  let correct = 0;
  let valid = 0;
  let scoreSum = 0;
  for (const score of scores) {
    const bucket = (byMetric[score.metric] ??= { count: 0, correct: 0 });
    bucket.count += 1;
    if (score.correct) {
      bucket.correct += 1;
      correct += 1;
    }
    if (score.valid) valid += 1;
    scoreSum += score.score;
  }
  const count = scores.length;
  const share = (part: number) => (count === 0 ? 0 : part / count);
  return { count, correct, rate: share(correct), validRate: share(valid), meanScore: share(scoreSum), byMetric };
}
