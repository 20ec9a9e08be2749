// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LlamaContext } from 'node-llama-cpp';
import { createLlamaContextPool } from './llama-context-pool.ts';

/** Stand-in contexts: the pool only calls getSequence, dispose and (after a failure) clearHistory. */
function createFakeContexts() {
  const created: Array<{ adapter: string | null; disposed: boolean }> = [];
  async function createContext(adapter: string | null): Promise<LlamaContext> {
    const record = { adapter, disposed: false };
    created.push(record);
    const fake = {
      getSequence: () => ({ clearHistory: async () => undefined }),
      dispose: async () => {
        record.disposed = true;
      },
    };
    return fake as unknown as LlamaContext;
  }
  return { created, createContext };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createLlamaContextPool', () => {
  test('reuses a free context with the same adapter and creates others up to capacity', async () => {
    const fakes = createFakeContexts();
    const pool = createLlamaContextPool({ capacity: 2, createContext: fakes.createContext });
    await pool.withContext(null, async () => undefined);
    await pool.withContext(null, async () => undefined);
    await pool.withContext('/adapters/a.gguf', async () => undefined);
    assert.deepEqual(fakes.created.map((record) => record.adapter), [null, '/adapters/a.gguf']);
    assert.equal(pool.size, 2);
    await pool.close();
    assert.ok(fakes.created.every((record) => record.disposed));
  });

  test('replaces the least recently used free context when full', async () => {
    const fakes = createFakeContexts();
    const pool = createLlamaContextPool({ capacity: 2, createContext: fakes.createContext });
    await pool.withContext('a', async () => undefined);
    await pool.withContext('b', async () => undefined);
    await pool.withContext('a', async () => undefined);
    await pool.withContext('c', async () => undefined);
    assert.deepEqual(fakes.created.map((record) => [record.adapter, record.disposed]), [['a', false], ['b', true], ['c', false]]);
    await pool.close();
  });

  test('queues requests beyond capacity and runs them in arrival order as contexts free up', async () => {
    const fakes = createFakeContexts();
    const pool = createLlamaContextPool({ capacity: 2, createContext: fakes.createContext });
    const releases: Array<() => void> = [];
    const started: number[] = [];
    const runs = [0, 1, 2, 3].map((index) =>
      pool.withContext(null, async () => {
        started.push(index);
        await new Promise<void>((resolve) => releases.push(resolve));
        return index;
      }),
    );
    await tick();
    assert.deepEqual(started, [0, 1]);
    releases.shift()?.();
    await tick();
    assert.deepEqual(started, [0, 1, 2]);
    while (releases.length > 0 || started.length < 4) {
      releases.shift()?.();
      await tick();
    }
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
    assert.equal(fakes.created.length, 2);
    await pool.close();
  });

  test('a failed context creation frees its place for the next request', async () => {
    let attempts = 0;
    const fakes = createFakeContexts();
    const pool = createLlamaContextPool({
      capacity: 1,
      createContext: async (adapter) => {
        attempts += 1;
        if (adapter === 'broken') throw new Error('bad adapter');
        return fakes.createContext(adapter);
      },
    });
    await assert.rejects(pool.withContext('broken', async () => undefined), /bad adapter/);
    assert.equal(await pool.withContext(null, async () => 'served'), 'served');
    assert.equal(attempts, 2);
    await pool.close();
  });
});
