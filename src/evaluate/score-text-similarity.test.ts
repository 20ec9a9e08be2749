import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chrF } from './chrf.ts';
import { defaultTextSimilarityThreshold } from './score-context.ts';
import { scoreTextSimilarity } from './score-text-similarity.ts';

const text = (content: string) => ({ content, toolCalls: [] });
const reference = text('Your order ships on Monday and arrives within three business days.');

test('the default threshold is 0.8 and the score is chrF', () => {
  assert.equal(defaultTextSimilarityThreshold, 0.8);
  const candidate = text('Your order ships on Monday and arrives within 3 business days.');
  const score = scoreTextSimilarity(reference, candidate);
  assert.equal(score.metric, 'text_similarity');
  assert.equal(score.score, chrF(reference.content, candidate.content));
  assert.ok(score.score >= 0.8 && score.correct, String(score.score));
});

test('a paraphrase falls below the default threshold; a lower threshold accepts it', () => {
  const paraphrase = text('We will send the package Monday; expect it in about three working days.');
  const strict = scoreTextSimilarity(reference, paraphrase);
  assert.equal(strict.correct, false);
  assert.match(strict.reason ?? '', /chrF 0\.\d{3} is below the threshold 0\.8/);
  assert.equal(scoreTextSimilarity(reference, paraphrase, { textSimilarityThreshold: strict.score }).correct, true);
});
