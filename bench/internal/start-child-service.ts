/**
 * Parent side of a benchmark service: forks a child entry under tsx (as `bin/understudy.js` runs the CLI),
 * waits for its `ready` report and turns later reports into promises — `drain()` for the end-of-run store
 * check, `close()` for a clean shutdown.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  childServiceReportSchema,
  type ChildServiceCommand,
  type ChildServiceReport,
  type DrainReport,
  type MemoryReport,
  type ReadyReport,
} from './child-service-messages.ts';

export interface RunningChildService {
  ready: ReadyReport;
  /** `http://127.0.0.1:port` of `ready.url`. */
  origin: string;
  /** The path part of `ready.url` without a trailing slash, e.g. `/v1`. */
  basePath: string;
  pid: number;
  drain(): Promise<DrainReport>;
  /** The child's own memory use, measured inside it (one request at a time). */
  sampleMemory(): Promise<MemoryReport>;
  close(): Promise<void>;
}

export interface StartChildServiceOptions {
  /** The child entry, e.g. `new URL('./upstream-process.ts', import.meta.url)`. */
  entry: URL;
  args?: readonly string[];
  /** More Node flags for the child, e.g. `--cpu-prof` (the profile is written when it exits after `close()`). */
  extraExecArgv?: readonly string[];
  timeoutMs?: number;
}

/** Resolves with the next report of `kind`; rejects on a `failed` report, an exit, or the timeout. */
function nextReport<Kind extends ChildServiceReport['kind']>(
  child: ChildProcess,
  kind: Kind,
  timeoutMs: number,
): Promise<Extract<ChildServiceReport, { kind: Kind }>> {
  return new Promise((resolve, reject) => {
    const cleanUp = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (raw: unknown): void => {
      const parsed = childServiceReportSchema.safeParse(raw);
      if (!parsed.success || parsed.data.kind === 'failed') {
        cleanUp();
        const detail = parsed.success && parsed.data.kind === 'failed' ? parsed.data.message : `unexpected message ${JSON.stringify(raw)}`;
        reject(new Error(`child process ${child.pid}: ${detail}`));
        return;
      }
      if (parsed.data.kind === kind) {
        cleanUp();
        resolve(parsed.data as Extract<ChildServiceReport, { kind: Kind }>);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanUp();
      reject(new Error(`child process exited (code ${code}, signal ${signal}) while the benchmark waited for "${kind}"`));
    };
    const timer = setTimeout(() => {
      cleanUp();
      reject(new Error(`child process did not report "${kind}" within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export async function startChildService(options: StartChildServiceOptions): Promise<RunningChildService> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = fork(fileURLToPath(options.entry), [...(options.args ?? [])], {
    execArgv: ['--import', 'tsx', ...(options.extraExecArgv ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const send = (command: ChildServiceCommand): void => {
    child.send(command);
  };
  let ready: ReadyReport;
  try {
    ready = await nextReport(child, 'ready', timeoutMs);
  } catch (error) {
    child.kill();
    throw error;
  }
  const url = new URL(ready.url);

  let closing: Promise<void> | null = null;
  return {
    ready,
    origin: url.origin,
    basePath: url.pathname.replace(/\/$/, ''),
    pid: child.pid ?? -1,
    drain() {
      const drained = nextReport(child, 'drained', timeoutMs);
      send({ kind: 'drain' });
      return drained;
    },
    sampleMemory() {
      const memory = nextReport(child, 'memory', timeoutMs);
      send({ kind: 'sample-memory' });
      return memory;
    },
    close() {
      closing ??= (async () => {
        if (child.exitCode !== null || !child.connected) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        const closed = nextReport(child, 'closed', timeoutMs).catch(() => undefined);
        send({ kind: 'close' });
        await closed;
        // Something left holding the child's event loop open must not hang the benchmark.
        const stuck = setTimeout(() => child.kill(), 15_000);
        await exited;
        clearTimeout(stuck);
      })();
      return closing;
    },
  };
}
