/**
 * Child side of a benchmark service: starts the service, reports `ready` over IPC, answers `drain`,
 * `sample-memory` and `close` commands, and closes the service if the parent goes away without a word (so temp directories
 * are still removed after a crashed benchmark).
 */
import { childServiceCommandSchema, type ChildServiceReport, type DrainReport, type ReadyReport } from './child-service-messages.ts';

export interface ChildService {
  ready: Omit<ReadyReport, 'kind'>;
  close(): Promise<void>;
  /** Only services with a log writer drain; the others answer `drain` with a failure. */
  drain?: () => Promise<Omit<DrainReport, 'kind'>>;
}

function report(message: ChildServiceReport): void {
  process.send?.(message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export function runChildService(start: () => Promise<ChildService>): void {
  if (!process.send) {
    console.error('This is a benchmark child process: start it with startChildService (it needs an IPC channel).');
    process.exit(2);
  }
  start().then(
    (service) => {
      let closing: Promise<void> | null = null;
      const close = (): Promise<void> => (closing ??= service.close());
      process.on('message', (raw: unknown) => {
        const parsed = childServiceCommandSchema.safeParse(raw);
        if (!parsed.success) {
          report({ kind: 'failed', message: `unknown command: ${JSON.stringify(raw)}` });
          return;
        }
        if (parsed.data.kind === 'sample-memory') {
          const usage = process.memoryUsage();
          report({ kind: 'memory', rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, heapTotalBytes: usage.heapTotal, externalBytes: usage.external });
          return;
        }
        if (parsed.data.kind === 'drain') {
          const drain = service.drain;
          if (!drain) {
            report({ kind: 'failed', message: 'this service has nothing to drain' });
            return;
          }
          drain().then(
            (drained) => report({ kind: 'drained', ...drained }),
            (error: unknown) => report({ kind: 'failed', message: `drain failed: ${messageOf(error)}` }),
          );
          return;
        }
        close()
          .then(() => report({ kind: 'closed' }))
          .catch((error: unknown) => report({ kind: 'failed', message: `close failed: ${messageOf(error)}` }))
          .finally(() => process.disconnect());
      });
      process.on('disconnect', () => void close().catch(() => undefined));
      report({ kind: 'ready', ...service.ready });
    },
    (error: unknown) => {
      report({ kind: 'failed', message: `did not start: ${messageOf(error)}` });
      process.exitCode = 1;
      process.disconnect();
    },
  );
}
