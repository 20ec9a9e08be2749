/**
 * A worker: claims jobs from the store's queue and runs them, one at a time, until stopped (or, with `once`,
 * until the queue is empty). Any number of workers on any machines that share the store can run side by side;
 * a job whose worker died (no heartbeat for `staleAfterMs`) is claimed again and resumes from its checkpoints.
 */
import type { JobRecord, Store } from '../store/store.ts';
import { runTrainingJob, type RunTrainingJobOptions } from './run-training-job.ts';
import { trainJobKind, type TrainJobProgress } from './training-job.ts';

export interface RunJobWorkerOptions extends Omit<RunTrainingJobOptions, 'onProgress' | 'signal'> {
  /** Stop when no job is waiting instead of polling for more. */
  once?: boolean;
  /** Only this job (the CLI's `train` runs its own job in-process). */
  onlyJobId?: string;
  pollIntervalMs?: number;
  /** A running job silent for this long is presumed dead and taken over. Default 2 minutes. */
  staleAfterMs?: number;
  onJobStarted?: (job: JobRecord) => void;
  onProgress?: (job: JobRecord, progress: TrainJobProgress) => void;
  onJobFinished?: (job: JobRecord, outcome: Awaited<ReturnType<typeof runTrainingJob>>) => void;
  signal?: AbortSignal;
}

export async function runJobWorker(options: RunJobWorkerOptions): Promise<{ jobsRun: number }> {
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const staleAfterMs = options.staleAfterMs ?? 120_000;
  let jobsRun = 0;
  while (options.signal?.aborted !== true) {
    if (options.onlyJobId !== undefined && (await isFinished(options.store, options.onlyJobId))) break;
    const job = await options.store.jobs.claimNext({ workerId: options.workerId, kinds: [trainJobKind], staleAfterMs });
    if (job === undefined) {
      // With `onlyJobId`, our job may be running on another worker: wait for it to end.
      if (options.once === true && options.onlyJobId === undefined) break;
      await sleep(pollIntervalMs, options.signal);
      continue;
    }
    // A job queued before ours (with `onlyJobId`) is run first: it has waited longer.
    options.onJobStarted?.(job);
    const outcome = await runTrainingJob(job, { ...options, onProgress: (progress) => options.onProgress?.(job, progress), signal: options.signal });
    // null: the claim was lost to another worker, which now owns the row; nothing to write.
    if (outcome !== null) await options.store.jobs.finish(job.id, options.workerId, outcome);
    options.onJobFinished?.(job, outcome);
    jobsRun += 1;
  }
  return { jobsRun };
}

async function isFinished(store: Store, jobId: string): Promise<boolean> {
  const job = await store.jobs.get(jobId);
  return job === undefined || job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
