import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankCandidates } from './rank-candidates.ts';
import { wilsonInterval, type CandidateRun } from './run-selection.ts';

function run(overrides: Partial<CandidateRun>): CandidateRun {
  const correct = overrides.correct ?? 0;
  const examples = overrides.examples ?? 20;
  return {
    candidateId: 'm',
    label: 'm',
    origin: 'catalog',
    mode: 'zero-shot',
    examples,
    correct,
    accuracy: correct / examples,
    accuracyInterval: wilsonInterval(correct, examples),
    validRate: 1,
    meanScore: 0.5,
    errors: 0,
    latencyP50Ms: 1000,
    latencyP95Ms: 1500,
    tokensPerSecond: 30,
    usdPer1kCalls: 0.02,
    metric: 'json',
    failures: [],
    ...overrides,
  };
}

describe('rankCandidates', () => {
  it('orders by accuracy, then validity, then partial credit, then cost, and says why', () => {
    const ranked = rankCandidates([
      run({ candidateId: 'control', label: 'control', correct: 0, validRate: 0.5, meanScore: 0 }),
      run({ candidateId: 'cheap', label: 'cheap', correct: 10, usdPer1kCalls: 0.01 }),
      run({ candidateId: 'best', label: 'best', correct: 19 }),
      run({ candidateId: 'dear', label: 'dear', correct: 10, usdPer1kCalls: 0.05 }),
      run({ candidateId: 'closer', label: 'closer', correct: 0, validRate: 0.5, meanScore: 0.4 }),
    ]);
    assert.deepEqual(ranked.map((entry) => entry.candidateId), ['best', 'cheap', 'dear', 'closer', 'control']);
    assert.deepEqual(ranked.map((entry) => entry.rank), [1, 2, 3, 4, 5]);
    assert.match(ranked[0]!.reasons[0]!, /19\/20 correct \(95%, 95% CI 76%–99%\)/);
    assert.match(ranked[0]!.reasons[1]!, /above cheap zero-shot on accuracy \(95% vs 50%\)$/, 'intervals do not overlap: no noise caveat');
    assert.match(ranked[1]!.reasons[1]!, /ties dear zero-shot on quality; cheaper/);
    assert.match(ranked[3]!.reasons[1]!, /closer answers \(mean score 0.40 vs 0.00\)/);
    assert.match(ranked[4]!.reasons.at(-1)!, /answered none correctly/);
  });

  it('says when a lead is within sampling noise', () => {
    const ranked = rankCandidates([run({ label: 'a', correct: 3, examples: 6 }), run({ label: 'b', correct: 2, examples: 6 })]);
    assert.match(ranked[0]!.reasons[1]!, /within sampling noise/);
  });

  it('computes Wilson intervals that stay inside [0, 1] and match a known value', () => {
    const [low, high] = wilsonInterval(18, 20);
    assert.ok(Math.abs(low - 0.699) < 0.001 && Math.abs(high - 0.972) < 0.001, `${low} ${high}`);
    assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
    const [zeroLow, zeroHigh] = wilsonInterval(0, 10);
    assert.equal(zeroLow, 0);
    assert.ok(zeroHigh > 0.25 && zeroHigh < 0.35);
  });
});
