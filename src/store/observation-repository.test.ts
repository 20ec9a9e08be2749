import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RouteObservation } from '../contracts/route-policy.ts';
import { storeTestEngines, type StoreTestLocation } from './internal/store-test-engines.ts';
import type { Store } from './store.ts';

function observation(overrides: Partial<RouteObservation> & Pick<RouteObservation, 'id' | 'at'>): RouteObservation {
  return {
    callId: `call-${overrides.id}`,
    task: 'support/extract-order',
    specialistId: 'sp_1',
    kind: 'served',
    mode: 'live',
    valid: true,
    agreed: null,
    score: null,
    confidence: 0.93,
    specialistLatencyMs: 41.5,
    llmCostUsd: null,
    escalationReason: null,
    ...overrides,
  };
}

for (const testEngine of storeTestEngines()) {
  describe(`observation repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    beforeEach(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    afterEach(() => location.dispose());

    it('round-trips every kind: true, false and null booleans, fractions and nulls', async () => {
      const written: RouteObservation[] = [
        observation({ id: 'o1', at: 1_750_000_000_001, confidence: 0.1 + 0.2, specialistLatencyMs: 12.345678901234 }),
        observation({
          id: 'o2',
          at: 1_750_000_000_002,
          kind: 'escalated',
          valid: null,
          confidence: null,
          specialistLatencyMs: 1500,
          llmCostUsd: 0.000_110_4,
          escalationReason: 'timeout',
        }),
        observation({ id: 'o3', at: 1_750_000_000_003, kind: 'shadow', mode: 'shadow', valid: false, agreed: false, score: 0, llmCostUsd: 0.0021 }),
        observation({ id: 'o4', at: 1_750_000_000_004, kind: 'audit', valid: true, agreed: true, score: 0.8333333333333334, llmCostUsd: 1e-9 }),
      ];
      await store.observations.append(written);
      assert.deepEqual(await store.observations.list(), written);
    });

    it('recent: one task, newest first, narrowed by specialist and kinds, limited', async () => {
      await store.observations.append([
        observation({ id: 'a', at: 100, kind: 'served' }),
        observation({ id: 'b', at: 200, kind: 'escalated', valid: false, escalationReason: 'invalid_output' }),
        observation({ id: 'c', at: 300, kind: 'shadow', mode: 'shadow', specialistId: 'sp_2', agreed: true, score: 1 }),
        observation({ id: 'd', at: 400, kind: 'served' }),
        observation({ id: 'e', at: 500, kind: 'audit', agreed: false, score: 0.5 }),
        observation({ id: 'x', at: 600, task: 'other/task' }),
      ]);
      const ids = async (filter: Parameters<Store['observations']['recent']>[0]) => (await store.observations.recent(filter)).map((entry) => entry.id);
      const task = 'support/extract-order';
      assert.deepEqual(await ids({ task, limit: 10 }), ['e', 'd', 'c', 'b', 'a']);
      assert.deepEqual(await ids({ task, limit: 2 }), ['e', 'd']);
      assert.deepEqual(await ids({ task, specialistId: 'sp_1', limit: 10 }), ['e', 'd', 'b', 'a']);
      assert.deepEqual(await ids({ task, specialistId: 'sp_2', limit: 10 }), ['c']);
      assert.deepEqual(await ids({ task, kinds: ['served', 'escalated'], limit: 10 }), ['d', 'b', 'a']);
      assert.deepEqual(await ids({ task, kinds: ['served', 'escalated'], limit: 2 }), ['d', 'b']);
      assert.deepEqual(await ids({ task, specialistId: 'sp_1', kinds: ['shadow', 'audit'], limit: 10 }), ['e']);
      assert.deepEqual(await ids({ task, kinds: [], limit: 10 }), []);
      assert.deepEqual(await ids({ task: 'nobody', limit: 10 }), []);
    });

    it('list: oldest first, all tasks unless one is named, since inclusive and until exclusive', async () => {
      await store.observations.append([
        observation({ id: 'b2', at: 2000, task: 'b' }),
        observation({ id: 'a1', at: 1000, task: 'a' }),
        observation({ id: 'a3', at: 3000, task: 'a' }),
        observation({ id: 'a2', at: 2000, task: 'a' }),
      ]);
      const ids = async (filter?: Parameters<Store['observations']['list']>[0]) => (await store.observations.list(filter)).map((entry) => entry.id);
      assert.deepEqual(await ids(), ['a1', 'a2', 'b2', 'a3']);
      assert.deepEqual(await ids({ task: 'a' }), ['a1', 'a2', 'a3']);
      assert.deepEqual(await ids({ since: 2000 }), ['a2', 'b2', 'a3']);
      assert.deepEqual(await ids({ until: 3000 }), ['a1', 'a2', 'b2']);
      assert.deepEqual(await ids({ task: 'a', since: 2000, until: 3000 }), ['a2']);
      assert.deepEqual(await ids({ since: 3001 }), []);
    });

    it('appends batches larger than one statement and skips ids already stored', async () => {
      const many = Array.from({ length: 1234 }, (_, index) => observation({ id: `o-${String(index).padStart(4, '0')}`, at: 10_000 + index, score: index / 1234 }));
      await store.observations.append(many);
      await store.observations.append([many[0]!, { ...many[1]!, score: 0.5 }, observation({ id: 'new', at: 20_000 })]);
      await store.observations.append([]);
      const listed = await store.observations.list();
      assert.equal(listed.length, 1235);
      assert.deepEqual(listed.slice(0, 1234), many, 'a retried id keeps the row first written');
      assert.equal(listed.at(-1)?.id, 'new');
    });
  });
}
