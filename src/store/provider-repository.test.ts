import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { storeTestEngines } from './internal/store-test-engines.ts';
import type { StoreTestLocation } from './internal/store-test-engines.ts';
import type { ModelRecord, ProviderRecord, Store } from './store.ts';

const openai: ProviderRecord = { name: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', updatedAt: 1_750_000_000_000 };
const local: ProviderRecord = { name: 'local', baseUrl: 'http://127.0.0.1:8080/v1', apiKeyEnv: null, updatedAt: 1_750_000_000_000 };
const miniModel: ModelRecord = {
  name: 'gpt-4.1-mini',
  providerName: 'openai',
  inputPerMillion: 0.4,
  outputPerMillion: 1.6,
  priceSource: 'https://openai.com/api/pricing/',
  updatedAt: 1_750_000_000_000,
};
const localModel: ModelRecord = {
  name: 'smollm2-135m',
  providerName: 'local',
  inputPerMillion: null,
  outputPerMillion: null,
  priceSource: null,
  updatedAt: 1_750_000_000_000,
};

for (const testEngine of storeTestEngines()) {
  describe(`provider repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    beforeEach(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    afterEach(() => location.dispose());

    it('mirrors providers and models, replacing the previous set whole', async () => {
      await store.providers.sync([openai, local], [miniModel, localModel]);
      assert.deepEqual(await store.providers.listProviders(), [local, openai]);
      assert.deepEqual(await store.providers.listModels(), [localModel, miniModel]);

      const repriced = { ...miniModel, inputPerMillion: 0.3, updatedAt: 1_760_000_000_000 };
      await store.providers.sync([openai], [repriced]);
      assert.deepEqual(await store.providers.listProviders(), [openai]);
      assert.deepEqual(await store.providers.listModels(), [repriced]);

      await store.providers.sync([], []);
      assert.deepEqual(await store.providers.listProviders(), []);
    });

    it('refuses a model whose provider is not synced, leaving the mirror as it was', async () => {
      await store.providers.sync([openai], [miniModel]);
      await assert.rejects(store.providers.sync([local], [miniModel]));
      assert.deepEqual(await store.providers.listModels(), [miniModel]);
    });
  });
}
