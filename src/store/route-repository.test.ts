import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RoutePolicy, RoutingExplanation } from '../contracts/route-policy.ts';
import { createTestCallRecord } from './internal/call-record-fixture.ts';
import { storeTestEngines, type StoreTestLocation } from './internal/store-test-engines.ts';
import type { Store } from './store.ts';

function routePolicy(overrides: Partial<RoutePolicy> = {}): RoutePolicy {
  return {
    task: 'support/extract-order',
    mode: 'off',
    canaryShare: 0.1,
    specialistId: null,
    confidenceThreshold: null,
    timeoutMs: 1500,
    auditShare: 0.05,
    automatic: true,
    updatedAt: 1_750_000_000_000,
    reason: 'no specialist yet',
    ...overrides,
  };
}

for (const testEngine of storeTestEngines()) {
  describe(`route repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    beforeEach(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    afterEach(() => location.dispose());

    it('round-trips a route: fractions, nulls and the automatic flag', async () => {
      const pinned = routePolicy({
        task: 'a/pinned',
        mode: 'canary',
        canaryShare: 0.333_333_333_333_333_3,
        specialistId: 'sp_0123456789abcdef',
        confidenceThreshold: 0.8734567890123457,
        timeoutMs: 250,
        auditShare: 0.1 + 0.2,
        automatic: false,
        reason: 'operator pinned the canary',
      });
      const off = routePolicy({ task: 'b/off' });
      await store.routes.put(pinned, { actor: 'operator', reason: 'pin' });
      await store.routes.put(off, { actor: 'loop', reason: 'discovered' });
      assert.deepEqual(await store.routes.get('a/pinned'), pinned);
      assert.deepEqual(await store.routes.get('b/off'), off);
      assert.equal(await store.routes.get('missing'), undefined);
      assert.deepEqual(await store.routes.list(), [pinned, off]);
    });

    it('replaces the route on put and writes the chain of changes off → shadow → live, newest first', async () => {
      const task = 'support/extract-order';
      const first = await store.routes.put(routePolicy({ updatedAt: 1000 }), { actor: 'loop', reason: 'task discovered' });
      const second = await store.routes.put(routePolicy({ mode: 'shadow', specialistId: 'sp_1', updatedAt: 2000, reason: 'specialist trained' }), {
        actor: 'loop',
        reason: 'specialist trained',
        figures: { validationExact: 0.97 },
      });
      const live = routePolicy({ mode: 'live', specialistId: 'sp_1', confidenceThreshold: 0.62, updatedAt: 3000, reason: 'shadow agreement 0.98 over 500 calls' });
      const third = await store.routes.put(live, { actor: 'promotion', reason: 'shadow agreement 0.98 over 500 calls', figures: { agreement: 0.98, calls: 500, lowerBound: 0.9612 } });

      assert.deepEqual(await store.routes.get(task), live);
      assert.equal((await store.routes.list()).length, 1);

      assert.match(first.id, /^rev_[0-9A-Za-z]{16}$/);
      assert.deepEqual(
        [first, second, third].map((event) => [event.fromMode, event.toMode, event.at]),
        [
          [null, 'off', 1000],
          ['off', 'shadow', 2000],
          ['shadow', 'live', 3000],
        ],
      );
      assert.deepEqual(third, {
        id: third.id,
        task,
        fromMode: 'shadow',
        toMode: 'live',
        specialistId: 'sp_1',
        actor: 'promotion',
        reason: 'shadow agreement 0.98 over 500 calls',
        figures: { agreement: 0.98, calls: 500, lowerBound: 0.9612 },
        at: 3000,
      });
      assert.deepEqual(first.figures, {});
      assert.deepEqual(await store.routes.events({ task }), [third, second, first], 'stored events read back as returned, newest first');
    });

    it('filters events by task and limits them', async () => {
      await store.routes.put(routePolicy({ task: 'a', updatedAt: 1 }), { actor: 'loop', reason: 'a1' });
      await store.routes.put(routePolicy({ task: 'b', updatedAt: 2 }), { actor: 'loop', reason: 'b1' });
      await store.routes.put(routePolicy({ task: 'a', mode: 'shadow', specialistId: 'sp_a', updatedAt: 3 }), { actor: 'loop', reason: 'a2' });
      await store.routes.put(routePolicy({ task: 'a', mode: 'off', updatedAt: 4 }), { actor: 'rollback', reason: 'a3' });
      const reasons = async (filter?: { task?: string; limit?: number }) => (await store.routes.events(filter)).map((event) => event.reason);
      assert.deepEqual(await reasons(), ['a3', 'a2', 'b1', 'a1']);
      assert.deepEqual(await reasons({ task: 'a' }), ['a3', 'a2', 'a1']);
      assert.deepEqual(await reasons({ task: 'a', limit: 2 }), ['a3', 'a2']);
      assert.deepEqual(await reasons({ limit: 1 }), ['a3']);
      assert.deepEqual(await reasons({ task: 'nobody' }), []);
      const rollback = (await store.routes.events({ task: 'a', limit: 1 }))[0];
      assert.equal(rollback?.actor, 'rollback');
      assert.equal(rollback?.fromMode, 'shadow');
      assert.equal(rollback?.specialistId, null);
    });

    it('keeps the fromMode chain intact when writers on separate connections put the same route at once', async () => {
      await store.routes.put(routePolicy({ updatedAt: 1 }), { actor: 'loop', reason: 'start' });
      const writers = [store, await location.open(), await location.open()];
      // Distinct target modes, so whatever order the writes land in, each event's fromMode names exactly one predecessor.
      const modes = ['shadow', 'canary', 'live'] as const;
      await Promise.all(
        modes.map((mode, index) => writers[index]!.routes.put(routePolicy({ mode, specialistId: 'sp_1', updatedAt: 10 + index }), { actor: 'operator', reason: `to ${mode}` })),
      );
      const events = await store.routes.events({ task: 'support/extract-order' });
      assert.equal(events.length, modes.length + 1);
      let mode: string | null = null;
      for (let step = 0; step < events.length; step += 1) {
        const next = events.filter((event) => event.fromMode === mode);
        assert.equal(next.length, 1, `one event starts from ${mode}: ${JSON.stringify(events.map((event) => [event.fromMode, event.toMode]))}`);
        mode = next[0]!.toMode;
      }
      assert.equal(mode, (await store.routes.get('support/extract-order'))?.mode, 'the chain ends at the stored mode');
    });

    it('stores the routing explanation with a call; calls logged before routing read back with routing null', async () => {
      const routing: RoutingExplanation = {
        task: 'extract-invoice',
        classifiedBy: 'template',
        mode: 'live',
        specialistId: 'sp_0123456789abcdef',
        escalationReason: 'low_confidence',
        escalationDetail: 'confidence 0.41 < threshold 0.62',
        confidence: 0.41234567890123,
        specialistLatencyMs: 38.25,
        comparison: null,
      };
      const routed = createTestCallRecord({ id: 'routed', route: 'escalated', routing });
      const unknown = createTestCallRecord({
        id: 'unknown-task',
        routing: { task: null, classifiedBy: 'unknown', mode: 'off', specialistId: null, escalationReason: null, escalationDetail: null, confidence: null, specialistLatencyMs: null, comparison: 'audit' },
      });
      const old = createTestCallRecord({ id: 'old' });
      assert.equal('routing' in old, false, 'the fixture is shaped like a call logged before routing');
      await store.calls.insertMany([routed, unknown, old, createTestCallRecord({ id: 'explicit-null', routing: null })]);
      assert.deepEqual(await store.calls.get('routed'), routed);
      assert.deepEqual(await store.calls.get('unknown-task'), unknown);
      assert.deepEqual(await store.calls.get('old'), { ...old, routing: null });
      assert.equal((await store.calls.get('explicit-null'))?.routing, null);
      const listed = await store.calls.list({ limit: 10, order: 'asc' });
      assert.deepEqual(listed.find((call) => call.id === 'routed')?.routing, routing);
    });
  });
}
