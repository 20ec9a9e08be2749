import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineTokenLogprob } from '../providers/engines/specialist-engine.ts';
import { answerConfidence } from './answer-confidence.ts';

function tokens(...probabilities: number[]): EngineTokenLogprob[] {
  return probabilities.map((probability, index) => ({ token: `t${index}`, logprob: Math.log(probability) }));
}

function close(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `expected ${expected}, got ${actual}`);
}

describe('answerConfidence', () => {
  it('is null without logprobs or without generated tokens', () => {
    assert.equal(answerConfidence(null), null);
    assert.equal(answerConfidence([]), null);
    assert.equal(answerConfidence([], { aggregate: 'geometric-mean' }), null);
  });

  it('is the probability of the least likely token by default', () => {
    close(answerConfidence(tokens(1, 0.99, 0.6, 0.95)), 0.6);
    close(answerConfidence(tokens(0.5)), 0.5);
  });

  it('is not diluted by many forced tokens around one unsure decision', () => {
    // A grammar-constrained tool call: punctuation and key names are forced (p = 1), one enum value is not.
    const forced = Array.from({ length: 40 }, () => 1);
    close(answerConfidence(tokens(...forced, 0.55, ...forced)), 0.55);
    const geometric = answerConfidence(tokens(...forced, 0.55, ...forced), { aggregate: 'geometric-mean' });
    assert.ok(geometric !== null && geometric > 0.98, 'the geometric mean hides the one unsure token');
  });

  it('is 1 when every token is certain', () => {
    assert.equal(answerConfidence(tokens(1, 1, 1)), 1);
    assert.equal(answerConfidence(tokens(1, 1, 1), { aggregate: 'geometric-mean' }), 1);
  });

  it('geometric-mean is exp of the mean logprob', () => {
    close(answerConfidence(tokens(0.5, 0.8, 1), { aggregate: 'geometric-mean' }), Math.cbrt(0.5 * 0.8 * 1));
  });

  it('ranks answers: a less sure worst token gives a lower confidence', () => {
    const sure = answerConfidence(tokens(0.99, 0.97, 0.98));
    const unsure = answerConfidence(tokens(0.99, 0.51, 0.98));
    assert.ok(sure !== null && unsure !== null && sure > unsure);
  });

  it('stays within [0, 1] on odd values: positive rounding noise, -Infinity, NaN', () => {
    assert.equal(answerConfidence([{ token: 'a', logprob: 1e-7 }]), 1);
    assert.equal(answerConfidence([{ token: 'a', logprob: 0 }, { token: 'b', logprob: -Infinity }]), 0);
    assert.equal(answerConfidence([{ token: 'a', logprob: -Infinity }], { aggregate: 'geometric-mean' }), 0);
    close(answerConfidence([{ token: 'a', logprob: Number.NaN }, { token: 'b', logprob: Math.log(0.7) }]), 0.7);
    assert.equal(answerConfidence([{ token: 'a', logprob: Number.NaN }]), null);
  });

  it('handles the tiny probabilities llama.cpp floors at Number.MIN_VALUE', () => {
    const confidence = answerConfidence([{ token: 'a', logprob: Math.log(Number.MIN_VALUE) }]);
    assert.ok(confidence !== null && confidence >= 0 && confidence < 1e-300);
  });
});
