import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { citiesIn, streetsIn, valuePools } from './value-pools.ts';
import type { ValuePools } from './value-pools.ts';

/** Every value of a pool as comparable text, one set per field. */
function fieldValues(pools: ValuePools): Record<string, Set<string>> {
  return {
    firstNames: new Set(pools.firstNames),
    lastNames: new Set(pools.lastNames),
    companies: new Set(pools.companies),
    cities: new Set(pools.cities.map((entry) => entry.city)),
    streets: new Set(pools.streets.map((entry) => entry.street)),
    products: new Set(pools.products.map((entry) => entry.name)),
    emailDomains: new Set(pools.emailDomains),
    productCategories: new Set(pools.productCategories),
  };
}

describe('valuePools', () => {
  const train = valuePools('train');
  const evaluation = valuePools('eval');

  it('keeps every field of the evaluation pool disjoint from the training pool', () => {
    const trainFields = fieldValues(train);
    const evalFields = fieldValues(evaluation);
    for (const [field, values] of Object.entries(evalFields)) {
      const shared = [...values].filter((value) => trainFields[field]!.has(value));
      assert.deepEqual(shared, [], `${field} shared between splits`);
    }
  });

  it('never lets an evaluation name token appear anywhere among training names, in any case or accent', () => {
    const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const trainNames = new Set([...train.firstNames, ...train.lastNames].map(fold));
    for (const name of [...evaluation.firstNames, ...evaluation.lastNames]) assert.ok(!trainNames.has(fold(name)), name);
  });

  it('has large, duplicate-free name lists and products in their own categories', () => {
    for (const pools of [train, evaluation]) {
      assert.ok(pools.firstNames.length >= 60 && pools.lastNames.length >= 60);
      assert.equal(new Set(pools.firstNames).size, pools.firstNames.length);
      assert.equal(new Set(pools.lastNames).size, pools.lastNames.length);
      for (const product of pools.products) {
        assert.ok(pools.productCategories.includes(product.category), product.name);
        assert.ok(Number.isInteger(product.priceCents) && product.priceCents > 0);
      }
    }
  });

  it('has cities and streets in every address country of both splits', () => {
    for (const split of ['train', 'eval'] as const) {
      for (const country of ['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'NL', 'ES', 'IT', 'BE']) {
        assert.ok(citiesIn(split, country).length > 0, `${split} cities ${country}`);
        assert.ok(streetsIn(split, country).length > 0, `${split} streets ${country}`);
      }
    }
  });

  it('returns frozen data', () => {
    assert.ok(Object.isFrozen(train.firstNames));
    assert.ok(Object.isFrozen(train.cities[0]));
    assert.throws(() => (train.firstNames as string[]).push('Intruder'));
  });
});
