/**
 * The one-command demo's stages, over any traffic source: 1 capture (episodes through the gateway), 2 discover
 * (the replaceability report), 3 train the most valuable tasks within a time budget, 4 prove them offline, 5 route
 * more traffic while the governor promotes on live agreement, 6 count the savings — and, for every other task,
 * why it is still on the LLM. The traffic itself is injected (`drive`): the CLI drives the simulated agents, so
 * this layer knows nothing of the simulator or the gateway.
 *
 * Re-running resumes: the store remembers how many episodes were captured (a re-run only tops up), the loop keeps
 * specialists that have no reason to change, and a training identical to an earlier one comes from the training
 * cache instead of being run again.
 */
import { z } from 'zod';
import type { LoadedConfig } from '../contracts/config.ts';
import type { RoutePolicy } from '../contracts/route-policy.ts';
import type { ReplaceabilityReport, Verdict } from '../discover/replaceability-report.ts';
import type { PricingTable } from '../providers/pricing-table.ts';
import { computeEconomics, type Economics, type EconomicsFigures } from '../route/compute-economics.ts';
import { loadCalls } from '../store/load-calls.ts';
import type { Store } from '../store/store.ts';
import type { TrainJobProgress } from '../train/training-job.ts';
import type { DemoPlan } from './demo-preset.ts';
import { runLoopRound, type LoopTaskOutcome, type TrainingCandidate } from './run-loop-round.ts';
import { createTrainingTimeBudget } from './training-time-budget.ts';

export const demoStateSettingKey = 'demo.state';

/** What `drive` reports while and after it sends traffic. */
export interface DriveProgress {
  episodesDone: number;
  episodes: number;
  calls: number;
}

export interface DriveResult {
  episodes: number;
  calls: number;
  failures: number;
}

export type DemoEvent =
  | { kind: 'stage'; stage: 1 | 2 | 3 | 4 | 5 | 6; title: string; detail: string }
  | { kind: 'capture-progress'; progress: DriveProgress }
  | { kind: 'report'; report: ReplaceabilityReport }
  | { kind: 'training-progress'; task: string; name: string; progress: TrainJobProgress }
  | { kind: 'outcome'; outcome: LoopTaskOutcome }
  | { kind: 'route-progress'; batch: number; batches: number; progress: DriveProgress }
  | { kind: 'route-batch'; batch: number; batches: number; figures: EconomicsFigures; routes: Array<{ task: string; mode: RoutePolicy['mode'] }> }
  | { kind: 'note'; message: string };

export interface RunDemoOptions {
  store: Store;
  loaded: LoadedConfig;
  plan: DemoPlan;
  seed: string;
  /** Seconds stage 3 may spend training. */
  budgetSeconds: number;
  /** Whether this machine can train (see checkTrainingRuntime); when not, stages 3–5 are skipped with this reason. */
  training: { available: true } | { available: false; reason: string };
  pricing: PricingTable;
  /** Sends `episodes` episodes of the agents' traffic with `seed` and resolves once every call is logged. */
  drive: (request: { seed: string; episodes: number; onProgress: (progress: DriveProgress) => void }) => Promise<DriveResult>;
  /** Loads the routed specialists (after the loop changed routes). */
  warmRouter: () => Promise<void>;
  routes: () => RoutePolicy[];
  onEvent: (event: DemoEvent) => void;
  signal?: AbortSignal;
}

export type StillOnLlmCategory = 'open-ended' | 'too-few-examples' | 'not-in-budget' | 'failed-gates' | 'training-failed' | 'in-shadow' | 'no-training-runtime' | 'other';

export interface DemoTaskFigures {
  task: string | null;
  reportTaskId: string;
  name: string;
  calls: number;
  callShare: number;
  spendShare: number;
  verdict: Verdict;
  projectedSavingsUsd: number;
  /** The loop's action this run; null when training was unavailable. */
  action: LoopTaskOutcome['action'] | null;
  reason: string;
  /** True when the adapter came from the training cache. */
  reused: boolean;
  trainSeconds: number | null;
  evaluation: LoopTaskOutcome['evaluation'] | null;
  routeMode: RoutePolicy['mode'] | null;
  specialistId: string | null;
}

export interface DemoFigures {
  plan: { size: DemoPlan['size']; episodes: number; maxTasks: number; budgetMinutes: number; gates: string; productionGates: string };
  capture: { skipped: boolean; episodesThisRun: number; callsThisRun: number; failuresThisRun: number; episodesTotal: number };
  /** Calls in the store when the demo ended (every stage, every run). */
  storeCalls: number;
  discovery: { tasks: number; calls: number; costUsd: number; replaceableCallShare: number };
  training: { available: boolean; reason: string | null; trained: number; reused: number; kept: number; passed: number; seconds: number };
  tasks: DemoTaskFigures[];
  route: { batches: number; episodes: number; calls: number; figures: EconomicsFigures | null };
  /** Over every call in the store. */
  economics: Economics;
  /** Plain statement when a specialist call costs more than the LLM's on this machine; null otherwise. */
  costNote: string | null;
  stillOnLlm: Array<{ task: string | null; name: string; category: StillOnLlmCategory; why: string }>;
  seconds: number;
}

const demoStateSchema = z.object({
  formatVersion: z.literal(1),
  capturedEpisodes: z.number().int().min(0),
  routeBatches: z.number().int().min(0),
  /** Measured step time ÷ the first-guess step model's, from the last training on this machine (null: none yet). */
  stepScale: z.number().positive().nullable().default(null),
});
type DemoState = z.infer<typeof demoStateSchema>;


export async function runDemo(options: RunDemoOptions): Promise<DemoFigures> {
  const started = Date.now();
  const { store, plan, onEvent } = options;
  const state = await readState(store);

  // 1. Capture
  const toCapture = Math.max(0, plan.episodes - state.capturedEpisodes);
  onEvent({
    kind: 'stage',
    stage: 1,
    title: 'Capture',
    detail:
      toCapture === 0
        ? `${state.capturedEpisodes} episodes were captured by an earlier run: kept (${plan.episodes} asked)`
        : `${toCapture} episodes of three agents (query writer, support, tool loop) through the gateway${state.capturedEpisodes > 0 ? `, topping up the ${state.capturedEpisodes} captured earlier` : ''}`,
  });
  let captured: DriveResult = { episodes: 0, calls: 0, failures: 0 };
  if (toCapture > 0) {
    captured = await options.drive({
      seed: state.capturedEpisodes === 0 ? options.seed : `${options.seed}/from-${state.capturedEpisodes}`,
      episodes: toCapture,
      onProgress: (progress) => onEvent({ kind: 'capture-progress', progress }),
    });
    state.capturedEpisodes += captured.episodes;
    await writeState(store, state);
  }

  // 2–4. Discover, train, prove: one loop round.
  const outcomes: LoopTaskOutcome[] = [];
  let report: ReplaceabilityReport | null = null;
  let trainingStarted = 0;
  const budget = createTrainingTimeBudget({ budgetSeconds: options.budgetSeconds, stepScale: state.stepScale });
  let watchedTraining = false;
  const names = new Map<string, string>();
  const available = options.training.available;
  onEvent({ kind: 'stage', stage: 2, title: 'Discover', detail: 'tasks found in the captured calls (the agents never said which task a call was)' });
  await runLoopRound({
    store,
    loaded: options.loaded,
    order: 'projected-savings',
    only: available ? plan.trainable.accepts : () => false,
    beforeTraining: (candidate) => budgetVeto(candidate),
    stopTraining: (task, progress) => {
      watchedTraining = true;
      return budget.observe(task, progress, Date.now());
    },
    onReport: (built) => {
      report = built;
      onEvent({ kind: 'report', report: built });
      trainingStarted = Date.now();
      budget.start(trainingStarted);
      if (!available) return;
      onEvent({
        kind: 'stage',
        stage: 3,
        title: 'Train',
        detail: `the ${plan.maxTasks === 1 ? 'most valuable task' : `${plan.maxTasks} most valuable tasks`} by projected savings that fit a ${(options.budgetSeconds / 60).toFixed(0)}-minute training budget (estimated from their examples' length, then held to by each training's measured pace)`,
      });
    },
    onOutcome: (outcome) => {
      outcomes.push(outcome);
      if (outcome.action === 'trained' && outcome.reusedFrom === undefined && outcome.trainSeconds !== undefined) budget.finished(outcome.task, outcome.trainSeconds, Date.now());
      onEvent({ kind: 'outcome', outcome });
    },
    onTrainingProgress: (task, progress) => {
      onEvent({ kind: 'training-progress', task, name: names.get(task) ?? task, progress });
    },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (watchedTraining && budget.stepScale() !== state.stepScale) {
    state.stepScale = budget.stepScale();
    await writeState(store, state);
  }
  const trainingSeconds = trainingStarted === 0 ? 0 : (Date.now() - trainingStarted) / 1000;
  if (!available) onEvent({ kind: 'note', message: `stages 3–5 skipped: ${options.training.reason}` });
  else onEvent({ kind: 'stage', stage: 4, title: 'Prove', detail: 'each new specialist against the teacher on held-out validation examples, its confidence threshold calibrated; only a pass enters a route' });

  function budgetVeto(candidate: TrainingCandidate): string | null {
    names.set(candidate.task.id, candidate.task.name);
    const inHand = candidate.outcomes.filter((outcome) => outcome.action === 'trained' || outcome.action === 'failed' || (outcome.action === 'kept' && outcome.specialistId !== null)).length;
    if (inHand >= plan.maxTasks) return `not in the budget: the demo trains the ${plan.maxTasks} most valuable task${plan.maxTasks === 1 ? '' : 's'}`;
    if (candidate.cached) return null;
    return budget.veto({ task: candidate.task.id, meanExampleChars: candidate.meanExampleChars, hyperparameters: candidate.budget.hyperparameters }, Date.now(), plan.maxTasks - inHand);
  }

  // 4 is reported with each outcome; 5. Route
  const routedTasks = outcomes.filter((outcome) => outcome.specialistId !== null && outcome.routeMode !== null && outcome.routeMode !== 'off');
  let routeFigures: EconomicsFigures | null = null;
  let routeCalls = 0;
  let routeEpisodes = 0;
  const routeSince = Date.now();
  if (available) {
    if (routedTasks.length === 0) {
      onEvent({ kind: 'stage', stage: 5, title: 'Route', detail: 'skipped: no specialist passed its gates, so every call stays on the LLM' });
    } else {
      onEvent({ kind: 'stage', stage: 5, title: 'Route', detail: `${plan.routeBatches} × ${plan.routeEpisodesPerBatch} more episodes; specialists start in shadow and the governor promotes them on live agreement` });
      await options.warmRouter();
      for (let batch = 1; batch <= plan.routeBatches; batch += 1) {
        options.signal?.throwIfAborted();
        const driven = await options.drive({
          seed: `${options.seed}/route-${state.routeBatches + 1}`,
          episodes: plan.routeEpisodesPerBatch,
          onProgress: (progress) => onEvent({ kind: 'route-progress', batch, batches: plan.routeBatches, progress }),
        });
        state.routeBatches += 1;
        await writeState(store, state);
        routeEpisodes += driven.episodes;
        const window = await economicsSince(options, routeSince);
        routeFigures = window.overall;
        routeCalls = window.overall.calls;
        onEvent({ kind: 'route-batch', batch, batches: plan.routeBatches, figures: window.overall, routes: options.routes().map((route) => ({ task: route.task, mode: route.mode })) });
      }
    }
  }

  // 6. Savings
  onEvent({ kind: 'stage', stage: 6, title: 'Savings', detail: 'every call in the store, as served, against all of them on the LLM' });
  const economics = await economicsSince(options, undefined);
  const finalRoutes = new Map((await store.routes.list()).map((route) => [route.task, route]));
  const tasks = taskFigures(report, outcomes, finalRoutes, available);
  const summary = await store.calls.summarize({});
  const built = report as ReplaceabilityReport | null;
  return {
    plan: { size: plan.size, episodes: plan.episodes, maxTasks: plan.maxTasks, budgetMinutes: options.budgetSeconds / 60, gates: plan.gatesLine, productionGates: plan.productionGatesLine },
    capture: { skipped: toCapture === 0, episodesThisRun: captured.episodes, callsThisRun: captured.calls, failuresThisRun: captured.failures, episodesTotal: state.capturedEpisodes },
    storeCalls: summary.calls,
    discovery: { tasks: built?.tasks.length ?? 0, calls: built?.totals.calls ?? 0, costUsd: built?.totals.costUsd ?? 0, replaceableCallShare: built?.replaceable.callShare ?? 0 },
    training: {
      available,
      reason: options.training.available ? null : options.training.reason,
      trained: outcomes.filter((outcome) => outcome.action === 'trained' && outcome.reusedFrom === undefined).length,
      reused: outcomes.filter((outcome) => outcome.action === 'trained' && outcome.reusedFrom !== undefined).length,
      kept: outcomes.filter((outcome) => outcome.action === 'kept' && outcome.specialistId !== null).length,
      passed: outcomes.filter((outcome) => outcome.evaluation?.passed === true).length,
      seconds: trainingSeconds,
    },
    tasks,
    route: { batches: routeFigures === null ? 0 : plan.routeBatches, episodes: routeEpisodes, calls: routeCalls, figures: routeFigures },
    economics,
    costNote: costNote(economics, options.loaded.config.routing.usdPerHour),
    stillOnLlm: tasks.filter((task) => task.routeMode !== 'live').map((task) => ({ task: task.task, name: task.name, ...whyOnLlm(task, plan, available ? null : options.training.reason) })),
    seconds: (Date.now() - started) / 1000,
  };
}

async function economicsSince(options: RunDemoOptions, since: number | undefined): Promise<Economics> {
  const calls = await loadCalls(options.store, since === undefined ? {} : { since });
  const observations = await options.store.observations.list(since === undefined ? {} : { since });
  return computeEconomics({ calls, observations, pricing: options.pricing, usdPerHour: options.loaded.config.routing.usdPerHour });
}

function taskFigures(report: ReplaceabilityReport | null, outcomes: readonly LoopTaskOutcome[], routes: Map<string, RoutePolicy>, available: boolean): DemoTaskFigures[] {
  const byReportId = new Map(outcomes.map((outcome) => [outcome.reportTaskId, outcome]));
  return (report?.tasks ?? []).map((assessment) => {
    const outcome = byReportId.get(assessment.taskId);
    const route = outcome === undefined ? undefined : routes.get(outcome.task);
    return {
      task: outcome?.task ?? null,
      reportTaskId: assessment.taskId,
      name: assessment.name,
      calls: assessment.calls,
      callShare: assessment.callShare,
      spendShare: assessment.spendShare,
      verdict: assessment.verdict,
      projectedSavingsUsd: assessment.projectedSavingsUsd,
      action: available ? (outcome?.action ?? null) : null,
      reason: outcome?.reason ?? '',
      reused: outcome?.reusedFrom !== undefined,
      trainSeconds: outcome?.trainSeconds ?? null,
      evaluation: outcome?.evaluation ?? null,
      routeMode: route?.mode ?? null,
      specialistId: route?.specialistId ?? null,
    };
  });
}

function whyOnLlm(task: DemoTaskFigures, plan: DemoPlan, unavailable: string | null): { category: StillOnLlmCategory; why: string } {
  if (task.verdict === 'keep-on-llm' || task.reason.startsWith('open-ended')) return { category: 'open-ended', why: 'open-ended answers: the LLM brings new content a small model cannot copy from the prompt' };
  if (task.routeMode === 'shadow' || task.routeMode === 'canary') {
    return { category: 'in-shadow', why: `${task.routeMode}: the specialist is being compared with the LLM on live calls; the governor promotes it when its agreement clears the gate` };
  }
  if (unavailable !== null) return { category: 'no-training-runtime', why: `no training on this machine: ${unavailable}` };
  if (/teacher answers; \d+ needed/.test(task.reason) || task.reason.includes('dataset is too small')) return { category: 'too-few-examples', why: `too few examples: ${task.reason}` };
  if (task.reason === 'not selected') return { category: 'not-in-budget', why: plan.trainable.refusal };
  if (task.reason.includes('not in the budget') || task.reason.includes('not in the time budget')) return { category: 'not-in-budget', why: task.reason.replace(/^.*?, but /, '') };
  if (task.reason.includes('failed the offline gates')) return { category: 'failed-gates', why: task.reason };
  if (task.action === 'failed') return { category: 'training-failed', why: task.reason };
  return { category: 'other', why: task.reason === '' ? 'no route' : task.reason };
}

/**
 * Says so plainly when the specialists cost more per call than the LLM on this machine (a shared CPU makes every
 * run seconds long), with the figures it is computed from.
 */
function costNote(economics: Economics, usdPerHour: number): string | null {
  for (const task of economics.tasks) {
    const runs = task.specialistCalls + task.escalations.total + task.shadowRuns;
    const llmAnswered = task.llmCalls;
    if (runs === 0 || llmAnswered === 0) continue;
    const specialistPerRun = task.specialistUsd / runs;
    const secondsPerRun = task.specialistBusySeconds / runs;
    // The routed task's own LLM price per call: specialists compete with what that task costs, not the average.
    const llmPerCall = (task.llmUsd - task.auditUsd) / llmAnswered;
    if (specialistPerRun <= llmPerCall) continue;
    return (
      `On this machine a specialist run costs more than the LLM call it replaces (task ${task.task ?? '?'}): ${secondsPerRun.toFixed(2)} s of CPU per run at $${usdPerHour}/h is ` +
      `$${specialistPerRun.toFixed(6)}, the teacher's list price for that task is $${llmPerCall.toFixed(6)} per call. A small model on a shared 2-core CPU is slow; ` +
      'the saving needs a faster serving machine (a GPU, or a CPU that is not shared), where the same run takes a fraction of the time.'
    );
  }
  return null;
}

async function readState(store: Store): Promise<DemoState> {
  const raw = await store.settings.get(demoStateSettingKey);
  if (raw !== undefined) {
    try {
      const parsed = demoStateSchema.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
    } catch {
      // A damaged record means nothing is known: start over.
    }
  }
  return { formatVersion: 1, capturedEpisodes: 0, routeBatches: 0, stepScale: null };
}

async function writeState(store: Store, state: DemoState): Promise<void> {
  await store.settings.set(demoStateSettingKey, JSON.stringify(state));
}
