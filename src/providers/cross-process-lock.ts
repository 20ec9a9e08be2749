/**
 * A lock that several processes on one machine (or sharing one volume) respect: two workers, two test files or a
 * user's second terminal fetching the same model into the shared cache, or building the same Python venv, must
 * not write the same `.partial` file or run pip in one venv at once. The second one waits, then finds the work
 * done.
 *
 * The lock is a directory (`mkdir` is atomic on every filesystem we run on) holding `owner.json` (pid, host,
 * since). The holder touches the directory every few seconds; a lock whose directory has not been touched for
 * `staleMs`, or whose owner is a dead process on this host, is taken over — a crashed holder never blocks anyone
 * for long. Within one process, callers queue on a promise so that they do not poll each other.
 */
import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UnderstudyError } from '../contracts/errors.ts';

export interface CrossProcessLockOptions {
  /** A lock untouched this long is presumed abandoned. Default 60 s (the holder touches it every 5 s). */
  staleMs?: number;
  /** Give up after waiting this long. Default 30 minutes (a first pip install or a slow download). */
  timeoutMs?: number;
  /** Called once when the lock is held by someone else and this caller starts to wait. */
  onWait?: (owner: LockOwner | undefined) => void;
  signal?: AbortSignal;
}

export interface LockOwner {
  pid: number;
  host: string;
  since: number;
}

const touchEveryMs = 5_000;
const pollEveryMs = 200;
const inProcess = new Map<string, Promise<unknown>>();

/**
 * @example
 * await withCrossProcessLock(`${venvDirectory}.lock`, async () => buildVenvUnlessDone());
 */
export async function withCrossProcessLock<Result>(lockPath: string, work: () => Promise<Result>, options: CrossProcessLockOptions = {}): Promise<Result> {
  const key = path.resolve(lockPath);
  const previous = inProcess.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => holdWhile(key, work, options));
  inProcess.set(key, run);
  try {
    return await run;
  } finally {
    if (inProcess.get(key) === run) inProcess.delete(key);
  }
}

async function holdWhile<Result>(lockPath: string, work: () => Promise<Result>, options: CrossProcessLockOptions): Promise<Result> {
  await acquire(lockPath, options);
  const toucher = setInterval(() => {
    const now = new Date();
    void utimes(lockPath, now, now).catch(() => undefined);
  }, touchEveryMs);
  toucher.unref();
  try {
    return await work();
  } finally {
    clearInterval(toucher);
    await rm(lockPath, { recursive: true, force: true });
  }
}

async function acquire(lockPath: string, options: CrossProcessLockOptions): Promise<void> {
  const staleMs = options.staleMs ?? 60_000;
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  await mkdir(path.dirname(lockPath), { recursive: true });
  let waiting = false;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      await mkdir(lockPath);
      const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: Date.now() };
      await writeFile(path.join(lockPath, 'owner.json'), `${JSON.stringify(owner)}\n`);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(lockPath);
    if (await isAbandoned(lockPath, owner, staleMs)) {
      // Two waiters may both see it abandoned; removing and re-creating is still safe because only one mkdir wins.
      await rm(lockPath, { recursive: true, force: true });
      continue;
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.(owner);
    }
    if (Date.now() > deadline) {
      throw new UnderstudyError(
        'internal_error',
        `Timed out waiting for ${lockPath} (held by pid ${owner?.pid ?? '?'} on ${owner?.host ?? '?'}); remove it if no other Understudy process is running.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollEveryMs));
  }
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path.join(lockPath, 'owner.json'), 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

async function isAbandoned(lockPath: string, owner: LockOwner | undefined, staleMs: number): Promise<boolean> {
  let touchedAt: number;
  try {
    touchedAt = (await stat(lockPath)).mtimeMs;
  } catch {
    return false; // Released meanwhile: the next mkdir will tell.
  }
  if (Date.now() - touchedAt > staleMs) return true;
  if (owner !== undefined && owner.host === os.hostname() && owner.pid !== process.pid) {
    try {
      process.kill(owner.pid, 0);
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
  return false;
}
