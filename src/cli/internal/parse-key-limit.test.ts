/** What `understudy keys create|limits` accept for limits, and the one-line usage errors for what they do not. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { formatByteSize, orNone, parseByteSize, parseRateLimit } from './parse-key-limit.ts';

it('parses rate limits and sizes with binary units, and none to clear', () => {
  assert.equal(parseRateLimit('60'), 60);
  assert.deepEqual(['512', '10kb', '10K', '1mb', '1.5MiB', '2 GB'].map(parseByteSize), [512, 10_240, 10_240, 1_048_576, 1_572_864, 2 * 1024 ** 3]);
  assert.equal(orNone(parseRateLimit)('none'), 'none');
  assert.equal(orNone(parseByteSize)('NONE'), 'none');
  assert.equal(orNone(parseByteSize)('4kb'), 4_096);
  for (const bad of ['0', '-5', '1.5', '', 'ten', '1e3']) assert.throws(() => parseRateLimit(bad), InvalidArgumentError, bad);
  for (const bad of ['0', '0kb', '-1', '10 parsecs', 'mb', '']) assert.throws(() => parseByteSize(bad), InvalidArgumentError, bad);
  assert.deepEqual([100, 1_024, 262_144, 1_572_864, 2 * 1024 ** 3].map(formatByteSize), ['100 B', '1 KiB', '256 KiB', '1.5 MiB', '2 GiB']);
});
