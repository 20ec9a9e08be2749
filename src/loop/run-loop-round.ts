/**
 * One round of the closed loop (S1–S6 as jobs): read what was logged, rediscover the tasks (keeping their ids
 * stable), and for every task a specialist could take — structured, enough teacher answers — decide whether to
 * train: no specialist yet, the data grew, quality escalations cluster since the route last changed, or the
 * route was rolled back. Training runs as a job (the same queue `understudy worker` serves), the new specialist
 * is evaluated offline on the task's validation split with its confidence threshold calibrated for the target
 * precision, and only if it passes the gates does it enter its route — in shadow, from where the governor
 * promotes it on live traffic. Escalated calls are teacher answers like any other: they join the next dataset;
 * answers a specialist delivered never do (the dataset filter drops them). Retraining an unchanged dataset with an
 * unchanged budget costs no training time: the training cache hands back the earlier adapter.
 *
 * The report and each offline evaluation are kept in the store (the dashboard reads them); callers that pace the
 * round (the demo's time budget) order the tasks by projected savings and veto trainings through `beforeTraining`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CallRecord } from '../contracts/call-record.ts';
import type { LoadedConfig, TrainingBudget } from '../contracts/config.ts';
import type { RoutePolicy } from '../contracts/route-policy.ts';
import type { KnownTask } from '../contracts/task-signature.ts';
import { buildTaskDataset } from '../curate/dataset/build-task-dataset.ts';
import { readDataset } from '../curate/dataset/read-dataset.ts';
import { buildReplaceabilityReport } from '../discover/build-replaceability-report.ts';
import type { ReplaceabilityReport } from '../discover/replaceability-report.ts';
import { evaluateSpecialist, type SpecialistEvaluation } from '../evaluate/evaluate-specialist.ts';
import { storedEvaluationFrom } from '../evaluate/stored-evaluation-from.ts';
import { specialistCandidate } from '../select/specialist-candidate.ts';
import { loadCalls } from '../store/load-calls.ts';
import type { SpecialistRecord, Store } from '../store/store.ts';
import { runJobWorker } from '../train/run-job-worker.ts';
import { findCachedTraining, isCacheableBackend, trainingCacheKey } from '../train/training-cache.ts';
import { launchTraining, pollTraining, type TrainJobProgress, type TrainJobResult } from '../train/training-job.ts';
import { saveDiscoveredTasks } from './save-discovered-tasks.ts';
import { trainingDependencies } from './training-dependencies.ts';

export type TaskAction = 'trained' | 'kept' | 'skipped' | 'failed';

export interface LoopTaskOutcome {
  task: string;
  /** The task's id in this round's replaceability report (discovery's id, before ids are carried over). */
  reportTaskId: string;
  name: string;
  calls: number;
  /** Calls answered by the teacher (the LLM): what a dataset can learn from. */
  teacherAnswers: number;
  action: TaskAction;
  /** Why: the retraining trigger, or why nothing happened. */
  reason: string;
  routeMode: RoutePolicy['mode'] | null;
  specialistId: string | null;
  evaluation?: { examples: number; agreement: number; threshold: number | null; coverage: number; deliveredAgreement: number; passed: boolean };
  trainSeconds?: number;
  /** Set when the training cache supplied the adapter instead of a new training (see training-cache.ts). */
  reusedFrom?: TrainJobResult['reusedFrom'];
}

/** What `beforeTraining` is asked about: a task the loop is about to train. */
export interface TrainingCandidate {
  task: KnownTask;
  /** Why the loop wants a (new) specialist. */
  trigger: string;
  trainExamples: number;
  /** Mean length in characters of one training example (prompt and answer as stored): what a step's time grows with. */
  meanExampleChars: number;
  budget: TrainingBudget;
  /** True when the training cache already holds this exact training (it costs no training time). */
  cached: boolean;
  /** Outcomes of the tasks considered before this one in the round. */
  outcomes: readonly LoopTaskOutcome[];
}

export interface LoopRoundReport {
  startedAt: number;
  seconds: number;
  calls: number;
  tasks: LoopTaskOutcome[];
}

export interface RunLoopRoundOptions {
  store: Store;
  loaded: LoadedConfig;
  /** Only these tasks (ids or names, or those a predicate accepts) are trained; all are still rediscovered. */
  only?: readonly string[] | ((task: KnownTask) => boolean);
  /** Which tasks are considered for training first: most calls (default) or the report's projected savings. */
  order?: 'calls' | 'projected-savings';
  /** Asked before each training is launched; a returned reason skips the task (a time budget, a count). */
  beforeTraining?: (candidate: TrainingCandidate) => string | null;
  /** The round's replaceability report, as soon as discovery is done (before any training). */
  onReport?: (report: ReplaceabilityReport) => void;
  /** Each task's outcome, as soon as it is decided. */
  onOutcome?: (outcome: LoopTaskOutcome) => void;
  onProgress?: (message: string) => void;
  onTrainingProgress?: (task: string, progress: TrainJobProgress) => void;
  /**
   * Asked at every progress report of a training: a reason stops it (the demo stops one whose measured pace will
   * not fit its time budget). The task's outcome is then `failed` with that reason.
   */
  stopTraining?: (task: string, progress: TrainJobProgress) => string | null;
  signal?: AbortSignal;
}

export async function runLoopRound(options: RunLoopRoundOptions): Promise<LoopRoundReport> {
  const startedAt = Date.now();
  const { store } = options;
  const say = options.onProgress ?? (() => undefined);
  const calls = await loadCalls(store, {});
  say(`read ${calls.length} calls`);
  const { report, discovery } = await buildReplaceabilityReport(calls);
  options.onReport?.(report);
  // Tasks under carried ids, the report under them, and each call's place (so it counts under its task).
  const { carried, members } = await saveDiscoveredTasks({ store, calls, report, discovery, now: startedAt });
  say(`discovered ${carried.length} tasks (${carried.filter((entry) => entry.carried).length} carried over from earlier rounds)`);

  const outcomes: LoopTaskOutcome[] = [];
  const limit = options.loaded.config.loop.maxTrainingsPerRound ?? Number.POSITIVE_INFINITY;
  let trainings = 0;
  const savings = new Map(report.tasks.map((task) => [task.taskId, task.projectedSavingsUsd]));
  // Biggest tasks first: with a training limit, they are where a specialist takes the most calls (or, ordered by
  // projected savings, where it saves the most).
  const ordered = [...carried].sort((a, b) =>
    options.order === 'projected-savings' ? (savings.get(b.discoveredId) ?? 0) - (savings.get(a.discoveredId) ?? 0) || b.task.callCount - a.task.callCount : b.task.callCount - a.task.callCount,
  );
  for (const { task, discoveredId } of ordered) {
    options.signal?.throwIfAborted();
    const taskCalls = members.get(discoveredId) ?? [];
    const outcome = { ...(await considerTask(options, task, taskCalls, trainings < limit, outcomes)), reportTaskId: discoveredId };
    if (outcome.action === 'trained' || outcome.action === 'failed') trainings += 1;
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
    say(`${task.name} (${task.id}): ${outcome.action} — ${outcome.reason}`);
  }
  return { startedAt, seconds: (Date.now() - startedAt) / 1000, calls: calls.length, tasks: outcomes };
}

async function considerTask(options: RunLoopRoundOptions, task: KnownTask, calls: readonly CallRecord[], mayTrain: boolean, earlier: readonly LoopTaskOutcome[]): Promise<Omit<LoopTaskOutcome, 'reportTaskId'>> {
  const { store, loaded } = options;
  const loop = loaded.config.loop;
  const route = (await store.routes.get(task.id)) ?? null;
  const teacherAnswers = calls.filter((call) => call.status === 'ok' && call.route !== 'specialist').length;
  const base: Omit<LoopTaskOutcome, 'reportTaskId'> = {
    task: task.id,
    name: task.name,
    calls: calls.length,
    teacherAnswers,
    action: 'skipped',
    reason: '',
    routeMode: route?.mode ?? null,
    specialistId: route?.specialistId ?? null,
  };
  if (task.openEnded) return { ...base, reason: 'open-ended: stays on the LLM' };
  if (options.only !== undefined && !(typeof options.only === 'function' ? options.only(task) : options.only.includes(task.id) || options.only.includes(task.name))) return { ...base, reason: 'not selected' };
  if (teacherAnswers < loop.minExamples) return { ...base, reason: `${teacherAnswers} teacher answers; ${loop.minExamples} needed` };

  const decision = await retrainTrigger(store, route, teacherAnswers, loaded.config.loop, loaded.config.routing.promotion.minAgreement);
  if ('hold' in decision) return { ...base, action: 'kept', reason: decision.hold };
  const trigger = decision.train;
  if (!mayTrain) return { ...base, reason: `${trigger}, but this round's training limit (loop.maxTrainingsPerRound) is reached` };

  const built = await buildTaskDataset({ taskId: task.id, calls, pseudonyms: store.pseudonyms, dataDir: loaded.dataDir, mode: loaded.config.curation.mode });
  const counts = built.manifest.split.counts;
  if (counts.train < 8 || counts.validation < 1) return { ...base, reason: `${trigger}, but the dataset is too small (${counts.train} train, ${counts.validation} validation)` };
  const budget = budgetFor(loaded.config.loop, task);
  const spec = {
    formatVersion: 1 as const,
    task: task.id,
    datasetDir: built.dir,
    datasetVersion: built.manifest.version,
    backend: budget.backend,
    base: budget.base,
    hyperparameters: budget.hyperparameters,
    device: budget.device,
    verifyExamples: 0,
  };
  if (options.beforeTraining !== undefined) {
    const cached = isCacheableBackend(spec.backend) && (await findCachedTraining(loaded.dataDir, trainingCacheKey(spec))) !== null;
    const veto = options.beforeTraining({ task, trigger, trainExamples: counts.train, meanExampleChars: await meanLineLength(path.join(built.dir, 'train.jsonl')), budget, cached, outcomes: earlier });
    if (veto !== null) return { ...base, reason: `${trigger}, but ${veto}` };
  }
  options.onProgress?.(`${task.name}: ${trigger}; training ${budget.backend} on ${counts.train} examples`);
  const handle = await launchTraining(store, spec);
  const stopper = new AbortController();
  let stoppedBecause: string | null = null;
  const onRoundAbort = () => stopper.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onRoundAbort, { once: true });
  try {
    await runJobWorker({
      ...trainingDependencies(store, loaded.dataDir, options.onProgress),
      usdPerHour: loaded.config.routing.usdPerHour,
      threads: loaded.config.routing.threads,
      onlyJobId: handle.jobId,
      once: true,
      onProgress: (_job, progress) => {
        options.onTrainingProgress?.(task.id, progress);
        const stop = stoppedBecause === null ? (options.stopTraining?.(task.id, progress) ?? null) : null;
        if (stop !== null) {
          stoppedBecause = stop;
          stopper.abort(stop);
        }
      },
      signal: stopper.signal,
    });
  } finally {
    options.signal?.removeEventListener('abort', onRoundAbort);
  }
  if (stoppedBecause !== null) return { ...base, action: 'failed', reason: `${trigger}, but ${stoppedBecause}` };
  const status = await pollTraining(store, handle);
  if (status.state !== 'succeeded') return { ...base, action: 'failed', reason: `${trigger}; training ${status.state}${'reason' in status ? `: ${status.reason}` : ''}` };
  const specialist = await store.specialists.get(status.result.specialistId);
  if (specialist === undefined) return { ...base, action: 'failed', reason: `${trigger}; the trained specialist was not registered` };

  const evaluation = await evaluateOffline(options, specialist, built.dir);
  await store.evaluations.put(storedEvaluationFrom(evaluation));
  const summary = {
    examples: evaluation.examples,
    agreement: evaluation.agreement.rate,
    threshold: evaluation.confidence.calibration.threshold,
    coverage: evaluation.confidence.calibration.coverage,
    deliveredAgreement: evaluation.confidence.delivered.agreement,
    passed: evaluation.passedWithThreshold,
  };
  const trained = { ...base, evaluation: summary, trainSeconds: status.result.trainSeconds, ...(status.result.reusedFrom === undefined ? {} : { reusedFrom: status.result.reusedFrom }) };
  const figures = `agreement ${(summary.agreement * 100).toFixed(1)}% on ${summary.examples} validation examples; at threshold ${summary.threshold?.toFixed(3) ?? 'none'} it answers ${(summary.coverage * 100).toFixed(0)}% at ${(summary.deliveredAgreement * 100).toFixed(1)}%`;
  if (!evaluation.passedWithThreshold) {
    await store.specialists.setStatus(specialist.id, 'retired');
    return { ...trained, action: 'trained', reason: `${trigger}; ${specialist.id} failed the offline gates (${figures}); route unchanged` };
  }
  const routing = loaded.config.routing;
  const policy: RoutePolicy = {
    task: task.id,
    mode: 'shadow',
    canaryShare: route?.canaryShare ?? routing.canaryShare,
    specialistId: specialist.id,
    confidenceThreshold: summary.threshold,
    timeoutMs: route?.timeoutMs ?? routing.timeoutMs,
    auditShare: route?.auditShare ?? routing.auditShare,
    automatic: true,
    updatedAt: Date.now(),
    reason: `loop: ${specialist.id} passed the offline gates (${figures}); shadow first`,
  };
  await store.routes.put(policy, { actor: 'loop', reason: policy.reason, figures: { agreement: summary.agreement, coverage: summary.coverage, examples: summary.examples } });
  if (route?.specialistId !== null && route?.specialistId !== undefined && route.specialistId !== specialist.id) await store.specialists.setStatus(route.specialistId, 'retired');
  return { ...trained, action: 'trained', reason: `${trigger}; ${figures}`, routeMode: 'shadow', specialistId: specialist.id };
}

/** Why the task needs a (new) specialist now (`train`), or why it does not (`hold`). */
async function retrainTrigger(
  store: Store,
  route: RoutePolicy | null,
  teacherAnswers: number,
  loop: LoadedConfig['config']['loop'],
  promotionAgreement: number,
): Promise<{ train: string } | { hold: string }> {
  if (route === null || route.specialistId === null) return { train: 'no specialist yet' };
  const specialist = await store.specialists.get(route.specialistId);
  if (specialist === undefined || specialist.status !== 'ready') return { train: 'its specialist is gone' };
  const [lastEvent] = await store.routes.events({ task: route.task, limit: 1 });
  if (lastEvent?.actor === 'rollback' && route.mode === 'shadow') return { train: `rolled back: ${lastEvent.reason}` };
  if (route.mode === 'shadow') {
    // A specialist that cannot pass its promotion gate on live traffic (drift, or data it never saw) is retrained.
    const runs = (await store.observations.recent({ task: route.task, specialistId: specialist.id, kinds: ['shadow'], limit: 200 })).filter((observation) => observation.at >= route.updatedAt);
    const agreed = runs.filter((observation) => observation.agreed === true).length;
    if (runs.length >= loop.retrainMinRoutedCalls && agreed / runs.length < promotionAgreement) {
      return { train: `stuck in shadow: ${agreed} of ${runs.length} shadow answers agree (${((agreed / runs.length) * 100).toFixed(0)}%)` };
    }
  }
  const trainedOn = await trainedExamples(store, specialist);
  if (trainedOn !== null && teacherAnswers >= trainedOn * loop.retrainGrowth) return { train: `data grew from ${trainedOn} to ${teacherAnswers} teacher answers` };
  const routed = (await store.observations.recent({ task: route.task, specialistId: specialist.id, kinds: ['served', 'escalated'], limit: 1000 })).filter((observation) => observation.at >= route.updatedAt);
  const quality = routed.filter((observation) => observation.kind === 'escalated' && observation.escalationReason !== 'specialist_down' && observation.escalationReason !== 'unsupported_request').length;
  if (routed.length >= loop.retrainMinRoutedCalls && quality / routed.length > loop.retrainEscalationRate) {
    return { train: `escalations cluster: ${quality} of ${routed.length} routed calls (${((quality / routed.length) * 100).toFixed(0)}%)` };
  }
  return { hold: `${specialist.id} in ${route.mode}: no trigger` };
}

/** Calls the specialist's dataset was built from, from its training job's spec. */
async function trainedExamples(store: Store, specialist: SpecialistRecord): Promise<number | null> {
  if (specialist.jobId === null) return null;
  const job = await store.jobs.get(specialist.jobId);
  const datasetDir = (job?.spec as { datasetDir?: unknown } | undefined)?.datasetDir;
  if (typeof datasetDir !== 'string') return null;
  try {
    const { manifest } = await readDataset(datasetDir);
    // Calls, not examples: the growth rule compares it with a count of calls (dedup and filters drop some examples).
    return manifest.source.callCount;
  } catch {
    return null;
  }
}

async function evaluateOffline(options: RunLoopRoundOptions, specialist: SpecialistRecord, datasetDir: string): Promise<SpecialistEvaluation> {
  const { loaded } = options;
  const dataset = await readDataset(datasetDir);
  const candidate = specialistCandidate(
    { id: specialist.id, name: specialist.name, model: specialist.baseModel, adapterPath: specialist.adapterPath, promptFormat: specialist.promptFormat },
    { threads: loaded.config.routing.threads, contextSize: loaded.config.routing.contextSize, usdPerHour: loaded.config.routing.usdPerHour },
  );
  return evaluateSpecialist({
    dataset,
    candidate,
    gates: loaded.config.gates,
    split: 'validation',
    limit: loaded.config.loop.evalExamples,
    targetPrecision: loaded.config.routing.targetPrecision,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

function budgetFor(loop: LoadedConfig['config']['loop'], task: KnownTask): TrainingBudget {
  const override = loop.tasks[task.id] ?? loop.tasks[task.name] ?? {};
  return { ...loop.training, ...override, hyperparameters: { ...loop.training.hyperparameters, ...(override.hyperparameters ?? {}) } };
}

/** Mean characters per line of a JSON-lines file (0 when it has none). */
async function meanLineLength(file: string): Promise<number> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  return lines.length === 0 ? 0 : lines.reduce((sum, line) => sum + line.length, 0) / lines.length;
}
