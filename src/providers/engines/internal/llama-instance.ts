/**
 * One `Llama` runtime per process and GPU mode. Loading the native binding is slow and holds process-wide
 * state (backends, thread pools, log callbacks); every embedded engine shares it and only disposes what it
 * owns (its model and contexts), never the runtime.
 *
 * llama.cpp reports why a load failed only in its log ("tensor … is not within the file bounds"), while
 * the thrown error just says "Failed to load model"; recent warning and error lines are therefore kept
 * here so the engine can put the loader's reason into its own error.
 */
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';

/** `'auto'` lets node-llama-cpp pick CUDA/Vulkan/Metal when present; `false` forces the CPU build. */
export type LlamaGpuMode = 'auto' | false;

const runtimes = new Map<string, Promise<Llama>>();
const recentLogLines: string[] = [];
const maximumRecentLogLines = 20;

/** Returns the shared runtime for `gpu`, loading it on first use (a failed load is retried next time). */
export function getSharedLlama(gpu: LlamaGpuMode): Promise<Llama> {
  const key = gpu === false ? 'cpu' : 'auto';
  const existing = runtimes.get(key);
  if (existing !== undefined) return existing;
  const loading = getLlama({
    gpu,
    // 'never': a missing prebuilt binary is an installation problem to report, not a reason to compile
    // llama.cpp for minutes inside a request.
    build: 'never',
    logLevel: LlamaLogLevel.warn,
    logger(level, message) {
      if (level !== LlamaLogLevel.error && level !== LlamaLogLevel.warn) return;
      recentLogLines.push(message.trim());
      if (recentLogLines.length > maximumRecentLogLines) recentLogLines.shift();
    },
  });
  loading.catch(() => runtimes.delete(key));
  runtimes.set(key, loading);
  return loading;
}

/** Returns and forgets the warning/error lines llama.cpp logged since the last call. */
export function takeRecentLlamaLogLines(): string[] {
  return recentLogLines.splice(0);
}
