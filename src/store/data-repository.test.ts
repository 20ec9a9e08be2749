/**
 * The data repository on both engines: deletion by selector takes the calls and their observations and says
 * what it took; strings still used by remaining calls are found; pseudonyms, evaluations and finished jobs go
 * by their own keys; compaction runs. End-to-end deletion (spool, datasets, bytes on disk) is tested in
 * src/gateway/data-deletion.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RouteObservation } from '../contracts/route-policy.ts';
import { createTestCallRecord } from './internal/call-record-fixture.ts';
import { storeTestEngines, type StoreTestLocation } from './internal/store-test-engines.ts';
import type { Store } from './store.ts';

function observation(id: string, callId: string): RouteObservation {
  return { id, callId, task: 'extract', specialistId: 'sp_1', kind: 'shadow', mode: 'shadow', valid: true, agreed: true, score: 1, confidence: null, specialistLatencyMs: 5, llmCostUsd: null, escalationReason: null, at: 1 };
}

for (const testEngine of storeTestEngines()) {
  describe(`data repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    before(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    after(() => location.dispose());

    it('deletes by end user with observations, leaves the rest, and finds surrogates still in use', async () => {
      const base = createTestCallRecord();
      const withText = (id: string, endUserId: string, text: string, task: string | null) =>
        createTestCallRecord({ id, endUserId, task, projectId: 'p1', request: { ...base.request, messages: [{ role: 'user', content: text }] } });
      await store.calls.insertMany([withText('c1', 'u1', 'Ana "Ruiz" wrote', 'extract'), withText('c2', 'u1', 'plain', null), withText('c3', 'u2', 'Ana "Ruiz" again', 'extract')]);
      await store.observations.append([observation('o1', 'c1'), observation('o3', 'c3')]);
      await assert.rejects(store.data.deleteCalls({}), /at least one/);

      const seen: string[] = [];
      const deleted = await store.data.deleteCalls({ endUserId: 'u1' }, { onBatch: (calls) => void seen.push(...calls.map((call) => call.text)) });
      assert.deepEqual([...deleted.callIds].sort(), ['c1', 'c2']);
      assert.deepEqual({ calls: deleted.calls, observations: deleted.observations, projectIds: deleted.projectIds, tasks: deleted.tasks, untaggedCalls: deleted.untaggedCalls }, { calls: 2, observations: 1, projectIds: ['p1'], tasks: ['extract'], untaggedCalls: 1 });
      assert.ok(seen.some((text) => text.includes('Ana \\"Ruiz\\" wrote')));
      assert.equal(await store.calls.count(), 1);
      assert.deepEqual((await store.observations.list()).map((row) => row.id), ['o3']);
      // Quotes are looked for as JSON writes them.
      assert.deepEqual([...(await store.data.findStringsInCalls('p1', ['"Ruiz"', 'wrote', 'Ana']))].sort(), ['"Ruiz"', 'Ana']);
      assert.deepEqual(await store.data.findStringsInCalls('p2', ['Ana']), new Set());
    });

    it('deletes pseudonyms by scope or surrogate, evaluations by specialist, finished jobs by age, and compacts', async () => {
      const row = (digest: string, surrogate: string, scope = 'p1') => ({ scope, kind: 'email', digest, surrogate, realCiphertext: 'AAAA', createdAt: 1 });
      await store.pseudonyms.insertMany([row('d1', 's1'), row('d2', 's2'), row('d3', 's3'), row('d4', 's4', 'dataset:extract')]);
      assert.equal(await store.data.deletePseudonyms('p1', ['s1', 's3', 'missing']), 2);
      assert.deepEqual((await store.pseudonyms.listScope('p1')).map((record) => record.surrogate), ['s2']);
      assert.equal(await store.data.deletePseudonyms('dataset:extract'), 1);

      await store.evaluations.put({ id: 'ev1', specialistId: 'sp_old', task: 'extract', createdAt: 1, examples: 1, agreement: 1, validRate: 1, metric: 'exact', passed: true, threshold: null, coverage: null, failures: [] });
      assert.equal(await store.data.deleteEvaluations(['sp_old', 'sp_none']), 1);

      const finished = await store.jobs.enqueue({ kind: 'train', spec: {} });
      await store.jobs.claimNext({ workerId: 'w', kinds: ['train'], staleAfterMs: 60_000 });
      await store.jobs.finish(finished.id, 'w', { status: 'failed', error: 'x' });
      const queued = await store.jobs.enqueue({ kind: 'train', spec: {} });
      assert.equal(await store.data.deleteFinishedJobs(Date.now() - 60_000), 0);
      assert.equal(await store.data.deleteFinishedJobs(Date.now() + 60_000), 1);
      assert.deepEqual((await store.jobs.list()).map((job) => job.id), [queued.id]);
      await store.data.compact();
    });
  });
}
