import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { storeTestEngines } from './internal/store-test-engines.ts';
import type { StoreTestLocation } from './internal/store-test-engines.ts';
import type { Store } from './store.ts';

for (const testEngine of storeTestEngines()) {
  describe(`setting repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    beforeEach(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    afterEach(() => location.dispose());

    it('returns undefined for an unset key, then the latest value set', async () => {
      assert.equal(await store.settings.get('admin.token_hash'), undefined);
      await store.settings.set('admin.token_hash', 'first');
      await store.settings.set('admin.token_hash', 'second');
      assert.equal(await store.settings.get('admin.token_hash'), 'second');
      await store.settings.set('empty', '');
      assert.equal(await store.settings.get('empty'), '');
    });
  });
}
