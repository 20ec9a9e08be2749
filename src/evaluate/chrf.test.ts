import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chrF } from './chrf.ts';

test('identical strings score 1, also when they differ only in whitespace', () => {
  assert.equal(chrF('The cat sat on the mat.', 'The cat sat on the mat.'), 1);
  assert.equal(chrF('The cat sat', ' The  cat\nsat '), 1);
  assert.equal(chrF('', ''), 1);
});

test('strings with no character in common score 0', () => {
  assert.equal(chrF('abc', 'xyz'), 0);
  assert.equal(chrF('abc', ''), 0);
  assert.equal(chrF('', 'abc'), 0);
});

test('hand-computed: "abc" against "abd"', () => {
  // 1-grams: 2 of 3 match both ways; 2-grams: 1 of 2; 3-grams: 0 of 1; orders 4-6 do not exist.
  // Mean precision = mean recall = (2/3 + 1/2 + 0) / 3 = 7/18; with P = R the F-score is P.
  assert.ok(Math.abs(chrF('abc', 'abd') - 7 / 18) < 1e-12);
});

test('hand-computed: recall weighs more than precision (beta = 2)', () => {
  // reference "ab", candidate "abc": 1-grams P 2/3 R 1; 2-grams P 1/2 R 1; mean P 7/12, R 1.
  // F2 = 5 · (7/12) · 1 / (4 · 7/12 + 1) = 35/40.
  assert.ok(Math.abs(chrF('ab', 'abc') - 0.875) < 1e-12);
  // Swapped, precision is perfect and recall is not: lower, because recall counts four times as much.
  assert.ok(chrF('abc', 'ab') < chrF('ab', 'abc'));
});

test('matches sacrebleu on its documented example (61.576379378113785)', () => {
  const score = chrF('The ties between Obama and Netanyahu are not particularly friendly.', 'The relationship between Obama and Netanyahu is not exactly friendly.');
  assert.ok(Math.abs(score - 0.61576379378113785) < 1e-12, String(score));
});

test('Unicode: composed and decomposed forms are the same text; code points are single characters', () => {
  assert.equal(chrF('café', 'cafe\u0301'), 1);
  assert.equal(chrF('😀😀', '😀😀'), 1);
  // One emoji each, different: a single 1-gram that does not match (UTF-16 halves would share a surrogate).
  assert.equal(chrF('😀', '😁'), 0);
});

test('case counts (sacrebleu default: no lower-casing)', () => {
  assert.ok(chrF('Paris', 'paris') < 1);
});
