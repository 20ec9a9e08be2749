/**
 * Downloads one file over HTTP(S) the way model weights need it: into `<destination>.partial`, resuming an
 * interrupted download with a Range request, verifying the byte count and an optional SHA-256, and only then
 * renaming into place, so a file at `destination` is always complete and verified.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { UnderstudyError } from '../../contracts/errors.ts';

/** Progress of one transfer. `totalBytes` is undefined when the server does not say how big the file is. */
export interface DownloadProgress {
  receivedBytes: number;
  totalBytes: number | undefined;
}

export interface DownloadFileOptions {
  url: string;
  /** Final path; the download lives at `<destination>.partial` until it is complete and verified. */
  destination: string;
  /** Expected lowercase hex SHA-256; a mismatch deletes the download and throws. */
  sha256?: string;
  /** Expected size; lets a complete `.partial` be finished without a request and catches short bodies. */
  expectedBytes?: number;
  headers?: Record<string, string>;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /**
   * How many requests one call may make when the connection drops mid-body; each retry resumes where the
   * previous one stopped. Default 3.
   */
  maxAttempts?: number;
  /** For tests and proxies; defaults to an agent that follows up to 5 redirects (CDNs redirect downloads). */
  dispatcher?: Dispatcher;
}

export interface DownloadFileResult {
  path: string;
  sizeBytes: number;
  sha256: string;
  /** Bytes already on disk from an earlier attempt that were not downloaded again. */
  resumedFromBytes: number;
}

let defaultDispatcher: Dispatcher | undefined;
function getDefaultDispatcher(): Dispatcher {
  defaultDispatcher ??= new Agent().compose(interceptors.redirect({ maxRedirections: 5 }));
  return defaultDispatcher;
}

/**
 * @example
 * await downloadFile({ url: 'https://files.pythonhosted.org/…/x.whl', destination: 'cache/x.whl', sha256: '…' });
 */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadFileResult> {
  const maxAttempts = options.maxAttempts ?? 3;
  await mkdir(path.dirname(options.destination), { recursive: true });
  let resumedFromBytes: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const partialPath = `${options.destination}.partial`;
    const sizeBefore = await fileSize(partialPath);
    resumedFromBytes ??= sizeBefore;
    try {
      return { ...(await downloadOnce(options, partialPath)), resumedFromBytes };
    } catch (error) {
      const sizeAfter = await fileSize(partialPath);
      // Only a dropped connection that made progress is worth another request; HTTP errors, checksum
      // failures and aborts are final.
      const isTransferFailure = error instanceof TransferInterruptedError;
      if (!isTransferFailure || attempt >= maxAttempts || options.signal?.aborted === true) {
        throw isTransferFailure ? error.toUnderstudyError(options.url, sizeAfter) : error;
      }
    }
  }
}

/** A connection that dropped after the response started; the `.partial` file keeps what arrived. */
class TransferInterruptedError extends Error {
  toUnderstudyError(url: string, bytesOnDisk: number): UnderstudyError {
    return new UnderstudyError(
      'upstream_unreachable',
      `Download of ${url} was interrupted after ${bytesOnDisk} bytes (${this.message}); run again to resume.`,
      { cause: this.cause },
    );
  }
}

async function downloadOnce(options: DownloadFileOptions, partialPath: string): Promise<Omit<DownloadFileResult, 'resumedFromBytes'>> {
  let existingBytes = await fileSize(partialPath);
  if (options.expectedBytes !== undefined && existingBytes > options.expectedBytes) {
    await rm(partialPath, { force: true });
    existingBytes = 0;
  }

  const hash = createHash('sha256');
  if (options.expectedBytes !== undefined && existingBytes === options.expectedBytes) {
    await hashFile(partialPath, hash);
    return finish(options, partialPath, hash, existingBytes);
  }

  const headers: Record<string, string> = { ...options.headers };
  if (existingBytes > 0) headers.range = `bytes=${existingBytes}-`;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(options.url, {
      method: 'GET',
      headers,
      signal: options.signal,
      dispatcher: options.dispatcher ?? getDefaultDispatcher(),
    });
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    throw new UnderstudyError('upstream_unreachable', `Could not reach ${options.url}: ${describe(error)}`, { cause: error });
  }

  const { statusCode } = response;
  if (statusCode === 416 && existingBytes > 0) {
    // The partial file is at least as long as the resource (or the resource changed): start over.
    await response.body.dump();
    await rm(partialPath, { force: true });
    return downloadOnce(options, partialPath);
  }
  if (statusCode === 404) {
    await response.body.dump();
    throw new UnderstudyError('not_found', `Download failed: ${options.url} answered 404 Not Found.`);
  }
  if (statusCode !== 200 && statusCode !== 206) {
    await response.body.dump();
    throw new UnderstudyError('upstream_error', `Download failed: ${options.url} answered HTTP ${statusCode}.`);
  }

  let startByte = 0;
  if (statusCode === 206) {
    const range = parseContentRange(headerValue(response.headers['content-range']));
    if (range === undefined || range.start !== existingBytes) {
      await response.body.dump();
      await rm(partialPath, { force: true });
      throw new UnderstudyError('upstream_error', `Download failed: ${options.url} answered a range that does not continue the partial file.`);
    }
    startByte = existingBytes;
    await hashFile(partialPath, hash);
  }
  // A 200 to a Range request means the server ignores ranges: the body is the whole file again.

  const contentLength = Number(headerValue(response.headers['content-length']) ?? Number.NaN);
  const totalBytes = Number.isFinite(contentLength) ? startByte + contentLength : options.expectedBytes;
  let receivedBytes = startByte;
  options.onProgress?.({ receivedBytes, totalBytes });
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      receivedBytes += chunk.length;
      options.onProgress?.({ receivedBytes, totalBytes });
      callback(null, chunk);
    },
  });
  try {
    await pipeline(response.body, meter, createWriteStream(partialPath, { flags: statusCode === 206 ? 'a' : 'w' }));
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    throw new TransferInterruptedError(describe(error), { cause: error });
  }
  if (totalBytes !== undefined && receivedBytes < totalBytes) {
    throw new TransferInterruptedError(`got ${receivedBytes} of ${totalBytes} bytes`);
  }
  return finish(options, partialPath, hash, receivedBytes);
}

async function finish(options: DownloadFileOptions, partialPath: string, hash: Hash, sizeBytes: number): Promise<Omit<DownloadFileResult, 'resumedFromBytes'>> {
  const sha256 = hash.digest('hex');
  if (options.expectedBytes !== undefined && sizeBytes !== options.expectedBytes) {
    await rm(partialPath, { force: true });
    throw new UnderstudyError('upstream_error', `Download of ${options.url} has ${sizeBytes} bytes; expected ${options.expectedBytes}.`);
  }
  if (options.sha256 !== undefined && sha256 !== options.sha256.toLowerCase()) {
    await rm(partialPath, { force: true });
    throw new UnderstudyError(
      'upstream_error',
      `Checksum mismatch for ${options.url}: expected sha256 ${options.sha256.toLowerCase()}, got ${sha256}. The download was deleted.`,
    );
  }
  await rename(partialPath, options.destination);
  return { path: options.destination, sizeBytes, sha256 };
}

/** SHA-256 of a whole file, streamed. */
export async function sha256OfFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  await hashFile(filePath, hash);
  return hash.digest('hex');
}

async function hashFile(filePath: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
}

async function fileSize(filePath: string): Promise<number> {
  try {
    return (await stat(filePath)).size;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 0;
    throw error;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `bytes 100-199/1000` → start 100; the only part a resume needs to check. */
function parseContentRange(value: string | undefined): { start: number } | undefined {
  const match = value === undefined ? null : /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(value.trim());
  return match?.[1] === undefined ? undefined : { start: Number(match[1]) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
