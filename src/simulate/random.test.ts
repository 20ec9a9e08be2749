import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from './random.ts';

describe('createRandom', () => {
  it('is reproducible per seed and differs across seeds and forks', () => {
    const draw = (seed: string) => Array.from({ length: 20 }, createRandom(seed).next);
    assert.deepEqual(draw('a'), draw('a'));
    assert.notDeepEqual(draw('a'), draw('b'));
    const parent = createRandom('a');
    assert.notDeepEqual(Array.from({ length: 5 }, parent.fork('x').next), Array.from({ length: 5 }, parent.fork('y').next));
    assert.deepEqual(Array.from({ length: 5 }, parent.fork('x').next), Array.from({ length: 5 }, createRandom('a').fork('x').next));
  });

  it('draws roughly uniformly and within bounds', () => {
    const random = createRandom(7);
    const counts = [0, 0, 0, 0];
    for (let index = 0; index < 40_000; index += 1) counts[random.int(0, 3)]! += 1;
    for (const count of counts) assert.ok(Math.abs(count - 10_000) < 600, `bucket ${count}`);
    const medians = Array.from({ length: 4001 }, () => random.logNormal(800, 0.5)).sort((left, right) => left - right);
    assert.ok(Math.abs(medians[2000]! - 800) < 60, `log-normal median ${medians[2000]}`);
    assert.equal(new Set(random.sample([1, 2, 3, 4, 5], 3)).size, 3);
    assert.equal(random.weighted([['never', 0], ['always', 1]] as const), 'always');
  });
});
