/**
 * A bounded pool of llama.cpp contexts, one sequence each. LoRA adapters apply per context in llama.cpp,
 * so a context is tied to the adapter it was created with (or none): a request takes a free context with
 * its adapter, else creates one while the pool has room, else replaces the least recently used free
 * context, else waits in FIFO order. Contexts keep their evaluated tokens between requests, so a request
 * that shares a prompt prefix with the previous one on that context skips re-evaluating it.
 */
import type { LlamaContext, LlamaContextSequence } from 'node-llama-cpp';

export interface PooledContext {
  /** GGUF LoRA path, or null for the base model. */
  readonly adapter: string | null;
  readonly context: LlamaContext;
  readonly sequence: LlamaContextSequence;
}

interface Slot extends PooledContext {
  busy: boolean;
  lastUsedAt: number;
}

export interface LlamaContextPool {
  /** Runs `work` with a context for `adapter`, waiting for one when all are busy. */
  withContext<Result>(adapter: string | null, work: (pooled: PooledContext) => Promise<Result>): Promise<Result>;
  /** Number of contexts alive (for tests and diagnostics). */
  readonly size: number;
  close(): Promise<void>;
}

export interface LlamaContextPoolOptions {
  capacity: number;
  createContext(adapter: string | null): Promise<LlamaContext>;
}

export function createLlamaContextPool(options: LlamaContextPoolOptions): LlamaContextPool {
  const slots: Slot[] = [];
  const waiters: Array<() => void> = [];
  let creating = 0;
  let useCounter = 0;
  let closed = false;

  function wakeNextWaiter(): void {
    waiters.shift()?.();
  }

  async function createSlot(adapter: string | null): Promise<Slot> {
    creating += 1;
    try {
      const context = await options.createContext(adapter);
      const slot: Slot = { adapter, context, sequence: context.getSequence(), busy: true, lastUsedAt: 0 };
      slots.push(slot);
      return slot;
    } finally {
      creating -= 1;
    }
  }

  async function acquire(adapter: string | null): Promise<Slot> {
    for (let attempt = 0; ; attempt += 1) {
      if (closed) throw new Error('The llama.cpp context pool is closed.');
      const matching = slots.find((slot) => !slot.busy && slot.adapter === adapter);
      if (matching !== undefined) {
        matching.busy = true;
        return matching;
      }
      if (slots.length + creating < options.capacity) {
        try {
          return await createSlot(adapter);
        } catch (error) {
          wakeNextWaiter();
          throw error;
        }
      }
      const leastRecentlyUsed = slots.filter((slot) => !slot.busy).sort((left, right) => left.lastUsedAt - right.lastUsedAt)[0];
      if (leastRecentlyUsed !== undefined) {
        slots.splice(slots.indexOf(leastRecentlyUsed), 1);
        await leastRecentlyUsed.context.dispose();
        continue;
      }
      // A retry after being woken goes to the front: it has waited longest.
      await new Promise<void>((resolve) => (attempt === 0 ? waiters.push(resolve) : waiters.unshift(resolve)));
    }
  }

  return {
    async withContext(adapter, work) {
      const slot = await acquire(adapter);
      try {
        return await work(slot);
      } catch (error) {
        // A failed evaluation may leave the sequence in an unknown state: start that context afresh.
        await slot.sequence.clearHistory().catch(async () => {
          const index = slots.indexOf(slot);
          if (index >= 0) slots.splice(index, 1);
          await slot.context.dispose().catch(() => undefined);
        });
        throw error;
      } finally {
        slot.busy = false;
        useCounter += 1;
        slot.lastUsedAt = useCounter;
        wakeNextWaiter();
      }
    },
    get size() {
      return slots.length;
    },
    async close() {
      closed = true;
      for (const wake of waiters.splice(0)) wake();
      await Promise.all(slots.splice(0).map((slot) => slot.context.dispose()));
    },
  };
}
