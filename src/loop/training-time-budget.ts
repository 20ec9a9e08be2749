/**
 * The demo's training time budget: which trainings may start (an estimate from the examples' length), which must
 * stop (their measured pace), and what the estimate learns from each training it watches.
 *
 * A LoRA step's time grows with the examples in it: a fixed part per example and a part per character (attention
 * and the projections scale with the tokens; characters are what a dataset tells before anything is tokenised).
 * The first guess was measured with SmolLM2-135M on Debian's CPU torch on a 2-core VM (November 2026): a step of 4
 * examples of ~1,000 characters took 11 s, one of 4 examples of ~4,000 characters (a tool loop's growing
 * conversation) 41 s. Each training's measured pace rescales the model for the next (`stepScale`, kept by the
 * caller between runs). Time is passed in, so the arithmetic is testable without waiting.
 */
import type { TrainJobProgress } from '../train/training-job.ts';

export const firstGuessStep = { secondsPerExample: 0.28, secondsPerChar: 0.00248 };
/** Dataset, engine load, export and offline evaluation around the steps, until one training measured it. */
export const firstGuessOverheadSeconds = 60;
/**
 * A training whose measured pace ends it this far past the budget is stopped. Generous, because the first steps of
 * a run are slower and a shared machine's pace wobbles: the stop is for a training that cannot fit, not a late one.
 */
export const budgetSlack = 1.5;
/** Steps measured before the pace is trusted. */
const paceAfterSteps = 3;

export interface TrainingCandidateShape {
  task: string;
  meanExampleChars: number;
  hyperparameters: Record<string, unknown>;
}

export interface TrainingTimeBudget {
  /** Starts the clock (when the first training may begin). */
  start(now: number): void;
  /**
   * Null when the training fits its share of what is left, else the reason it is not started. `slotsLeft` trainings
   * are still to come (this one included) and share the rest equally, so one long training cannot take the whole
   * budget from the others.
   */
  veto(candidate: TrainingCandidateShape, now: number, slotsLeft?: number): string | null;
  /** Learns from a training's progress; null to go on, else the reason to stop it. */
  observe(task: string, progress: TrainJobProgress, now: number): string | null;
  /** A finished training's wall time, so the overhead around its steps is measured, not guessed. */
  finished(task: string, trainSeconds: number, now: number): void;
  /** The current scale of the step model (1 = the first guess). */
  stepScale(): number;
  /** Seconds since start. */
  spent(now: number): number;
}

export function createTrainingTimeBudget(options: { budgetSeconds: number; stepScale?: number | null }): TrainingTimeBudget {
  let startedAt: number | null = null;
  let scale = options.stepScale ?? 1;
  let overheadSeconds = firstGuessOverheadSeconds;
  const modelled = new Map<string, number>();
  const firstStep = new Map<string, { step: number; at: number }>();
  const began = new Map<string, number>();
  const spent = (now: number) => (startedAt === null ? 0 : (now - startedAt) / 1000);

  return {
    start(now) {
      startedAt ??= now;
    },
    veto(candidate, now, slotsLeft = 1) {
      const steps = numberOr(candidate.hyperparameters['maxSteps'], 40);
      const examplesPerStep = numberOr(candidate.hyperparameters['batchSize'], 4) * numberOr(candidate.hyperparameters['gradientAccumulationSteps'], 1);
      const stepSeconds = examplesPerStep * (firstGuessStep.secondsPerExample + firstGuessStep.secondsPerChar * candidate.meanExampleChars);
      modelled.set(candidate.task, stepSeconds);
      const estimate = steps * stepSeconds * scale + overheadSeconds;
      const left = Math.max(0, options.budgetSeconds - spent(now));
      const share = left / Math.max(1, slotsLeft);
      if (estimate <= share) return null;
      const room = slotsLeft > 1 ? `its share is ${duration(share)} (${duration(left)} of the ${duration(options.budgetSeconds)} budget left for ${slotsLeft} trainings)` : `${duration(left)} of the ${duration(options.budgetSeconds)} budget left`;
      return `not in the time budget: about ${duration(estimate)} to train ${steps} steps on examples of ~${Math.round(candidate.meanExampleChars).toLocaleString('en-US')} characters here, ${room}; a GPU trains it in minutes (understudy train)`;
    },
    observe(task, progress, now) {
      if (!began.has(task)) began.set(task, now);
      if (progress.phase !== 'training' || progress.step === undefined || progress.step <= 0) return null;
      const first = firstStep.get(task);
      const model = modelled.get(task);
      if (first === undefined) firstStep.set(task, { step: progress.step, at: now });
      else if (progress.step > first.step && model !== undefined) scale = (now - first.at) / 1000 / (progress.step - first.step) / model;
      if (progress.totalSteps === undefined || progress.etaSeconds === undefined || progress.step < paceAfterSteps) return null;
      const projected = spent(now) + progress.etaSeconds + overheadSeconds;
      if (projected <= options.budgetSeconds * budgetSlack) return null;
      return `not in the time budget: stopped at step ${progress.step}/${progress.totalSteps}, its measured pace would end it at about ${duration(projected)} of the ${duration(options.budgetSeconds)} budget`;
    },
    finished(task, trainSeconds, now) {
      const start = began.get(task);
      if (start !== undefined) overheadSeconds = Math.max(5, (now - start) / 1000 - trainSeconds);
    },
    stepScale: () => scale,
    spent,
  };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Seconds under 90 as seconds, else whole minutes. */
export function duration(seconds: number): string {
  return seconds < 90 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(0)} min`;
}
