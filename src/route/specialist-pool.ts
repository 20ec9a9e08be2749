/**
 * The specialists the router serves, loaded once and kept warm. Loading a GGUF takes seconds, so it never
 * happens on a request's critical path: `acquire` answers at once with a ready specialist or null (and starts
 * loading in the background); the router escalates (`specialist_down`) until the load finishes. Specialists over
 * one base model share one engine — each LoRA adapter gets its own llama.cpp context inside it — so ten
 * adapters over SmolLM2 cost one model in memory. Served specialists (`<base URL>#<model>`: vLLM multi-LoRA,
 * Ollama, a hosted fine-tune) go through the OpenAI-compatible engine.
 */
import type { SpecialistRecord } from '../store/store.ts';
import { createLlamaCppEngine } from '../providers/engines/llama-cpp-engine.ts';
import { createOpenAICompatibleEngine } from '../providers/engines/openai-compatible-engine.ts';
import type { EngineRequest, EngineResult, SpecialistEngine } from '../providers/engines/specialist-engine.ts';
import { specialistPrompt } from '../providers/engines/specialist-prompt.ts';

export interface ReadySpecialist {
  record: SpecialistRecord;
  /**
   * Why this call is outside what the specialist learned (its system prompt or tools differ from those it was
   * trained without), or null. The router escalates such calls (`prompt_changed`) without running the model.
   */
  mismatch(request: Pick<EngineRequest, 'messages' | 'tools'>): string | null;
  /** Runs the specialist with its adapter and prompt format applied (rejects on a mismatch). */
  complete(request: EngineRequest): Promise<EngineResult>;
}

export type SpecialistState = { state: 'ready' } | { state: 'loading' } | { state: 'failed'; reason: string } | { state: 'absent' };

export interface SpecialistPool {
  /** The specialist if loaded; otherwise null, and a load starts in the background (failed loads retry after a while). */
  acquire(id: string): ReadySpecialist | null;
  /** Loads (or returns) the specialist; rejects with the loader's error. */
  load(id: string): Promise<ReadySpecialist>;
  state(id: string): SpecialistState;
  close(): Promise<void>;
}

export interface SpecialistPoolOptions {
  lookup(id: string): Promise<SpecialistRecord | undefined>;
  threads: number;
  contextSize: number;
  /** Contexts per base model (one per adapter in use). Default 4. */
  contextsPerModel?: number;
  /** A failed load is retried after this long. Default 30 s. */
  retryAfterMs?: number;
}

interface Entry {
  promise: Promise<ReadySpecialist>;
  ready: ReadySpecialist | null;
  failure: { reason: string; at: number } | null;
}

export function createSpecialistPool(options: SpecialistPoolOptions): SpecialistPool {
  const entries = new Map<string, Entry>();
  const engines = new Map<string, Promise<SpecialistEngine>>();
  const retryAfterMs = options.retryAfterMs ?? 30_000;

  function engineFor(record: SpecialistRecord): Promise<SpecialistEngine> {
    let engine = engines.get(record.baseModel);
    if (engine === undefined) {
      engine = openEngine(record.baseModel, options);
      engines.set(record.baseModel, engine);
      // A model that failed to load may be fixed later (file copied in): forget the failure.
      engine.catch(() => engines.delete(record.baseModel));
    }
    return engine;
  }

  async function loadEntry(id: string): Promise<ReadySpecialist> {
    const record = await options.lookup(id);
    if (record === undefined) throw new Error(`specialist ${id} is not registered`);
    const engine = await engineFor(record);
    const adapter = record.adapterPath ?? undefined;
    const prompt = specialistPrompt(record.promptFormat, record.promptContext);
    const ready: ReadySpecialist = {
      record,
      mismatch: (request) => prompt.mismatch(request.messages, request.tools),
      async complete(request) {
        return engine.complete({ ...prompt.prepare(request), ...(adapter === undefined ? {} : { adapter }) });
      },
    };
    // Create the adapter's context now, so the first routed call does not pay for it.
    if (engine.kind === 'llama-cpp') await engine.complete({ messages: [{ role: 'user', content: 'ping' }], maxTokens: 1, ...(adapter === undefined ? {} : { adapter }) });
    return ready;
  }

  function start(id: string): Entry {
    const entry: Entry = { promise: loadEntry(id), ready: null, failure: null };
    entries.set(id, entry);
    entry.promise.then(
      (ready) => {
        entry.ready = ready;
      },
      (error: unknown) => {
        entry.failure = { reason: error instanceof Error ? error.message : String(error), at: Date.now() };
      },
    );
    return entry;
  }

  return {
    acquire(id) {
      const entry = entries.get(id);
      if (entry === undefined) {
        start(id).promise.catch(() => undefined);
        return null;
      }
      if (entry.failure !== null && Date.now() - entry.failure.at > retryAfterMs) {
        start(id).promise.catch(() => undefined);
        return null;
      }
      return entry.ready;
    },
    load(id) {
      const entry = entries.get(id);
      if (entry !== undefined && entry.failure === null) return entry.promise;
      return start(id).promise;
    },
    state(id) {
      const entry = entries.get(id);
      if (entry === undefined) return { state: 'absent' };
      if (entry.ready !== null) return { state: 'ready' };
      if (entry.failure !== null) return { state: 'failed', reason: entry.failure.reason };
      return { state: 'loading' };
    },
    async close() {
      const all = [...engines.values()];
      engines.clear();
      entries.clear();
      await Promise.all(all.map(async (engine) => (await engine.catch(() => null))?.close()));
    },
  };
}

async function openEngine(model: string, options: SpecialistPoolOptions): Promise<SpecialistEngine> {
  if (/^https?:\/\//.test(model)) {
    const hash = model.lastIndexOf('#');
    if (hash < 0) throw new Error(`served specialist model '${model}' must be written <base URL>#<model>`);
    return createOpenAICompatibleEngine({ baseUrl: model.slice(0, hash), model: model.slice(hash + 1) });
  }
  return createLlamaCppEngine({ modelPath: model, threads: options.threads, contextSize: options.contextSize, contextPoolSize: options.contextsPerModel ?? 4 });
}
