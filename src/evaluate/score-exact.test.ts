import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreExact } from './score-exact.ts';

const text = (content: string | null) => ({ content, toolCalls: [] });

test('trimming and whitespace runs do not matter', () => {
  assert.equal(scoreExact(text('Paris is\n the  capital'), text('  Paris is the capital\n')).correct, true);
});

test('Unicode NFC: composed and decomposed accents are equal', () => {
  const score = scoreExact(text('Café crème'), text('Cafe\u0301 cre\u0300me'));
  assert.deepEqual({ correct: score.correct, score: score.score, valid: score.valid }, { correct: true, score: 1, valid: true });
});

test('case and punctuation count', () => {
  assert.equal(scoreExact(text('Paris'), text('paris')).correct, false);
  const score = scoreExact(text('Paris'), text('Paris.'));
  assert.equal(score.correct, false);
  assert.equal(score.score, 0);
  assert.match(score.reason ?? '', /expected "Paris", got "Paris\."/);
});

test('an empty candidate is wrong and invalid; tool calls instead of text are wrong', () => {
  const empty = scoreExact(text('x'), text(null));
  assert.deepEqual({ correct: empty.correct, valid: empty.valid }, { correct: false, valid: false });
  const called = scoreExact(text('x'), { content: 'x', toolCalls: [{ name: 'f', arguments: '{}' }] });
  assert.equal(called.correct, false);
  assert.match(called.reason ?? '', /reference answered in text; the candidate called f/);
});
