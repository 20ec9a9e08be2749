import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterCatalog } from './filter-catalog.ts';
import { estimateMemory } from './memory-estimate.ts';
import { loadModelCatalog, type CatalogEntry } from './model-catalog.ts';

const provenance = { source: 'https://example.org/card', retrieved: '2026-11-21', kind: 'published', basis: 'seen' } as const;

/** A catalog entry with every figure known unless overridden (null = not recorded). */
function makeEntry(id: string, overrides: Partial<CatalogEntry> & { q4Gigabytes?: number | null } = {}): CatalogEntry {
  const { q4Gigabytes = 1, ...rest } = overrides;
  return {
    id,
    name: id,
    family: 'Test',
    huggingFaceRepo: `test/${id}`,
    parameters: { value: 1e9, ...provenance },
    contextLength: { value: 32768, ...provenance },
    licence: { value: { name: 'Apache-2.0', commercialUse: true }, ...provenance },
    toolCalling: { value: true, ...provenance },
    chatTemplate: { value: true, ...provenance },
    architecture: { value: { layers: 16, keyValueHeads: 8, headDimension: 64 }, ...provenance },
    gguf: { repo: null, sizesGigabytes: { Q4_K_M: q4Gigabytes === null ? null : { value: q4Gigabytes, ...provenance }, Q8_0: null, F16: null } },
    downloads: [],
    scores: [],
    ...rest,
  };
}

test('the memory estimate is the published Q4_K_M file plus an f16 KV cache, and says so', () => {
  const estimate = estimateMemory(makeEntry('a', { q4Gigabytes: 0.81 }));
  assert.equal(estimate.kind, 'computed');
  if (estimate.kind !== 'computed') return;
  // 2 (K and V) × 16 layers × 8 heads × 64 dims × 2 bytes × 4096 tokens = 134,217,728 bytes.
  assert.equal(estimate.bytes, 810_000_000 + 134_217_728);
  assert.match(estimate.derivation, /Q4_K_M GGUF 0\.81 GB \(published\) \+ f16 KV cache for 4096 tokens/);
  assert.match(estimate.derivation, /overhead not included/);
  const longer = estimateMemory(makeEntry('b', { q4Gigabytes: 0.81 }), 8192);
  assert.equal(longer.kind === 'computed' ? longer.bytes : null, 810_000_000 + 2 * 134_217_728);

  assert.deepEqual(estimateMemory(makeEntry('c', { q4Gigabytes: null })), { kind: 'unknown', reason: 'no published Q4_K_M GGUF size' });
  assert.equal(estimateMemory(makeEntry('d', { architecture: null })).kind, 'unknown');
});

test('no constraints: everything, smallest first, unknown parameter counts last', () => {
  const entries = [
    makeEntry('big', { parameters: { value: 8e9, ...provenance } }),
    makeEntry('unknown-size', { parameters: null }),
    makeEntry('small', { parameters: { value: 135e6, ...provenance } }),
  ];
  const result = filterCatalog(entries);
  assert.deepEqual(result.matches.map((match) => match.entry.id), ['small', 'big', 'unknown-size']);
  assert.deepEqual(result.excluded, []);
});

test('max memory keeps what fits and leaves out unknowns with the reason', () => {
  const entries = [makeEntry('fits', { q4Gigabytes: 1 }), makeEntry('too-big', { q4Gigabytes: 5 }), makeEntry('unknown', { q4Gigabytes: null })];
  const result = filterCatalog(entries, { maxMemoryBytes: 4e9 });
  assert.deepEqual(result.matches.map((match) => match.entry.id), ['fits']);
  assert.deepEqual(result.excluded, [
    { id: 'too-big', reasons: ['needs more memory than allowed'] },
    { id: 'unknown', reasons: ['memory unknown: no published Q4_K_M GGUF size'] },
  ]);
});

test('licence commercial keeps outright and conditional licences, drops non-commercial and unrecorded ones', () => {
  const entries = [
    makeEntry('apache'),
    makeEntry('llama', { licence: { value: { name: 'Llama 3.2 Community License', commercialUse: 'conditional' }, ...provenance, note: '700M MAU cap' } }),
    makeEntry('research', { licence: { value: { name: 'CC-BY-NC-4.0', commercialUse: false }, ...provenance } }),
    makeEntry('unrecorded', { licence: null }),
  ];
  const result = filterCatalog(entries, { licence: 'commercial' });
  assert.deepEqual(result.matches.map((match) => match.entry.id).sort(), ['apache', 'llama']);
  assert.deepEqual(result.excluded.map((model) => model.id), ['research', 'unrecorded']);
  assert.match(result.excluded[0]?.reasons[0] ?? '', /CC-BY-NC-4.0 does not allow commercial use/);
  assert.equal(filterCatalog(entries, { licence: 'any' }).matches.length, 4);
});

test('minimum context and tool calling', () => {
  const entries = [
    makeEntry('long', { contextLength: { value: 131072, ...provenance } }),
    makeEntry('short', { contextLength: { value: 8192, ...provenance } }),
    makeEntry('no-context', { contextLength: null }),
    makeEntry('no-tools', { contextLength: { value: 131072, ...provenance }, toolCalling: { value: false, ...provenance } }),
    makeEntry('tools-unknown', { contextLength: { value: 131072, ...provenance }, toolCalling: null }),
  ];
  assert.deepEqual(
    filterCatalog(entries, { minContextTokens: 32768 }).matches.map((match) => match.entry.id).sort(),
    ['long', 'no-tools', 'tools-unknown'],
  );
  const both = filterCatalog(entries, { minContextTokens: 32768, requireToolCalling: true });
  assert.deepEqual(both.matches.map((match) => match.entry.id), ['long']);
  assert.deepEqual(
    both.excluded.map((model) => [model.id, model.reasons]),
    [
      ['short', ['context shorter than required']],
      ['no-context', ['context length not recorded']],
      ['no-tools', ['no tool-calling support stated']],
      ['tools-unknown', ['tool-calling support not recorded']],
    ],
  );
});

test('on the bundled catalog: a 4 GB, commercial, tool-calling budget gives known small models only', () => {
  const result = filterCatalog(loadModelCatalog().models, { maxMemoryBytes: 4e9, licence: 'commercial', requireToolCalling: true });
  assert.ok(result.matches.length > 0);
  for (const { entry, memory } of result.matches) {
    assert.equal(memory.kind, 'computed');
    if (memory.kind === 'computed') assert.ok(memory.bytes <= 4e9, `${entry.id} fits`);
    assert.notEqual(entry.licence?.value.commercialUse, false);
    assert.equal(entry.toolCalling?.value, true);
  }
  assert.ok(!result.matches.some((match) => match.entry.family === 'xLAM-2'), 'research-only licences are left out');
});
