/**
 * The embedded specialist engine: a GGUF model served in-process by node-llama-cpp on CPU (or GPU when
 * asked). It loads the model once, keeps a small pool of contexts (one per LoRA adapter in use, LRU), and
 * decodes greedily by default so a specialist's answers are reproducible.
 *
 * Constrained output: `json_schema` and `json_object` become a grammar (node-llama-cpp's JSON-schema to
 * GBNF); `tools` become a grammar over `{"name": <tool>, "arguments": <its parameters>}` with one `oneOf`
 * alternative per tool, so the answer is exactly one call to an offered tool in a single decoding pass.
 * The grammar never allows end-of-sequence and ends on four newlines, which are trimmed. When a request has
 * both `tools` and a `responseFormat`, the tools win (the answer is a call). `tokens.completion` counts
 * every generated token, the trimmed stop newlines included: they cost decoding time like any other.
 *
 * Log-probabilities come from node-llama-cpp's `evaluateWithMetadata({confidence: true})`: the probability
 * llama.cpp's sampler gave each chosen token (after the grammar mask), as its natural log.
 *
 * @example
 * const engine = await createLlamaCppEngine({ modelPath: '.understudy/models/SmolLM2-135M-Instruct.Q4_1.gguf' });
 * const result = await engine.complete({ messages: [{ role: 'user', content: 'Say hi' }], maxTokens: 16 });
 * await engine.close();
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { LlamaGrammarEvaluationState, type Llama, type LlamaGrammar, type LlamaModel } from 'node-llama-cpp';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { EngineRequest, EngineResult, SpecialistEngine } from './specialist-engine.ts';
import { createLlamaContextPool } from './internal/llama-context-pool.ts';
import { generateWithSequence } from './internal/llama-generate.ts';
import { createLlamaGrammarCache, type LlamaGrammarCache } from './internal/llama-grammar-cache.ts';
import { getSharedLlama, takeRecentLlamaLogLines, type LlamaGpuMode } from './internal/llama-instance.ts';
import { createLlamaPromptRenderer } from './internal/llama-prompt.ts';

export interface LlamaCppEngineOptions {
  /** Path of the GGUF model file. */
  modelPath: string;
  /** Contexts kept at once; requests beyond this wait. Each context holds its own KV cache. Default 2. */
  contextPoolSize?: number;
  /** Threads per context. Default 1: on small VMs more threads than cores made calls 15–20× slower. */
  threads?: number;
  /** Tokens per context (prompt + answer). Default 2048. */
  contextSize?: number;
  /** `'auto'` offloads to a GPU when node-llama-cpp finds one; default `false` (CPU only). */
  gpu?: LlamaGpuMode;
}

const defaultMaxTokens = 256;

/** Loads `modelPath` and returns an engine; throws `not_found` / `invalid_request` naming the file when it cannot. */
export async function createLlamaCppEngine(options: LlamaCppEngineOptions): Promise<SpecialistEngine> {
  const modelPath = path.resolve(options.modelPath);
  const contextPoolSize = options.contextPoolSize ?? 2;
  const threads = options.threads ?? 1;
  const contextSize = options.contextSize ?? 2048;
  const gpu = options.gpu ?? false;
  if (!Number.isInteger(contextPoolSize) || contextPoolSize < 1) {
    throw new UnderstudyError('invalid_request', `contextPoolSize must be a positive integer, got ${contextPoolSize}.`);
  }
  await assertReadableFile(modelPath, 'Model file');

  let llama: Llama;
  try {
    llama = await getSharedLlama(gpu);
  } catch (error) {
    throw new UnderstudyError('system_dependency_missing', `node-llama-cpp could not load its native llama.cpp binding: ${reasonOf(error)}`, { cause: error });
  }
  let model: LlamaModel;
  takeRecentLlamaLogLines();
  try {
    model = await llama.loadModel({ modelPath, gpuLayers: gpu === false ? 0 : 'auto' });
  } catch (error) {
    const reason = withLoaderLog(reasonOf(error));
    throw new UnderstudyError('invalid_request', `Model file ${modelPath} could not be loaded as a GGUF model: ${reason}`, { cause: error });
  }

  const renderer = createLlamaPromptRenderer(model);
  const grammars: LlamaGrammarCache = createLlamaGrammarCache(llama);
  const pool = createLlamaContextPool({
    capacity: contextPoolSize,
    async createContext(adapter) {
      const lora = adapter === null ? undefined : { adapters: [{ filePath: adapter, scale: 1 }] };
      takeRecentLlamaLogLines();
      try {
        return await model.createContext({ contextSize, threads, sequences: 1, lora });
      } catch (error) {
        const subject = adapter === null ? `model ${modelPath}` : `LoRA adapter ${adapter}`;
        throw new UnderstudyError('invalid_request', `Could not create a llama.cpp context for ${subject}: ${withLoaderLog(reasonOf(error))}`, { cause: error });
      }
    },
  });

  async function complete(request: EngineRequest): Promise<EngineResult> {
    const startedAt = performance.now();
    request.signal?.throwIfAborted();
    const maxTokens = request.maxTokens ?? defaultMaxTokens;
    if (!Number.isInteger(maxTokens) || maxTokens < 1) {
      throw new UnderstudyError('invalid_request', `maxTokens must be a positive integer, got ${maxTokens}.`, { param: 'max_tokens' });
    }
    const tools = request.tools !== undefined && request.tools.length > 0 ? request.tools : undefined;
    const grammar = await grammarFor(grammars, request, tools);
    const prompt = renderer.render(request.messages, request.showTools === false ? undefined : tools);
    if (prompt.tokens.length >= contextSize) {
      throw new UnderstudyError('invalid_request', `The prompt is ${prompt.tokens.length} tokens; the context holds ${contextSize}.`, { param: 'messages' });
    }
    const adapter = request.adapter === undefined ? null : path.resolve(request.adapter);
    if (adapter !== null) await assertReadableFile(adapter, 'LoRA adapter file');

    const outcome = await pool.withContext(adapter, (pooled) =>
      generateWithSequence(model, pooled, {
        prompt,
        maxTokens: Math.min(maxTokens, contextSize - prompt.tokens.length),
        temperature: request.temperature ?? 0,
        grammarEvaluationState: grammar === null ? undefined : new LlamaGrammarEvaluationState({ model, grammar }),
        extraStopTexts: grammar === null ? [] : grammarStopTexts(grammar),
        signal: request.signal,
      }),
    );

    const text = grammar === null ? outcome.text : outcome.text.trimEnd();
    const base = {
      tokens: { prompt: prompt.tokens.length, completion: outcome.completionTokens },
      logprobs: request.logprobs === true ? outcome.logprobs : null,
    };
    if (tools !== undefined && outcome.stoppedBy === 'stop') {
      const call = parseToolCall(text);
      if (call !== null) {
        return { ...base, content: null, toolCalls: [call], finishReason: 'tool_calls', latencyMs: performance.now() - startedAt };
      }
    }
    return { ...base, content: text, toolCalls: [], finishReason: outcome.stoppedBy, latencyMs: performance.now() - startedAt };
  }

  return {
    kind: 'llama-cpp',
    model: modelPath,
    complete,
    async close() {
      await pool.close();
      await model.dispose();
    },
  };
}

async function grammarFor(grammars: LlamaGrammarCache, request: EngineRequest, tools: EngineRequest['tools']): Promise<LlamaGrammar | null> {
  if (tools !== undefined) {
    const signatures = tools.map((tool) => ({ name: tool.function.name, parameters: tool.function.parameters }));
    return request.toolChoice === 'auto' ? grammars.forToolCallOrReply(signatures) : grammars.forToolCall(signatures);
  }
  const format = request.responseFormat;
  if (format === undefined || format.type === 'text') return null;
  if (format.type === 'json_object') return grammars.forAnyObject();
  return grammars.forSchema(format.name ?? 'unnamed', format.schema);
}

function grammarStopTexts(grammar: LlamaGrammar): string[] {
  return grammar.stopGenerationTriggers.flatMap((trigger) => (typeof trigger === 'string' ? [trigger] : 'values' in trigger ? [trigger.toString()] : []));
}

/** The grammar guarantees this shape; a parse failure can only mean a cut-off answer, left as content. */
function parseToolCall(text: string): { name: string; arguments: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || !('name' in parsed) || typeof parsed.name !== 'string') return null;
  const callArguments = 'arguments' in parsed ? parsed.arguments : {};
  return { name: parsed.name, arguments: JSON.stringify(callArguments ?? {}) };
}

async function assertReadableFile(filePath: string, label: string): Promise<void> {
  try {
    const stats = await stat(filePath);
    if (!stats.isFile()) throw new UnderstudyError('invalid_request', `${label} ${filePath} is not a file.`);
  } catch (error) {
    if (error instanceof UnderstudyError) throw error;
    throw new UnderstudyError('not_found', `${label} ${filePath} does not exist or cannot be read.`, { cause: error });
  }
}

/** Appends what llama.cpp logged during the failed step, which is where the actual cause is. */
function withLoaderLog(reason: string): string {
  const lines = takeRecentLlamaLogLines().filter((line) => line.length > 0);
  return lines.length === 0 ? reason : `${reason} (llama.cpp: ${lines.join('; ')})`;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
