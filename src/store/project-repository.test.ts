import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { storeTestEngines } from './internal/store-test-engines.ts';
import type { StoreTestLocation } from './internal/store-test-engines.ts';
import type { Store } from './store.ts';

for (const testEngine of storeTestEngines()) {
  describe(`project repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    beforeEach(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    afterEach(() => location.dispose());

    it('creates a project once and keeps its first name', async () => {
      const created = await store.projects.ensure('shop', 'The Shop');
      assert.equal(created.name, 'The Shop');
      assert.equal(typeof created.createdAt, 'number');
      assert.deepEqual(await store.projects.ensure('shop', 'Renamed?'), created);
      assert.deepEqual(await store.projects.ensure('shop'), created);
    });

    it('names a project after its id by default and lists projects oldest first', async () => {
      const first = await store.projects.ensure('first');
      const second = await store.projects.ensure('second');
      assert.equal(first.name, 'first');
      assert.deepEqual(
        (await store.projects.list()).map((project) => project.id),
        first.createdAt <= second.createdAt ? ['first', 'second'] : ['second', 'first'],
      );
    });
  });
}
