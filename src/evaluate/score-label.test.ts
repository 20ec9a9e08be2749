import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreLabel } from './score-label.ts';

const text = (content: string) => ({ content, toolCalls: [] });

test('case-insensitive, trailing punctuation and whitespace ignored', () => {
  assert.equal(scoreLabel(text('Billing'), text(' billing.\n')).correct, true);
  assert.equal(scoreLabel(text('yes'), text('YES!')).correct, true);
  assert.equal(scoreLabel(text('Über'), text('u\u0308ber')).correct, true);
});

test('different labels, and leading punctuation, differ', () => {
  const score = scoreLabel(text('billing'), text('shipping'));
  assert.deepEqual({ correct: score.correct, score: score.score }, { correct: false, score: 0 });
  assert.match(score.reason ?? '', /expected label "billing", got "shipping"/);
  assert.equal(scoreLabel(text('1'), text('-1')).correct, false);
  assert.equal(scoreLabel(text('not spam'), text('spam')).correct, false);
});
