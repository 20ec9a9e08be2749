/**
 * A trained specialist as a selection candidate: served the way the router will serve it — its base GGUF with
 * its LoRA adapter, its own whole model (micro specialists), or its model on an OpenAI-compatible server
 * (hosted fine-tunes, vLLM multi-LoRA) — and prompted with the task's own messages only (no few-shot), less what
 * it was trained without (specialist-prompt.ts).
 */
import { createLlamaCppEngine } from '../providers/engines/llama-cpp-engine.ts';
import { createOpenAICompatibleEngine } from '../providers/engines/openai-compatible-engine.ts';
import type { SharedPromptContext } from '../contracts/shared-prompt-context.ts';
import { specialistPrompt } from '../providers/engines/specialist-prompt.ts';
import type { SelectionCandidate } from './run-selection.ts';

export interface ServableSpecialist {
  id: string;
  name: string;
  /** A GGUF path, or `<base URL>#<model>` for a served model. */
  model: string;
  adapterPath: string | null;
  /** Env var with the server's key (served models only). */
  apiKeyEnv?: string;
  /** `task-prompt`: only the final user message is sent (specialists trained from scratch). Default chat-template. */
  promptFormat?: 'chat-template' | 'task-prompt';
  /** The system prompt and tools it was trained without; default none. */
  promptContext?: SharedPromptContext | null;
}

export function specialistCandidate(specialist: ServableSpecialist, settings: { threads: number; contextSize: number; usdPerHour: number | null }): SelectionCandidate {
  const common = {
    id: `specialist:${specialist.id}`,
    label: specialist.name,
    origin: 'specialist' as const,
    modes: ['specialist' as const],
    prepareRequest: specialistPrompt(specialist.promptFormat ?? 'chat-template', specialist.promptContext ?? null).prepare,
  };
  const served = /^https?:\/\//.test(specialist.model) ? specialist.model : null;
  if (served !== null) {
    const hash = served.lastIndexOf('#');
    const baseUrl = served.slice(0, hash);
    const model = served.slice(hash + 1);
    const apiKey = specialist.apiKeyEnv === undefined ? undefined : process.env[specialist.apiKeyEnv];
    return { ...common, usdPerHour: null, open: async () => createOpenAICompatibleEngine({ baseUrl, model, ...(apiKey === undefined || apiKey === '' ? {} : { apiKey }) }) };
  }
  const adapter = specialist.adapterPath;
  return {
    ...common,
    usdPerHour: settings.usdPerHour,
    ...(adapter === null ? {} : { adapter }),
    open: async () => {
      const engine = await createLlamaCppEngine({ modelPath: specialist.model, threads: settings.threads, contextSize: settings.contextSize, contextPoolSize: 1 });
      if (adapter !== null) {
        // Apply the adapter now: one llama.cpp rejects makes the candidate unreachable with llama.cpp's reason.
        try {
          await engine.complete({ messages: [{ role: 'user', content: 'ping' }], maxTokens: 1, adapter });
        } catch (error) {
          await engine.close();
          throw error;
        }
      }
      return engine;
    },
  };
}
