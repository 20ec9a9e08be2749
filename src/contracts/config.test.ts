/** The config schema's own rules: unknown keys named by path, and per-task budgets that only override. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema, parseConfig } from './config.ts';

test('an unknown key is named by its full path, on one line', () => {
  assert.throws(() => parseConfig({ routing: { promotion: { windw: 10 } }, gatway: {} }, 'test.json'), (error: Error) => {
    assert.equal(error.message, 'Invalid config (test.json): routing.promotion.windw: unknown key; gatway: unknown key');
    return true;
  });
});

test('a per-task training budget keeps the keys it does not set from loop.training', () => {
  const { loop } = configSchema.parse({ loop: { training: { base: 'hf:org/base.gguf', backend: 'micro' }, tasks: { 'extract-order': { device: 'cpu' } } } });
  assert.deepEqual(loop.tasks['extract-order'], { device: 'cpu' });
  assert.equal(loop.training.base, 'hf:org/base.gguf');
});
