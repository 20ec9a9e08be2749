import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { storeTestEngines } from './internal/store-test-engines.ts';
import type { StoreTestLocation } from './internal/store-test-engines.ts';
import type { PseudonymRecord, Store } from './store.ts';

const row = (overrides: Partial<PseudonymRecord>): PseudonymRecord => ({ scope: 'project-a', kind: 'email', digest: 'd1', surrogate: 'maria@gmail.com', realCiphertext: 'Y2lwaGVy', createdAt: 1_750_000_000_000, ...overrides });

for (const testEngine of storeTestEngines()) {
  describe(`pseudonym repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    beforeEach(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    afterEach(() => location.dispose());

    it('stores rows once per scope and digest, and finds them by surrogate, digest and scope', async () => {
      assert.equal(await store.pseudonyms.insertMany([row({}), row({ digest: 'd2', kind: 'api_key', surrogate: '<API_KEY_1>', realCiphertext: null, createdAt: 1_750_000_000_001 })]), 2);
      assert.equal(await store.pseudonyms.insertMany([row({ surrogate: 'other@gmail.com' }), row({ scope: 'project-b' })]), 1, 'same scope and digest: skipped');
      assert.deepEqual(await store.pseudonyms.findBySurrogate('project-a', 'maria@gmail.com'), [row({})]);
      assert.deepEqual(await store.pseudonyms.findByDigest('project-a', 'd2'), row({ digest: 'd2', kind: 'api_key', surrogate: '<API_KEY_1>', realCiphertext: null, createdAt: 1_750_000_000_001 }));
      assert.equal(await store.pseudonyms.findByDigest('project-a', 'missing'), undefined);
      assert.deepEqual((await store.pseudonyms.listScope('project-a')).map((record) => record.digest), ['d1', 'd2']);
      assert.equal((await store.pseudonyms.listScope('project-b')).length, 1);
      assert.equal(await store.pseudonyms.insertMany([]), 0);
    });
  });
}
