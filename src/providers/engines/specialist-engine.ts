/**
 * One interface for every way a small model is served: embedded (node-llama-cpp over a GGUF file, LoRA
 * adapters applied per context) or any OpenAI-compatible server (Ollama, vLLM with multi-LoRA, llama.cpp
 * server, LM Studio). The router, the evaluator and model selection talk to this, never to a runtime.
 */
import type { ChatMessage } from '../../contracts/chat-completion.ts';

/** An OpenAI-format function tool. */
export interface EngineTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** How the output is constrained: free text, any JSON object, or JSON matching a schema. */
export type EngineResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name?: string; schema: Record<string, unknown> };

export interface EngineRequest {
  /** OpenAI chat messages; the engine renders them with the model's chat template (or the specialist's task prompt). */
  messages: ChatMessage[];
  /** When given, the model answers with exactly one call of one of these tools (constrained decoding), or see `toolChoice`. */
  tools?: EngineTool[];
  /**
   * With tools: `required` (default) forces a call; `auto` lets the model either call a tool (still under the
   * tools' grammar) or reply in text, as an agent's next step may (the closing answer of a tool loop).
   */
  toolChoice?: 'auto' | 'required';
  /**
   * Whether the tools are described in the prompt (default true). False for a specialist that learned them
   * (see specialist-prompt.ts): they still constrain the answer, at no prompt tokens.
   */
  showTools?: boolean;
  responseFormat?: EngineResponseFormat;
  maxTokens?: number;
  /** 0 (default) is greedy decoding: reproducible answers. */
  temperature?: number;
  /** LoRA adapter to apply: a GGUF adapter path (embedded) or a served adapter/model name (vLLM multi-LoRA). */
  adapter?: string;
  /** Return per-token log-probabilities of the generated tokens (for confidence). */
  logprobs?: boolean;
  signal?: AbortSignal;
}

export interface EngineTokenLogprob {
  token: string;
  /** Natural-log probability of the chosen token. */
  logprob: number;
}

export interface EngineResult {
  content: string | null;
  toolCalls: Array<{ name: string; arguments: string }>;
  finishReason: 'stop' | 'length' | 'tool_calls';
  tokens: { prompt: number; completion: number };
  /** Null when not requested or not supported by the engine. */
  logprobs: EngineTokenLogprob[] | null;
  latencyMs: number;
}

export interface SpecialistEngine {
  readonly kind: 'llama-cpp' | 'openai-compatible';
  /** Model file path or served model name. */
  readonly model: string;
  complete(request: EngineRequest): Promise<EngineResult>;
  close(): Promise<void>;
}
