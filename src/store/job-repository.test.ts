import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { storeTestEngines, type StoreTestLocation } from './internal/store-test-engines.ts';
import type { Store } from './store.ts';

for (const testEngine of storeTestEngines()) {
  describe(`job repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    beforeEach(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    afterEach(() => location.dispose());

    it('hands each queued job to exactly one of many concurrent workers, oldest first, only of the kinds asked for', async () => {
      const first = await store.jobs.enqueue({ kind: 'train', spec: { task: 'a' } });
      await new Promise((resolve) => setTimeout(resolve, 2));
      const second = await store.jobs.enqueue({ kind: 'train', spec: { task: 'b' } });
      await store.jobs.enqueue({ kind: 'evaluate', spec: {} });
      const other = await location.open();
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, index) => (index % 2 === 0 ? store : other).jobs.claimNext({ workerId: `w${index}`, kinds: ['train'], staleAfterMs: 60_000 })),
      );
      const taken = claims.filter((claim) => claim !== undefined);
      assert.equal(taken.length, 2, 'two train jobs, two claims succeed');
      assert.deepEqual(new Set(taken.map((claim) => claim.id)), new Set([first.id, second.id]));
      for (const claim of taken) {
        assert.equal(claim.status, 'running');
        assert.equal(claim.attempts, 1);
        assert.ok(claim.startedAt !== null && claim.heartbeatAt !== null);
      }
      assert.deepEqual((await store.jobs.get(first.id))?.spec, { task: 'a' });
      assert.equal((await store.jobs.list({ status: 'queued' })).length, 1, 'the evaluate job is still queued');
    });

    it('reclaims a running job whose worker stopped heartbeating, and the old worker can no longer touch it', async () => {
      const job = await store.jobs.enqueue({ kind: 'train', spec: {} });
      const now = Date.now();
      const claimed = await store.jobs.claimNext({ workerId: 'dead', kinds: ['train'], staleAfterMs: 1000, now: now - 10_000 });
      assert.equal(claimed?.id, job.id);
      assert.equal(await store.jobs.claimNext({ workerId: 'other', kinds: ['train'], staleAfterMs: 60_000, now }), undefined, 'not stale yet under a longer limit');
      const reclaimed = await store.jobs.claimNext({ workerId: 'alive', kinds: ['train'], staleAfterMs: 1000, now });
      assert.equal(reclaimed?.id, job.id);
      assert.equal(reclaimed?.workerId, 'alive');
      assert.equal(reclaimed?.attempts, 2);
      assert.equal(reclaimed?.startedAt, now - 10_000, 'first start kept');
      assert.deepEqual(await store.jobs.heartbeat(job.id, 'dead', { step: 3 }), { owned: false, cancelRequested: false });
      assert.equal(await store.jobs.finish(job.id, 'dead', { status: 'failed', error: 'late' }), false);
      assert.deepEqual(await store.jobs.heartbeat(job.id, 'alive', { step: 4, loss: 1.5 }), { owned: true, cancelRequested: false });
      assert.equal(await store.jobs.finish(job.id, 'alive', { status: 'succeeded', result: { adapter: 'a.gguf' } }), true);
      const done = await store.jobs.get(job.id);
      assert.equal(done?.status, 'succeeded');
      assert.deepEqual(done?.progress, { step: 4, loss: 1.5 });
      assert.deepEqual(done?.result, { adapter: 'a.gguf' });
      assert.ok(done?.finishedAt !== null);
      assert.equal(await store.jobs.finish(job.id, 'alive', { status: 'failed', error: 'twice' }), false, 'a finished job stays finished');
    });

    it('cancels a queued job at once and flags a running one for its worker', async () => {
      const queued = await store.jobs.enqueue({ kind: 'train', spec: {} });
      const cancelled = await store.jobs.requestCancel(queued.id);
      assert.equal(cancelled?.status, 'cancelled');
      assert.equal(await store.jobs.claimNext({ workerId: 'w', kinds: ['train'], staleAfterMs: 1000 }), undefined);
      const running = await store.jobs.enqueue({ kind: 'train', spec: {} });
      await store.jobs.claimNext({ workerId: 'w', kinds: ['train'], staleAfterMs: 1000 });
      assert.equal((await store.jobs.requestCancel(running.id))?.status, 'running');
      assert.deepEqual(await store.jobs.heartbeat(running.id, 'w', null), { owned: true, cancelRequested: true });
      assert.equal(await store.jobs.finish(running.id, 'w', { status: 'cancelled' }), true);
      assert.equal((await store.jobs.get(running.id))?.error, 'cancelled on request');
      assert.equal(await store.jobs.requestCancel('job_missing'), undefined);
    });

    it('registers specialists and lists the ready ones of a task, newest first', async () => {
      const base = { task: 'support/extract-order', status: 'ready' as const, baseModel: '/m/base.gguf', adapterHfDir: null, promptFormat: 'chat-template' as const, promptContext: null, datasetVersion: 'v-0123456789ab', jobId: null, metrics: { exact: 0.97 } };
      await store.specialists.register({ ...base, id: 'sp_1', name: 'one', adapterPath: '/a/1.gguf', createdAt: 1 });
      await store.specialists.register({ ...base, id: 'sp_2', name: 'two', adapterPath: '/a/2.gguf', createdAt: 2 });
      await store.specialists.register({ ...base, id: 'sp_3', task: 'other', name: 'three', adapterPath: null, createdAt: 3 });
      await assert.rejects(store.specialists.register({ ...base, id: 'sp_1', name: 'dup', adapterPath: null, createdAt: 4 }));
      assert.deepEqual((await store.specialists.list({ task: 'support/extract-order' })).map((record) => record.id), ['sp_2', 'sp_1']);
      assert.equal(await store.specialists.setStatus('sp_2', 'retired'), true);
      assert.deepEqual((await store.specialists.list({ task: 'support/extract-order' })).map((record) => record.id), ['sp_1']);
      assert.equal((await store.specialists.list({ task: 'support/extract-order', includeRetired: true })).length, 2);
      assert.deepEqual((await store.specialists.get('sp_1'))?.metrics, { exact: 0.97 });
      assert.equal((await store.specialists.get('sp_1'))?.promptContext, null);
      const learned = { system: 'a'.repeat(64), tools: null };
      await store.specialists.register({ ...base, id: 'sp_4', name: 'four', adapterPath: '/a/4.gguf', promptContext: learned, createdAt: 5 });
      assert.deepEqual((await store.specialists.get('sp_4'))?.promptContext, learned, 'the prompt context it was trained without comes back');
    });
  });
}
