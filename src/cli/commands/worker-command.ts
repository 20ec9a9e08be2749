/**
 * `understudy worker`: pulls queued jobs from the configured store and runs them, on this machine's CPU or GPU.
 * Start one per machine; several machines sharing a PostgreSQL store share the queue.
 */
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { runJobWorker } from '../../train/run-job-worker.ts';
import { printJson } from '../cli-output.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';
import { trainingDependencies } from '../../loop/training-dependencies.ts';

interface WorkerOptions extends GlobalOptions {
  once?: boolean;
  poll: string;
  staleAfter: string;
}

export function createWorkerCommand(): Command {
  return addCommonOptions(new Command('worker'))
    .description('run queued training jobs from the store (several workers on several machines can share one PostgreSQL queue)')
    .option('--once', 'stop when the queue is empty instead of waiting for more')
    .option('--poll <seconds>', 'seconds between checks of an empty queue', '2')
    .option('--stale-after <seconds>', 'take over a running job whose worker has been silent this long (at least 10; workers heartbeat every 5 s)', '120')
    .addHelpText('after', '\nExamples:\n  understudy worker\n  understudy worker --once --json\n  UNDERSTUDY_DATABASE_URL=postgres://… understudy worker')
    .action(async (options: WorkerOptions) => {
      const pollIntervalMs = Math.max(100, Number(options.poll) * 1000 || 2000);
      const staleAfterSeconds = Number(options.staleAfter);
      if (!Number.isFinite(staleAfterSeconds) || staleAfterSeconds < 10) throw new UnderstudyError('invalid_request', `--stale-after: expected at least 10 seconds (workers heartbeat every 5 s), got '${options.staleAfter}'`, { param: 'stale-after' });
      const controller = new AbortController();
      const stop = () => controller.abort(new Error('worker stopped (signal); the running job resumes on the next worker'));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const finished: Array<{ jobId: string; outcome: string }> = [];
      try {
        await withConfiguredStore(options, async (store, loaded) => {
          await runJobWorker({
            ...trainingDependencies(store, loaded.dataDir),
            once: options.once === true,
            pollIntervalMs,
            staleAfterMs: staleAfterSeconds * 1000,
            signal: controller.signal,
            onJobStarted: (job) => options.json || process.stderr.write(`job ${job.id}: started (attempt ${job.attempts})\n`),
            onProgress: (job, progress) => {
              if (!options.json && (progress.phase !== 'training' || (progress.step ?? 0) % 10 === 0)) process.stderr.write(`job ${job.id}: ${progress.phase} ${progress.step ?? ''}${progress.loss === undefined ? '' : ` loss ${progress.loss.toFixed(3)}`} ${progress.message ?? ''}\n`);
            },
            onJobFinished: (job, outcome) => {
              const text = outcome === null ? 'taken over by another worker' : outcome.status === 'failed' ? `failed: ${outcome.error}` : outcome.status;
              finished.push({ jobId: job.id, outcome: text });
              if (!options.json) process.stderr.write(`job ${job.id}: ${text}\n`);
            },
          });
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      if (options.json) printJson({ jobs: finished });
    });
}
