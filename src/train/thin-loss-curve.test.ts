import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lossHistoryLimit, thinLossCurve } from './training-job.ts';

describe('thinLossCurve', () => {
  it('keeps a short curve whole and thins a long one evenly, first and last point kept', () => {
    const short = [{ step: 1, loss: 2 }, { step: 2, loss: 1 }];
    assert.deepEqual(thinLossCurve(short), short);
    const long = Array.from({ length: 5000 }, (_, index) => ({ step: index + 1, loss: 1 / (index + 1) }));
    const thinned = thinLossCurve(long);
    assert.equal(thinned.length, lossHistoryLimit);
    assert.deepEqual(thinned[0], long[0]);
    assert.deepEqual(thinned.at(-1), long.at(-1));
    assert.ok(thinned.every((point, index) => index === 0 || point.step > thinned[index - 1]!.step));
  });
});
