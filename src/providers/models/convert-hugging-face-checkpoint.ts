/**
 * Makes a local Hugging Face llama checkpoint directory (config.json, *.safetensors, tokenizer.json) usable
 * wherever a GGUF is: it is converted once, by python/convert_llama_to_gguf.py in the `convert` Python
 * environment, into `<cache>/models/converted/<key>/<name>.gguf`, and that GGUF is then the base for training
 * and serving alike (tokenisation, LoRA training and llama.cpp serving all read the same file, so train = serve).
 *
 * The cache key is the SHA-256 of the converter script, the output type and the *contents* (not sizes or
 * mtimes) of every file the converter reads: config.json, tokenizer.json, tokenizer_config.json and each
 * *.safetensors. Hashing streams the weights once per resolve (about 1–2 s per GB), which is small beside a
 * training run and never mistakes an edited checkpoint for the cached one.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { isUnderstudyError, UnderstudyError } from '../../contracts/errors.ts';
import { cacheDirectory } from '../cache-directory.ts';
import { withCrossProcessLock } from '../cross-process-lock.ts';
import { ensurePythonEnvironment } from '../python/ensure-python-environment.ts';
import { parseLastJsonLine, pythonRequirementsFile, pythonScriptPath, runPythonScript } from '../python/run-python-script.ts';

export interface ConvertHuggingFaceCheckpointOptions {
  /** Understudy's data directory; the GGUF and the `convert` venv land in its cache (see cache-directory.ts). */
  dataDir: string;
  /** Default `auto`: F32 checkpoints stay F32, others get F16 matrices (norms stay F32 either way). */
  outtype?: 'auto' | 'f16' | 'f32';
  /** One human-readable line per step: hashing, Python environment setup, each converted tensor. */
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ConvertedCheckpoint {
  /** The llama GGUF to load, train on and serve. */
  path: string;
  /** The checkpoint directory it was converted from. */
  sourceDirectory: string;
  /** The cache key (hex SHA-256, see the file comment). */
  key: string;
  /** `cache` when an earlier conversion of the same files was reused. */
  source: 'cache' | 'converted';
}

const converterScript = 'convert_llama_to_gguf.py';

/** Only what decides whether we can convert; the converter reads the rest. */
const llamaConfigSchema = z.looseObject({
  model_type: z.string().optional(),
  architectures: z.array(z.string()).optional(),
});

const conversionSummarySchema = z.object({ output: z.string(), tensors: z.number(), vocab: z.number(), outtype: z.string(), sizeBytes: z.number() });

/**
 * @example
 * const { path: baseModelPath } = await convertHuggingFaceCheckpoint('./TinyStories-656K', { dataDir: '.understudy' });
 */
export async function convertHuggingFaceCheckpoint(directory: string, options: ConvertHuggingFaceCheckpointOptions): Promise<ConvertedCheckpoint> {
  const sourceDirectory = path.resolve(directory);
  const outtype = options.outtype ?? 'auto';
  const inputs = await checkpointInputs(sourceDirectory);

  options.onProgress?.(`Hashing ${inputs.length} files of ${sourceDirectory}`);
  const hash = createHash('sha256');
  hash.update(`${converterScript}\n`).update(await readFile(pythonScriptPath(converterScript))).update(`\nouttype=${outtype}\n`);
  for (const filePath of inputs) {
    hash.update(`${path.basename(filePath)}\n`);
    for await (const chunk of createReadStream(filePath, { signal: options.signal })) hash.update(chunk as Buffer);
  }
  const key = hash.digest('hex');
  // Absolute: the converter runs in the environment's own working directory.
  const outputDirectory = path.resolve(cacheDirectory(options.dataDir), 'models', 'converted', key.slice(0, 16));
  const outputPath = path.join(outputDirectory, `${path.basename(sourceDirectory)}.gguf`);

  return withCrossProcessLock(`${outputDirectory}.lock`, async () => {
    // The script writes `<output>.partial` and renames it, so an existing file is a finished conversion.
    if (await stat(outputPath).then((stats) => stats.isFile() && stats.size > 0, () => false)) {
      options.onProgress?.(`Using the GGUF converted earlier: ${outputPath}`);
      return { path: outputPath, sourceDirectory, key, source: 'cache' as const };
    }
    const environment = await ensurePythonEnvironment({
      dataDir: options.dataDir,
      name: 'convert',
      requirementsFiles: [pythonRequirementsFile('convert')],
      onProgress: (progress) => options.onProgress?.(progress.message),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    options.onProgress?.(`Converting ${sourceDirectory} to GGUF (${outtype}) in ${outputDirectory}`);
    await mkdir(outputDirectory, { recursive: true });
    let stdout: string;
    try {
      stdout = await runPythonScript(
        environment,
        pythonScriptPath(converterScript),
        ['--model-dir', sourceDirectory, '--output', outputPath, '--outtype', outtype, '--name', path.basename(sourceDirectory)],
        { onStderrLine: (line) => options.onProgress?.(line), ...(options.signal === undefined ? {} : { signal: options.signal }) },
      );
    } catch (error) {
      // The converter's refusals (exit 2) are one line naming what it cannot convert: the user's input, not our bug.
      const refusal = isUnderstudyError(error) ? /convert_llama_to_gguf: (.+)/.exec(error.message)?.[1] : undefined;
      if (refusal !== undefined) throw new UnderstudyError('invalid_request', `Cannot use ${sourceDirectory} as a base model: ${refusal}`, { cause: error });
      throw error;
    }
    const summary = conversionSummarySchema.safeParse(parseLastJsonLine(stdout));
    if (!summary.success || summary.data.output !== outputPath) {
      throw new UnderstudyError('internal_error', `${converterScript} did not report the GGUF it wrote; it printed: ${stdout.slice(-500)}`);
    }
    options.onProgress?.(`Converted ${summary.data.tensors} tensors, vocab ${summary.data.vocab}, ${summary.data.outtype}, ${(summary.data.sizeBytes / 1e6).toFixed(1)} MB`);
    return { path: outputPath, sourceDirectory, key, source: 'converted' as const };
  }, options.signal === undefined ? {} : { signal: options.signal });
}

/** The files the converter reads, in a fixed order; an `invalid_request` naming what is missing or unsupported. */
async function checkpointInputs(directory: string): Promise<string[]> {
  const names = await readdir(directory).catch((error: unknown) => {
    throw new UnderstudyError('not_found', `Model directory ${directory} cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  const missing: string[] = [];
  if (!names.includes('config.json')) missing.push('config.json');
  if (!names.includes('tokenizer.json')) missing.push('tokenizer.json');
  const weights = names.filter((name) => name.endsWith('.safetensors')).sort();
  if (weights.length === 0) missing.push('*.safetensors weights');
  if (missing.length > 0) {
    throw new UnderstudyError('invalid_request', `${directory} is not a Hugging Face llama checkpoint: it has no ${missing.join(', no ')}.`);
  }
  let config: z.infer<typeof llamaConfigSchema>;
  try {
    config = llamaConfigSchema.parse(JSON.parse(await readFile(path.join(directory, 'config.json'), 'utf8')));
  } catch (error) {
    throw new UnderstudyError('invalid_request', `${path.join(directory, 'config.json')} is not a model config: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const architectures = config.architectures ?? [];
  if (config.model_type !== 'llama' || (architectures.length > 0 && !architectures.includes('LlamaForCausalLM'))) {
    throw new UnderstudyError(
      'invalid_request',
      `${directory} is not a llama checkpoint (model_type ${JSON.stringify(config.model_type ?? null)}, architectures ${JSON.stringify(architectures)}); only LlamaForCausalLM can be converted to a GGUF base.`,
    );
  }
  const optional = names.includes('tokenizer_config.json') ? ['tokenizer_config.json'] : [];
  return ['config.json', 'tokenizer.json', ...optional, ...weights].map((name) => path.join(directory, name));
}
