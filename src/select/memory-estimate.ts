/**
 * A rough memory figure for running a catalog model with llama.cpp: the published Q4_K_M GGUF file size plus
 * an f16 KV cache for a fixed context. It is *computed* by Understudy from published inputs, not published
 * anywhere and not measured, so it always travels with the sentence that derives it. Runtime overhead
 * (compute buffers, the process itself) is left out rather than guessed.
 */
import type { CatalogEntry } from './model-catalog.ts';
import { formatBytes } from './catalog-units.ts';

/** The context the estimate assumes: enough for most routine agent calls, small enough to be a floor. */
export const memoryEstimateContextTokens = 4096;

/** Two bytes per cached value: llama.cpp's default KV cache type is f16. */
const bytesPerCachedValue = 2;

export type MemoryEstimate =
  | {
      kind: 'computed';
      bytes: number;
      /** How the number was made, with each input, so nobody takes it for a measurement. */
      derivation: string;
    }
  | { kind: 'unknown'; reason: string };

/**
 * Estimates memory for `entry` at `contextTokens` (default 4096).
 *
 * @example
 * estimateMemory(llama1b); // { kind: 'computed', bytes: 944_217_728, derivation: 'Q4_K_M GGUF 0.81 GB (published) + …' }
 */
export function estimateMemory(entry: CatalogEntry, contextTokens: number = memoryEstimateContextTokens): MemoryEstimate {
  const file = entry.gguf.sizesGigabytes.Q4_K_M;
  if (!file) return { kind: 'unknown', reason: 'no published Q4_K_M GGUF size' };
  const architecture = entry.architecture?.value;
  if (!architecture) return { kind: 'unknown', reason: 'attention shape not recorded (or not a plain transformer), so the KV cache cannot be computed' };
  const fileBytes = file.value * 1e9;
  const cacheBytes = 2 * architecture.layers * architecture.keyValueHeads * architecture.headDimension * bytesPerCachedValue * contextTokens;
  const derivation =
    `Q4_K_M GGUF ${file.value} GB (published) + f16 KV cache for ${contextTokens} tokens ` +
    `(2 × ${architecture.layers} layers × ${architecture.keyValueHeads} KV heads × ${architecture.headDimension} dims × 2 bytes × ${contextTokens} = ${formatBytes(cacheBytes)}); ` +
    'runtime overhead not included';
  return { kind: 'computed', bytes: Math.round(fileBytes + cacheBytes), derivation };
}
