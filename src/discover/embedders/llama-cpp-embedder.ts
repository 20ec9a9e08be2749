/**
 * An embedder for any GGUF embedding model (BERT-family sentence encoders such as all-MiniLM-L6-v2, nomic,
 * bge…) run in-process by node-llama-cpp. The model's own pooling (stored in the GGUF) makes one vector per
 * text; we L2-normalise it.
 *
 * Truncation rule: a text longer than `maxInputTokens` (default: the context size minus one, which is what
 * node-llama-cpp accepts) keeps its first tokens, the `[CLS]`/`[SEP]`-style tokens the model adds included in
 * the count — the same head truncation sentence-transformers applies at its `max_seq_length`.
 *
 * Batching: llama.cpp evaluates one sequence per embedding context, so texts are spread over
 * `parallelism` contexts, each evaluated on node-llama-cpp's worker threads.
 *
 * @example
 * const embedder = await createLlamaCppEmbedder({ modelPath: '.understudy/models/all-MiniLM-L6-v2.f16.gguf' });
 * const [vector] = await embedder.embed(['reset my password']);
 * await embedder.close();
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import { UnderstudyError } from '../../contracts/errors.ts';
import { getSharedLlama, takeRecentLlamaLogLines } from '../../providers/engines/index.ts';
import type { Embedder } from '../embedder.ts';
import { l2Normalize } from './internal/l2-normalize.ts';

export interface LlamaCppEmbedderOptions {
  /** Path of the GGUF embedding model. */
  modelPath: string;
  /** Shown in reports; default `<file name> (llama.cpp)`. */
  name?: string;
  /** Threads per context. Default 1: on small VMs more threads than cores made calls many times slower. */
  threads?: number;
  /** Contexts evaluating at once. Default 1; with `threads: 1`, up to the number of cores helps. */
  parallelism?: number;
  /** Tokens per context; default the model's training context (512 for BERT models). */
  contextSize?: number;
  /** Longest input in tokens (special tokens included) before head truncation; default `contextSize - 1`. */
  maxInputTokens?: number;
}

export async function createLlamaCppEmbedder(options: LlamaCppEmbedderOptions): Promise<Embedder> {
  const modelPath = path.resolve(options.modelPath);
  const threads = options.threads ?? 1;
  const parallelism = options.parallelism ?? 1;
  if (!Number.isInteger(parallelism) || parallelism < 1) throw new UnderstudyError('invalid_request', `parallelism must be a positive integer, got ${parallelism}.`);
  const size = await stat(modelPath).then((stats) => (stats.isFile() ? stats.size : undefined), () => undefined);
  if (size === undefined) throw new UnderstudyError('not_found', `Embedding model file ${modelPath} does not exist.`);

  let llama;
  try {
    llama = await getSharedLlama(false);
  } catch (error) {
    throw new UnderstudyError('system_dependency_missing', `node-llama-cpp could not load its native llama.cpp binding: ${String(error)}`, { cause: error });
  }
  let model: LlamaModel;
  takeRecentLlamaLogLines();
  try {
    model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  } catch (error) {
    const log = takeRecentLlamaLogLines().join(' | ');
    throw new UnderstudyError('invalid_request', `Embedding model ${modelPath} could not be loaded: ${String(error)}${log === '' ? '' : ` (llama.cpp: ${log})`}`, { cause: error });
  }
  const contextSize = options.contextSize ?? Math.min(model.trainContextSize ?? 512, 8192);
  const maxInputTokens = Math.min(options.maxInputTokens ?? contextSize - 1, contextSize - 1);
  const contexts: LlamaEmbeddingContext[] = [];
  try {
    for (let index = 0; index < parallelism; index++) contexts.push(await model.createEmbeddingContext({ contextSize, threads }));
  } catch (error) {
    await Promise.all(contexts.map((context) => context.dispose()));
    await model.dispose();
    throw new UnderstudyError('invalid_request', `Embedding model ${modelPath} gave no embedding context: ${String(error)}`, { cause: error });
  }
  // BERT-style vocabularies add a start and an end token around the text; other models add at most one.
  const specialTokenCount = contexts[0] === undefined ? 0 : contexts[0].calculateInputLength([]) ;
  const maxTextTokens = Math.max(1, maxInputTokens - specialTokenCount);
  const dimensions = model.embeddingVectorSize;

  async function embedOne(context: LlamaEmbeddingContext, text: string): Promise<Float32Array> {
    const tokens: Token[] = model.tokenize(text, false, 'trimLeadingSpace');
    if (tokens.length === 0) return new Float32Array(dimensions);
    const embedding = await context.getEmbeddingFor(tokens.length > maxTextTokens ? tokens.slice(0, maxTextTokens) : tokens);
    return l2Normalize(embedding.vector);
  }

  let closed = false;
  return {
    name: options.name ?? `${path.basename(modelPath, '.gguf')} (llama.cpp)`,
    async embed(texts) {
      if (closed) throw new UnderstudyError('invalid_request', 'This embedder was closed.');
      const results: Float32Array[] = new Array(texts.length);
      let next = 0;
      await Promise.all(
        contexts.map(async (context) => {
          while (next < texts.length) {
            const index = next++;
            results[index] = await embedOne(context, texts[index] ?? '');
          }
        }),
      );
      return results;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(contexts.map((context) => context.dispose()));
      await model.dispose();
    },
  };
}
