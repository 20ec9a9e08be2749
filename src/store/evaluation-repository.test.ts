import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { StoredEvaluation } from '../contracts/dashboard-api.ts';
import { storeTestEngines, type StoreTestLocation } from './internal/store-test-engines.ts';
import type { Store } from './store.ts';

function evaluation(overrides: Partial<StoredEvaluation> = {}): StoredEvaluation {
  return {
    id: 'ev_1',
    specialistId: 'sp_a',
    task: 'support/extract-order',
    createdAt: 1_750_000_000_000,
    examples: 120,
    agreement: 0.958_333_333_333_333_4,
    validRate: 1,
    metric: 'json-fields',
    passed: true,
    threshold: 0.873_456_789_012_345_7,
    coverage: 0.9,
    failures: [{ input: 'Order 12 for Ana — “café”', expected: '{"id":12}', actual: '{"id":21}', score: 0.5, reason: 'field id differs' }],
    ...overrides,
  };
}

for (const testEngine of storeTestEngines()) {
  describe(`evaluation repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    beforeEach(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    afterEach(() => location.dispose());

    it('round-trips an evaluation: fractions, nulls, failures and the passed flag', async () => {
      const full = evaluation();
      const bare = evaluation({ id: 'ev_2', specialistId: 'sp_b', passed: false, threshold: null, coverage: null, failures: [] });
      await store.evaluations.put(full);
      await store.evaluations.put(bare);
      assert.deepEqual(await store.evaluations.latest('sp_a'), full);
      assert.deepEqual(await store.evaluations.latest('sp_b'), bare);
      assert.equal(await store.evaluations.latest('sp_missing'), undefined);
    });

    it('lists newest first, filtered by task and specialist, and keeps the newest as latest', async () => {
      await store.evaluations.put(evaluation({ id: 'ev_old', createdAt: 1000 }));
      await store.evaluations.put(evaluation({ id: 'ev_new', createdAt: 3000, agreement: 0.99 }));
      await store.evaluations.put(evaluation({ id: 'ev_other', specialistId: 'sp_b', task: 'other', createdAt: 2000 }));
      assert.deepEqual((await store.evaluations.list()).map((entry) => entry.id), ['ev_new', 'ev_other', 'ev_old']);
      assert.deepEqual((await store.evaluations.list({ task: 'support/extract-order' })).map((entry) => entry.id), ['ev_new', 'ev_old']);
      assert.deepEqual((await store.evaluations.list({ specialistId: 'sp_b' })).map((entry) => entry.id), ['ev_other']);
      assert.deepEqual((await store.evaluations.list({ limit: 1 })).map((entry) => entry.id), ['ev_new']);
      assert.equal((await store.evaluations.latest('sp_a'))?.agreement, 0.99);
    });

    it('refuses an id already stored', async () => {
      await store.evaluations.put(evaluation());
      await assert.rejects(store.evaluations.put(evaluation({ agreement: 0.1 })));
      assert.equal((await store.evaluations.latest('sp_a'))?.agreement, evaluation().agreement);
    });
  });
}
