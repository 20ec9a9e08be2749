import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { KnownTask } from '../contracts/task-signature.ts';
import { storeTestEngines, type StoreTestLocation } from './internal/store-test-engines.ts';
import type { Store } from './store.ts';

/** A task as discovery writes it: role-prefixed skeleton sentences and structure keys, as `extractCallFeatures` reads them. */
function knownTask(overrides: Partial<KnownTask> = {}): KnownTask {
  return {
    id: 'support/extract-order',
    name: 'Extract the order from a support email',
    source: 'discovered',
    agency: 'language-model',
    signature: {
      anchors: ['s:extract the order fields. answer with the tool.', 'u:email:'],
      optional: ['s:if no order number is given, answer null.'],
      structure: ['t:record_order', 'r:json_schema'],
    },
    tools: ['record_order'],
    responseFormat: 'json_schema',
    callCount: 1200,
    openEnded: false,
    updatedAt: 1_750_000_000_000,
    ...overrides,
  };
}

for (const testEngine of storeTestEngines()) {
  describe(`task repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    beforeEach(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    afterEach(() => location.dispose());

    it('round-trips a task: signature, tools, nulls and booleans', async () => {
      const full = knownTask();
      const sparse = knownTask({
        id: 'chat/free-conversation',
        name: 'Free conversation',
        source: 'declared',
        agency: 'code',
        signature: { anchors: [], optional: [], structure: [] },
        tools: [],
        responseFormat: null,
        callCount: 0,
        openEnded: true,
      });
      await store.tasks.upsert([full, sparse]);
      assert.deepEqual(await store.tasks.get(full.id), full);
      assert.deepEqual(await store.tasks.get(sparse.id), sparse);
      assert.equal(await store.tasks.get('missing'), undefined);
    });

    it('replaces a task whole on upsert, the last of duplicate ids in one batch winning', async () => {
      await store.tasks.upsert([knownTask()]);
      const rediscovered = knownTask({
        name: 'Extract order and customer',
        signature: { anchors: ['s:extract the order and the customer.'], optional: [], structure: ['t:record_order'] },
        tools: ['record_order', 'lookup_customer'],
        responseFormat: null,
        callCount: 1500,
        openEnded: true,
        updatedAt: 1_750_000_100_000,
      });
      await store.tasks.upsert([knownTask({ callCount: 1 }), rediscovered]);
      assert.deepEqual(await store.tasks.get(rediscovered.id), rediscovered);
      assert.equal((await store.tasks.list()).length, 1);
      await store.tasks.upsert([]);
      assert.equal((await store.tasks.list()).length, 1);
    });

    it('lists most calls first, ties by id', async () => {
      await store.tasks.upsert([
        knownTask({ id: 'b', callCount: 10 }),
        knownTask({ id: 'c', callCount: 300 }),
        knownTask({ id: 'a', callCount: 10 }),
        knownTask({ id: 'd', callCount: 30_000 }),
      ]);
      const listed = await store.tasks.list();
      assert.deepEqual(
        listed.map((task) => [task.id, task.callCount]),
        [
          ['d', 30_000],
          ['c', 300],
          ['a', 10],
          ['b', 10],
        ],
      );
    });

    it('upserts more tasks than one statement holds', async () => {
      const tasks = Array.from({ length: 450 }, (_, index) => knownTask({ id: `task-${String(index).padStart(3, '0')}`, callCount: index }));
      await store.tasks.upsert(tasks);
      const listed = await store.tasks.list();
      assert.equal(listed.length, 450);
      assert.equal(listed[0]?.id, 'task-449');
      assert.deepEqual(listed.at(-1), tasks[0]);
    });
  });
}
