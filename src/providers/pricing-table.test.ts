import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPricingTable, loadPricingFile } from './pricing-table.ts';

test('the bundled pricing file validates and covers the models the brief names', () => {
  const file = loadPricingFile();
  assert.match(file.retrieved, /^\d{4}-\d{2}-\d{2}$/);
  for (const model of [
    'gpt-4o',
    'gpt-4o-mini',
    'gpt-4.1',
    'gpt-4.1-mini',
    'gpt-4.1-nano',
    'o3',
    'o4-mini',
    'gpt-5',
    'gpt-5-mini',
    'gpt-5-nano',
    'gemini-2.5-flash',
    'gemini-2.5-pro',
    'claude-sonnet-4-5',
    'deepseek-chat',
  ]) {
    assert.ok(file.models[model], `${model} is priced`);
    assert.match(file.models[model].source, /^https:\/\//);
  }
  for (const entry of Object.values(file.models)) {
    assert.ok(entry.outputPerMillion >= entry.inputPerMillion, 'output never cheaper than input for these models');
    if (entry.cachedInputPerMillion !== undefined) assert.ok(entry.cachedInputPerMillion < entry.inputPerMillion);
  }
});

test('exact names, dated snapshots, and no match for other variants', () => {
  const pricing = createPricingTable();
  assert.equal(pricing.priceFor('gpt-4o-mini')?.inputPerMillion, 0.15);
  const snapshot = pricing.priceFor('gpt-4o-mini-2024-07-18');
  assert.equal(snapshot?.matchedModel, 'gpt-4o-mini');
  assert.equal(snapshot?.outputPerMillion, 0.6);
  assert.equal(pricing.priceFor('claude-sonnet-4-20250514')?.matchedModel, 'claude-sonnet-4');
  assert.equal(pricing.priceFor('claude-opus-4-5-20251101')?.inputPerMillion, 5);
  assert.equal(pricing.priceFor('gpt-3.5-turbo-0125')?.matchedModel, 'gpt-3.5-turbo');
  assert.equal(pricing.priceFor('gemini-2.0-flash-001')?.matchedModel, 'gemini-2.0-flash');
  // A snapshot with its own entry keeps its own price.
  assert.equal(pricing.priceFor('gpt-4o-2024-05-13')?.inputPerMillion, 5);
  assert.equal(pricing.priceFor('gpt-4o-2024-08-06')?.inputPerMillion, 2.5);
  // Names are case-insensitive (Together uses mixed case).
  assert.equal(pricing.priceFor('META-LLAMA/llama-3.3-70b-instruct-turbo')?.inputPerMillion, 0.88);
  assert.equal(pricing.priceFor('gpt-4o-audio-preview'), undefined);
  assert.equal(pricing.priceFor('my-local-model'), undefined);
  assert.equal(pricing.costOf('my-local-model', 10, 10), null);
});

test('costOf: input, output and cached input', () => {
  const pricing = createPricingTable();
  assert.equal(pricing.costOf('gpt-4o-mini', 1_000_000, 1_000_000), 0.75);
  assert.equal(pricing.costOf('gpt-4o-mini-2024-07-18', 1200, 300), 0.00036);
  // 1000 prompt tokens of which 800 were served from the prompt cache.
  assert.equal(pricing.costOf('gpt-4o', 1000, 0, 800), (200 * 2.5 + 800 * 1.25) / 1_000_000);
  // Cached tokens can never exceed the prompt.
  assert.equal(pricing.costOf('gpt-4o', 100, 0, 5000), (100 * 1.25) / 1_000_000);
  assert.equal(pricing.costOf('gpt-4o', 0, 0), 0);
});

test('overrides win over the file and price unknown models; their source defaults to "user config"', () => {
  const pricing = createPricingTable({
    'gpt-4o': { inputPerMillion: 1, outputPerMillion: 2, source: 'negotiated contract' },
    'my-local-model': { inputPerMillion: 0, outputPerMillion: 0 },
  });
  assert.deepEqual(pricing.priceFor('gpt-4o-2024-11-20'), {
    inputPerMillion: 1,
    outputPerMillion: 2,
    source: 'negotiated contract',
    matchedModel: 'gpt-4o',
  });
  // Cached tokens are billed at the full input price when the override has no cached price.
  assert.equal(pricing.costOf('gpt-4o', 1_000_000, 0, 500_000), 1);
  assert.equal(pricing.priceFor('my-local-model')?.source, 'user config');
  assert.equal(pricing.costOf('my-local-model', 5000, 5000), 0);
  assert.ok(pricing.entries().some(([name]) => name === 'my-local-model'));
});
