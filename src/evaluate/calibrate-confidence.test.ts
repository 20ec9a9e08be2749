import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrateConfidence, type ConfidenceSample } from './calibrate-confidence.ts';

/** `[confidence, correct]` pairs, written the way the cases read. */
function samples(...pairs: Array<[number | null, boolean]>): ConfidenceSample[] {
  return pairs.map(([confidence, correct]) => ({ confidence, correct }));
}

describe('calibrateConfidence', () => {
  it('needs no threshold when every answer is correct', () => {
    const result = calibrateConfidence(samples([0.2, true], [0.9, true], [null, true]), 0.99);
    assert.deepEqual(result, { threshold: null, precision: 1, coverage: 1, samples: 3, reachable: true });
  });

  it('needs no threshold when the whole set already meets the target', () => {
    const result = calibrateConfidence(samples([0.9, true], [0.8, true], [0.7, true], [0.1, false]), 0.75);
    assert.deepEqual(result, { threshold: null, precision: 0.75, coverage: 1, samples: 4, reachable: true });
  });

  it('monotone case: cuts just above the highest wrong answer', () => {
    const result = calibrateConfidence(
      samples([0.95, true], [0.9, true], [0.85, true], [0.6, false], [0.5, true], [0.3, false]),
      1,
    );
    assert.deepEqual(result, { threshold: 0.85, precision: 1, coverage: 0.5, samples: 6, reachable: true });
  });

  it('picks the smallest threshold, which maximises coverage, when precision is met at several', () => {
    // At 0.8: 3/3; at 0.6: 4/5 = 0.8; at 0.4: 5/6 ≈ 0.83; at 0.2 (everything): 5/7 ≈ 0.71.
    const result = calibrateConfidence(
      samples([0.9, true], [0.85, true], [0.8, true], [0.7, false], [0.6, true], [0.4, true], [0.2, false]),
      0.8,
    );
    assert.deepEqual(result, { threshold: 0.4, precision: 5 / 6, coverage: 6 / 7, samples: 7, reachable: true });
  });

  it('non-monotone case: confident mistakes at the top do not stop a lower threshold from qualifying', () => {
    // At 0.99 precision is 0 (one confident mistake), yet the 0.5 threshold reaches 4/5 = 0.8.
    const result = calibrateConfidence(
      samples([0.99, false], [0.9, true], [0.8, true], [0.7, true], [0.5, true], [0.4, false], [0.3, false]),
      0.8,
    );
    assert.deepEqual(result, { threshold: 0.5, precision: 0.8, coverage: 5 / 7, samples: 7, reachable: true });
  });

  it('ties: equal confidences are accepted or rejected together', () => {
    // Threshold 0.7 accepts all three 0.7s: 3/4 = 0.75, below 0.8; half a tie cannot be taken.
    const result = calibrateConfidence(samples([0.9, true], [0.7, true], [0.7, false], [0.7, true], [0.2, false]), 0.8);
    assert.deepEqual(result, { threshold: 0.9, precision: 1, coverage: 0.2, samples: 5, reachable: true });
    // With a lower target, the tie qualifies as a whole.
    const looser = calibrateConfidence(samples([0.9, true], [0.7, true], [0.7, false], [0.7, true], [0.2, false]), 0.75);
    assert.deepEqual(looser, { threshold: 0.7, precision: 0.75, coverage: 0.8, samples: 5, reachable: true });
  });

  it('is unreachable when no answer is correct: threshold 1', () => {
    const result = calibrateConfidence(samples([0.9, false], [0.5, false]), 0.5);
    assert.deepEqual(result, { threshold: 1, precision: 0, coverage: 0, samples: 2, reachable: false });
  });

  it('unreachable reports what threshold 1 still accepts', () => {
    const result = calibrateConfidence(samples([1, false], [1, true], [0.4, false]), 0.9);
    assert.deepEqual(result, { threshold: 1, precision: 0.5, coverage: 2 / 3, samples: 3, reachable: false });
  });

  it('accepts answers at confidence exactly 1 when they meet the target', () => {
    const result = calibrateConfidence(samples([1, true], [1, true], [0.6, false]), 0.9);
    assert.deepEqual(result, { threshold: 1, precision: 1, coverage: 2 / 3, samples: 3, reachable: true });
  });

  it('is unreachable without samples', () => {
    assert.deepEqual(calibrateConfidence([], 0.5), { threshold: 1, precision: 0, coverage: 0, samples: 0, reachable: false });
  });

  it('null confidences are accepted only without a threshold', () => {
    // Nulls count in the no-threshold case (and drag it under the target) but are escalated under any threshold.
    const result = calibrateConfidence(samples([null, false], [null, false], [0.8, true], [0.3, true]), 0.9);
    assert.deepEqual(result, { threshold: 0.3, precision: 1, coverage: 0.5, samples: 4, reachable: true });
    const onlyNulls = calibrateConfidence(samples([null, true], [null, false]), 0.9);
    assert.deepEqual(onlyNulls, { threshold: 1, precision: 0, coverage: 0, samples: 2, reachable: false });
    const nullsWithoutTarget = calibrateConfidence(samples([null, true], [null, false]), 0.5);
    assert.deepEqual(nullsWithoutTarget, { threshold: null, precision: 0.5, coverage: 1, samples: 2, reachable: true });
  });

  it('a target of 0 needs no threshold', () => {
    assert.equal(calibrateConfidence(samples([0.1, false]), 0).threshold, null);
  });

  it('meets a target computed with rounding error exactly', () => {
    const nineOfTen = samples(...Array.from({ length: 9 }, (): [number, boolean] => [0.9, true]), [0.9, false]);
    assert.equal(calibrateConfidence(nineOfTen, 1 - 0.1).threshold, null);
    assert.equal(calibrateConfidence(nineOfTen, 0.7 + 0.2).reachable, true);
  });

  it('minAccepted keeps a threshold from resting on too few answers', () => {
    const data = samples([0.99, true], [0.8, true], [0.7, false], [0.6, true], [0.5, false]);
    assert.equal(calibrateConfidence(data, 1).threshold, 0.8);
    const strict = calibrateConfidence(data, 1, { minAccepted: 3 });
    assert.equal(strict.reachable, false);
    assert.equal(strict.threshold, 1);
    const enough = calibrateConfidence(data, 0.75, { minAccepted: 3 });
    assert.deepEqual(enough, { threshold: 0.6, precision: 0.75, coverage: 0.8, samples: 5, reachable: true });
  });

  it('does not depend on the order of the samples', () => {
    const data = samples([0.3, false], [0.95, true], [0.6, false], [0.85, true], [0.5, true], [0.9, true]);
    const reversed = [...data].reverse();
    assert.deepEqual(calibrateConfidence(data, 1), calibrateConfidence(reversed, 1));
    assert.equal(calibrateConfidence(data, 1).threshold, 0.85);
  });

  it('throws on out-of-range inputs', () => {
    assert.throws(() => calibrateConfidence([], 1.5), RangeError);
    assert.throws(() => calibrateConfidence([], Number.NaN), RangeError);
    assert.throws(() => calibrateConfidence(samples([1.2, true]), 0.5), RangeError);
    assert.throws(() => calibrateConfidence(samples([Number.NaN, true]), 0.5), RangeError);
    assert.throws(() => calibrateConfidence([], 0.5, { minAccepted: 0 }), RangeError);
  });
});
