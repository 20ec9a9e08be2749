import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnswerScore } from './answer-score.ts';
import { summariseScores } from './summarise-scores.ts';

test('counts, rates and per-metric totals', () => {
  const scores: AnswerScore[] = [
    { metric: 'json', correct: true, score: 1, valid: true },
    { metric: 'json', correct: false, score: 0.5, valid: true },
    { metric: 'label', correct: true, score: 1, valid: true },
    { metric: 'tool_call', correct: false, score: 0, valid: false },
  ];
  assert.deepEqual(summariseScores(scores), {
    count: 4,
    correct: 2,
    rate: 0.5,
    validRate: 0.75,
    meanScore: 0.625,
    byMetric: { json: { count: 2, correct: 1 }, label: { count: 1, correct: 1 }, tool_call: { count: 1, correct: 0 } },
  });
});

test('an empty list gives zeros, not NaN', () => {
  assert.deepEqual(summariseScores([]), { count: 0, correct: 0, rate: 0, validRate: 0, meanScore: 0, byMetric: {} });
});
