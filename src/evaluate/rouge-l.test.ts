import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rougeL } from './rouge-l.ts';

test('matches rouge_score on its README example', () => {
  // LCS "the quick brown jumps the" = 5 tokens; P = 5/8, R = 5/9, F1 = 0.5882…
  assert.ok(Math.abs(rougeL('The quick brown fox jumps over the lazy dog', 'The quick brown dog jumps on the log.') - 10 / 17) < 1e-12);
});

test('identical → 1, disjoint → 0, case and punctuation ignored', () => {
  assert.equal(rougeL('Refund issued.', 'refund ISSUED'), 1);
  assert.equal(rougeL('alpha beta', 'gamma delta'), 0);
  assert.equal(rougeL('', ''), 1);
  assert.equal(rougeL('word', ''), 0);
});

test('order matters through the longest common subsequence', () => {
  // LCS of "a b c d" and "d c b a" is 1 token: P = R = 1/4.
  assert.equal(rougeL('a b c d', 'd c b a'), 0.25);
});

test('non-Latin scripts tokenise', () => {
  assert.equal(rougeL('Привет мир', 'привет, мир!'), 1);
});
