/**
 * The record of an evaluation run the store keeps (`StoredEvaluation`): the summary figures of a
 * `SpecialistEvaluation` and a bounded sample of its failures, cut so one row stays small whatever the answers'
 * length. `passed` is `passedWithThreshold`: the specialist is served behind its calibrated threshold, so that is
 * the verdict that matters for routing.
 */
import { randomBytes } from 'node:crypto';
import type { StoredEvaluation } from '../contracts/dashboard-api.ts';
import type { SpecialistEvaluation } from './evaluate-specialist.ts';

/** Failures kept per stored evaluation. */
export const storedFailuresKept = 20;
/** Characters kept of each failure's input, answers and reason. */
export const storedTextLimit = 2000;

export interface StoredEvaluationOptions {
  /** Default: `ev_` + 24 random hex characters. */
  id?: string;
  /** Epoch ms; default now. */
  now?: number;
}

/**
 * @example
 * await store.evaluations.put(storedEvaluationFrom(await evaluateSpecialist(options)));
 */
export function storedEvaluationFrom(evaluation: SpecialistEvaluation, options: StoredEvaluationOptions = {}): StoredEvaluation {
  const { calibration } = evaluation.confidence;
  return {
    id: options.id ?? `ev_${randomBytes(12).toString('hex')}`,
    specialistId: evaluation.specialist.id,
    task: evaluation.task,
    createdAt: options.now ?? Date.now(),
    examples: evaluation.examples,
    agreement: evaluation.agreement.rate,
    validRate: evaluation.validRate,
    metric: evaluation.metric,
    passed: evaluation.passedWithThreshold,
    threshold: calibration.threshold,
    // No samples calibrated on: coverage would be a meaningless 0.
    coverage: calibration.samples === 0 ? null : calibration.coverage,
    failures: evaluation.failures.slice(0, storedFailuresKept).map((failure) => ({
      input: cut(failure.input),
      expected: cut(failure.expected),
      actual: cut(failure.got),
      // Failures are the answers the metric did not accept; the run keeps no partial credit per failure.
      score: 0,
      reason: cut(failure.reason),
    })),
  };
}

function cut(text: string): string {
  return text.length <= storedTextLimit ? text : `${text.slice(0, storedTextLimit - 1)}…`;
}
