/**
 * Runs one claimed training job to its end: reads and verifies the dataset, trains through the job's
 * backend (resuming from the job's own output directory when an earlier worker died), proves the result in
 * the serving runtime on validation examples, and only then registers the specialist and writes the training
 * report. Any failure before registration leaves no specialist behind: the job ends `failed` with the reason.
 * A local training whose dataset version, base, backend and hyper-parameters were trained before (on this machine's
 * shared cache, see training-cache.ts) is not run again: the cached adapter is proven and registered instead, and
 * progress says so (phase `cached`).
 * While it runs it heartbeats the job row; a cancel request or a lost claim aborts the backend.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UnderstudyError } from '../contracts/errors.ts';
import type { SharedPromptContext } from '../contracts/shared-prompt-context.ts';
import { taskSlug } from '../curate/dataset/internal/dataset-paths.ts';
import { readDataset } from '../curate/dataset/read-dataset.ts';
import { runSelection, type SelectionCandidate, type SelectionScorer } from '../select/run-selection.ts';
import { specialistCandidate } from '../select/specialist-candidate.ts';
import type { JobOutcome, JobRecord, Store } from '../store/store.ts';
import { renderTrainingReportHtml, type TrainingReport } from './render-training-report.ts';
import type { TrainingArtifacts, TrainingBackend, TrainingBackendName } from './training-backend.ts';
import { findCachedTraining, isCacheableBackend, storeCachedTraining, trainingCacheKey, type CachedTraining } from './training-cache.ts';
import { lossHistoryLimit, thinLossCurve, trainJobSpecSchema, type TrainJobProgress, type TrainJobResult, type TrainJobSpec } from './training-job.ts';

/** Fewer training examples than this cannot teach a task; the job fails and says so. */
export const minimumTrainingExamples = 8;
const heartbeatIntervalMs = 5_000;

export interface RunTrainingJobOptions {
  store: Store;
  dataDir: string;
  workerId: string;
  /** The backend a job asks for, or undefined when this worker cannot run it. */
  createBackend: (spec: TrainJobSpec) => TrainingBackend | undefined;
  /** Turns the spec's `base` into what the backend takes (a local GGUF path for local backends). */
  resolveBase: (base: string, backend: TrainingBackendName) => Promise<string>;
  /** Scores the specialist's answers against the teacher's (the evaluation metrics, wired in by the caller). */
  scorer: SelectionScorer;
  /** Serving cost basis for the report. */
  usdPerHour: number;
  costBasis: string;
  threads?: number;
  /** Reuse (and fill) the shared training cache. Default true. */
  trainingCache?: boolean;
  onProgress?: (progress: TrainJobProgress) => void;
  signal?: AbortSignal;
}

class JobStopped extends Error {
  constructor(readonly outcome: 'cancelled' | 'lost') {
    super(outcome === 'cancelled' ? 'cancelled on request' : 'the job was claimed by another worker');
  }
}

export async function runTrainingJob(job: JobRecord, options: RunTrainingJobOptions): Promise<JobOutcome | null> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let latest: TrainJobProgress = { phase: 'starting' };
  let beating = false;
  const timer = setInterval(() => {
    if (beating) return;
    beating = true;
    options.store.jobs
      .heartbeat(job.id, options.workerId, latest)
      .then((state) => {
        if (!state.owned) controller.abort(new JobStopped('lost'));
        else if (state.cancelRequested) controller.abort(new JobStopped('cancelled'));
      })
      .catch(() => undefined)
      .finally(() => (beating = false));
  }, heartbeatIntervalMs);
  // The heartbeat carries the loss so far, so a dashboard can draw the curve while the job runs.
  let lossHistory: Array<{ step: number; loss: number }> = [];
  const report = (progress: TrainJobProgress) => {
    if (progress.step !== undefined && progress.loss !== undefined && Number.isFinite(progress.loss) && lossHistory.at(-1)?.step !== progress.step) {
      lossHistory.push({ step: progress.step, loss: progress.loss });
      if (lossHistory.length > 2 * lossHistoryLimit) lossHistory = thinLossCurve(lossHistory);
    }
    latest = lossHistory.length === 0 ? progress : { ...progress, lossHistory: thinLossCurve(lossHistory) };
    options.onProgress?.(progress);
  };
  try {
    const result = await execute(job, options, controller.signal, report);
    return { status: 'succeeded', result };
  } catch (error) {
    const reason = controller.signal.reason as unknown;
    if (reason instanceof JobStopped) return reason.outcome === 'cancelled' ? { status: 'cancelled' } : null;
    if (options.signal?.aborted === true) return { status: 'failed', error: `worker stopped: ${String(options.signal.reason ?? 'aborted')}` };
    return { status: 'failed', error: error instanceof Error ? error.message.split('\n')[0]!.slice(0, 2000) : String(error) };
  } finally {
    clearInterval(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

async function execute(job: JobRecord, options: RunTrainingJobOptions, signal: AbortSignal, report: (progress: TrainJobProgress) => void): Promise<TrainJobResult> {
  const parsed = trainJobSpecSchema.safeParse(job.spec);
  if (!parsed.success) throw new UnderstudyError('invalid_request', `Job ${job.id} has an invalid spec: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const spec = parsed.data;
  report({ phase: 'prepare', message: `reading dataset ${spec.datasetVersion}` });
  const dataset = await readDataset(spec.datasetDir);
  if (dataset.manifest.version !== spec.datasetVersion) throw new UnderstudyError('invalid_request', `Dataset at ${spec.datasetDir} is ${dataset.manifest.version}, the job asked for ${spec.datasetVersion}.`);
  if (dataset.train.length < minimumTrainingExamples) {
    throw new UnderstudyError('invalid_request', `Dataset ${dataset.manifest.version} has ${dataset.train.length} training examples; at least ${minimumTrainingExamples} are needed. Log more calls of ${spec.task} and rebuild it.`);
  }
  const backend = options.createBackend(spec);
  if (backend === undefined) throw new UnderstudyError('invalid_request', `This worker cannot run the '${spec.backend}' backend${spec.backend === 'hosted' ? ' (the job names no fine-tuning API)' : ''}.`);
  const base = await options.resolveBase(spec.base, spec.backend);
  const outputDir = path.join(options.dataDir, 'training', job.id);
  await mkdir(outputDir, { recursive: true });

  const cacheKey = options.trainingCache !== false && isCacheableBackend(spec.backend) ? trainingCacheKey(spec) : null;
  const cached: CachedTraining | null = cacheKey === null ? null : await findCachedTraining(options.dataDir, cacheKey);
  let artifacts: TrainingArtifacts;
  let trainSeconds: number;
  if (cached !== null) {
    report({ phase: 'cached', message: `reusing the ${cached.artifacts.backend} training of ${cached.createdAt} (same dataset version, base, backend and hyper-parameters; cache ${cached.key})` });
    // The base is this worker's copy of the same file (the key checked its identity).
    artifacts = { ...cached.artifacts, baseModel: spec.backend === 'lora' ? base : cached.artifacts.baseModel };
    trainSeconds = 0;
  } else {
    const started = performance.now();
    artifacts = await backend.train(
      { dataDir: options.dataDir, dataset, base, outputDir, hyperparameters: spec.hyperparameters, device: spec.device },
      { onProgress: (progress) => report({ ...progress }), signal },
    );
    trainSeconds = (performance.now() - started) / 1000;
  }
  signal.throwIfAborted();

  const specialistId = `sp_${randomBytes(8).toString('hex')}`;
  const name = spec.name ?? `${taskSlug(spec.task)}-${spec.backend}-${job.id.slice(-6)}`;
  report({ phase: 'verify', message: `serving the specialist on ${Math.min(spec.verifyExamples, dataset.validation.length)} validation examples` });
  const promptFormat = artifacts.backend === 'micro' ? 'task-prompt' : 'chat-template';
  const promptContext = artifacts.promptContext ?? null;
  const candidate = servingCandidate(specialistId, name, artifacts, promptFormat, promptContext, options.threads ?? 1);
  const verification = await runSelection({ dataset, candidates: [candidate], scorer: options.scorer, limit: spec.verifyExamples, shots: 0, signal });
  const unreachable = verification.unreachable[0];
  if (unreachable !== undefined) throw new UnderstudyError('internal_error', `The trained specialist does not load in the runtime: ${unreachable.reason}`);
  const run = verification.runs[0];
  const checked = run === undefined
    ? { examples: 0, correct: 0, agreement: 0, validRate: 0, metric: 'none', latencyP50Ms: 0, failures: [] }
    : { examples: run.examples, correct: run.correct, agreement: run.accuracy, validRate: run.validRate, metric: run.metric, latencyP50Ms: run.latencyP50Ms, failures: run.failures };

  const trainingReport: TrainingReport = {
    jobId: job.id,
    task: spec.task,
    specialistId,
    backend: spec.backend,
    base: artifacts.baseModel,
    dataset: { dir: dataset.dir, version: dataset.manifest.version, train: dataset.train.length, validation: dataset.validation.length, test: dataset.test.length },
    hyperparameters: spec.hyperparameters,
    steps: artifacts.steps,
    trainSeconds,
    costUsd: (trainSeconds / 3600) * options.usdPerHour,
    costBasis: options.costBasis,
    lossCurve: artifacts.lossCurve,
    metrics: artifacts.metrics,
    verification: checked,
    createdAt: new Date().toISOString(),
  };
  const reportPath = path.join(outputDir, 'report.html');
  await writeFile(path.join(outputDir, 'report.json'), `${JSON.stringify(trainingReport, null, 2)}\n`);
  await writeFile(reportPath, renderTrainingReportHtml(trainingReport));

  signal.throwIfAborted();
  if (cacheKey !== null && cached === null) {
    try {
      await storeCachedTraining(options.dataDir, cacheKey, artifacts, trainSeconds);
    } catch (error) {
      // The specialist is good without a cache entry; the next identical training just runs again.
      report({ phase: 'verify', message: `could not store the training in the cache: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  await options.store.specialists.register({
    id: specialistId,
    task: spec.task,
    name,
    status: 'ready',
    baseModel: artifacts.served ? `${artifacts.served.baseUrl}#${artifacts.served.model}` : (artifacts.modelPath ?? artifacts.baseModel),
    adapterPath: artifacts.adapterPath,
    adapterHfDir: artifacts.adapterHfDir,
    promptFormat,
    promptContext,
    datasetVersion: dataset.manifest.version,
    jobId: job.id,
    metrics: { ...artifacts.metrics, validationAgreement: checked.agreement, validationExamples: checked.examples, validRate: checked.validRate, trainSeconds },
    createdAt: Date.now(),
  });
  return {
    specialistId,
    adapterPath: artifacts.adapterPath,
    modelPath: artifacts.modelPath,
    served: artifacts.served ?? null,
    steps: artifacts.steps,
    trainSeconds,
    ...(cached === null ? {} : { reusedFrom: { key: cached.key, trainSeconds: cached.trainSeconds, createdAt: cached.createdAt } }),
    verification: { examples: checked.examples, agreement: checked.agreement, validRate: checked.validRate, metric: checked.metric },
    reportPath,
    lossCurve: thinLossCurve(artifacts.lossCurve),
  };
}

/** The trained result as model selection's candidate, served as the router will serve it. */
function servingCandidate(
  id: string,
  name: string,
  artifacts: TrainingArtifacts,
  promptFormat: 'chat-template' | 'task-prompt',
  promptContext: SharedPromptContext | null,
  threads: number,
): SelectionCandidate {
  const model = artifacts.served !== undefined ? `${artifacts.served.baseUrl}#${artifacts.served.model}` : (artifacts.modelPath ?? artifacts.baseModel);
  return specialistCandidate(
    { id, name, model, adapterPath: artifacts.adapterPath, promptFormat, promptContext, ...(artifacts.served?.apiKeyEnv === undefined ? {} : { apiKeyEnv: artifacts.served.apiKeyEnv }) },
    { threads, contextSize: 4096, usdPerHour: null },
  );
}
