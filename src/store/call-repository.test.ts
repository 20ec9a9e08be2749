import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { CallRecord } from '../contracts/call-record.ts';
import { createTestCallRecord, createTestCallRecords } from './internal/call-record-fixture.ts';
import { storeTestEngines } from './internal/store-test-engines.ts';
import type { StoreTestLocation } from './internal/store-test-engines.ts';
import type { Store } from './store.ts';

for (const testEngine of storeTestEngines()) {
  describe(`call repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    beforeEach(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    afterEach(() => location.dispose());

    it('inserts a batch once: a re-insert adds nothing, a mixed batch adds only the new calls', async () => {
      const records = createTestCallRecords(250, 'batch');
      assert.equal(await store.calls.insertMany(records), 250);
      assert.equal(await store.calls.insertMany(records), 0);
      const mixed = [...records.slice(0, 120), ...createTestCallRecords(130, 'more')];
      assert.equal(await store.calls.insertMany(mixed), 130);
      assert.equal(await store.calls.count(), 380);
    });

    it('counts a call repeated inside one batch once', async () => {
      const record = createTestCallRecord({ id: 'twice' });
      assert.equal(await store.calls.insertMany([record, record]), 1);
      assert.equal(await store.calls.insertMany([]), 0);
    });

    it('stores a batch atomically: one bad row keeps the whole batch out', async () => {
      const records = createTestCallRecords(150, 'atomic');
      // A row that violates NOT NULL, as a damaged spool line could; the cast is the point of the test.
      const broken = { ...createTestCallRecord({ id: 'atomic-broken' }), model: null } as unknown as CallRecord;
      await assert.rejects(store.calls.insertMany([...records, broken]));
      assert.equal(await store.calls.count(), 0);
    });

    it('round-trips a full call, nested JSON and all, and a call made mostly of nulls', async () => {
      const full = createTestCallRecord({ id: 'full', stream: true, tokensEstimated: true, ttftMs: 95.25 });
      const sparse = createTestCallRecord({
        id: 'sparse',
        source: 'sdk',
        endUserId: null,
        episodeId: null,
        task: null,
        status: 'error',
        errorClass: 'upstream_timeout',
        errorMessage: 'upstream did not answer within 600000 ms',
        httpStatus: null,
        responseModel: null,
        provider: null,
        ttftMs: null,
        tokensIn: null,
        tokensOut: null,
        costUsd: null,
        finishReason: null,
        request: { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stop: null },
        response: null,
      });
      await store.calls.insertMany([full, sparse]);
      // Records without `routing` (shaped like calls logged before routing) read back with `routing: null`.
      assert.deepEqual(await store.calls.get('full'), { ...full, routing: null });
      assert.deepEqual(await store.calls.get('sparse'), { ...sparse, routing: null });
      assert.equal(await store.calls.get('missing'), undefined);
    });

    it('lists with filters, order, limit and offset', async () => {
      const base = createTestCallRecord();
      const records: CallRecord[] = [
        { ...base, id: 'a1', projectId: 'alpha', episodeId: 'e1', task: 'classify', startedAt: 1000 },
        { ...base, id: 'a2', projectId: 'alpha', episodeId: 'e1', task: 'extract', startedAt: 2000, status: 'error', errorClass: 'upstream_5xx' },
        { ...base, id: 'a3', projectId: 'alpha', episodeId: 'e2', task: 'classify', startedAt: 3000, source: 'import' },
        { ...base, id: 'b1', projectId: 'beta', episodeId: null, task: null, startedAt: 2000 },
        { ...base, id: 'b2', projectId: 'beta', episodeId: null, task: null, startedAt: 2000, status: 'cancelled' },
      ];
      await store.calls.insertMany(records);
      const ids = async (options: Parameters<Store['calls']['list']>[0]): Promise<string[]> =>
        (await store.calls.list(options)).map((record) => record.id);

      assert.deepEqual(await ids({ limit: 10 }), ['a3', 'b2', 'b1', 'a2', 'a1']);
      assert.deepEqual(await ids({ limit: 10, order: 'asc' }), ['a1', 'a2', 'b1', 'b2', 'a3']);
      assert.deepEqual(await ids({ limit: 2 }), ['a3', 'b2']);
      assert.deepEqual(await ids({ limit: 2, offset: 2 }), ['b1', 'a2']);
      assert.deepEqual(await ids({ limit: 10, projectId: 'alpha' }), ['a3', 'a2', 'a1']);
      assert.deepEqual(await ids({ limit: 10, episodeId: 'e1', order: 'asc' }), ['a1', 'a2']);
      assert.deepEqual(await ids({ limit: 10, task: 'classify' }), ['a3', 'a1']);
      assert.deepEqual(await ids({ limit: 10, status: 'error' }), ['a2']);
      assert.deepEqual(await ids({ limit: 10, source: 'import' }), ['a3']);
      assert.deepEqual(await ids({ limit: 10, since: 2000, until: 3000, order: 'asc' }), ['a2', 'b1', 'b2']);
      assert.deepEqual(await ids({ limit: 10, since: 1999.5, until: 2000.5 }), ['b2', 'b1', 'a2']);
      assert.deepEqual(await ids({ limit: 10, projectId: 'beta', status: 'ok' }), ['b1']);
      assert.deepEqual(await ids({ limit: 0 }), []);
      await assert.rejects(store.calls.list({ limit: -1 }), { code: 'invalid_request' });
    });

    it('counts and summarises with filters, treating unknown tokens and cost as zero', async () => {
      const base = createTestCallRecord();
      await store.calls.insertMany([
        { ...base, id: 's1', projectId: 'alpha', tokensIn: 100, tokensOut: 10, costUsd: 0.25 },
        { ...base, id: 's2', projectId: 'alpha', tokensIn: 50, tokensOut: 5, costUsd: 0.125 },
        { ...base, id: 's3', projectId: 'alpha', tokensIn: null, tokensOut: null, costUsd: null },
        { ...base, id: 's4', projectId: 'beta', tokensIn: 7, tokensOut: 3, costUsd: 1 },
      ]);
      assert.equal(await store.calls.count(), 4);
      assert.equal(await store.calls.count({ projectId: 'alpha' }), 3);
      assert.deepEqual(await store.calls.summarize({ projectId: 'alpha' }), { calls: 3, tokensIn: 150, tokensOut: 15, costUsd: 0.375 });
      assert.deepEqual(await store.calls.summarize(), { calls: 4, tokensIn: 157, tokensOut: 18, costUsd: 1.375 });
      assert.deepEqual(await store.calls.summarize({ projectId: 'nobody' }), { calls: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 });
    });

    it('places calls in discovered tasks in batches, re-places and clears them, and counts only real changes', async () => {
      // 620 calls: more than one 500-id statement for one task.
      const records = createTestCallRecords(620, 'placed').map((record) => ({ ...record, task: null }));
      await store.calls.insertMany(records);
      const placedIn = async (id: string) => (await store.calls.get(id))?.discoveredTask;
      const first = records.map((record, index) => ({ callId: record.id, task: index < 600 ? 'd-alpha' : 'd-beta' }));
      assert.equal(await store.calls.assignDiscoveredTasks(first), 620);
      assert.equal(await placedIn(records[0]!.id), 'd-alpha');
      assert.equal(await placedIn(records[599]!.id), 'd-alpha');
      assert.equal(await placedIn(records[619]!.id), 'd-beta');
      assert.equal(await store.calls.assignDiscoveredTasks(first), 0, 'placements already stored change nothing');

      // The next discovery: one call moves, one fits no task any more, one is listed twice (the last entry wins),
      // an unknown id is ignored, and calls not listed keep their placement.
      const second = [
        { callId: records[0]!.id, task: 'd-beta' },
        { callId: records[1]!.id, task: null },
        { callId: records[2]!.id, task: 'd-beta' },
        { callId: records[2]!.id, task: 'd-alpha' },
        { callId: 'no-such-call', task: 'd-alpha' },
      ];
      assert.equal(await store.calls.assignDiscoveredTasks(second), 2);
      assert.equal(await placedIn(records[0]!.id), 'd-beta');
      assert.equal(await placedIn(records[1]!.id), undefined, 'a cleared call reads back without a discovered task');
      assert.equal(await placedIn(records[2]!.id), 'd-alpha');
      assert.equal(await placedIn(records[3]!.id), 'd-alpha');
      assert.equal(await store.calls.get('no-such-call'), undefined);
      const listed = await store.calls.list({ limit: 1_000 });
      assert.equal(listed.filter((record) => record.discoveredTask === 'd-alpha').length, 598);
      assert.equal(listed.filter((record) => record.discoveredTask === 'd-beta').length, 21);
      assert.equal(await store.calls.assignDiscoveredTasks([]), 0);
      await assert.rejects(store.calls.assignDiscoveredTasks([{ callId: records[0]!.id, task: '' }]), { code: 'invalid_request' });

      // Placed calls are deleted like any other: the column holds no reference that could keep them.
      const deleted = await store.data.deleteCalls({ projectId: records[0]!.projectId });
      assert.equal(deleted.calls, 620);
      assert.equal(await store.calls.count(), 0);
    });

    it('round-trips a discovered task given with the record', async () => {
      const placed = createTestCallRecord({ id: 'placed', task: null, discoveredTask: 'd-gamma' });
      await store.calls.insertMany([placed]);
      assert.deepEqual(await store.calls.get('placed'), { ...placed, routing: null });
    });

    it('returns numbers, not strings, for int8 and aggregate columns', async () => {
      await store.calls.insertMany([createTestCallRecord({ id: 'numbers', startedAt: 1_750_000_123_456 })]);
      const record = await store.calls.get('numbers');
      assert.equal(typeof record?.startedAt, 'number');
      assert.equal(record?.startedAt, 1_750_000_123_456);
      const summary = await store.calls.summarize();
      for (const value of Object.values(summary)) assert.equal(typeof value, 'number');
    });
  });
}
