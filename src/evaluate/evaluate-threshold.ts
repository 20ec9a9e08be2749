/**
 * What a specialist would deliver behind a calibrated confidence threshold, from one evaluation run's answers
 * (their confidence, correctness and validity): the threshold that reaches a target precision
 * (`calibrateConfidence`), and the agreement, validity and escalation share of the answers it lets through.
 * `evaluateSpecialist` reports it beside the raw figures, so promotion can be judged on either.
 *
 * Invalid answers and engine errors count as wrong: the scorer's validity is the task's (schema, offered
 * tools), and an answer that fails it must never be what makes a threshold look precise.
 */
import { wilsonInterval, type AnswerConfidenceRecord } from '../select/run-selection.ts';
import { calibrateConfidence, type ConfidenceCalibration } from './calibrate-confidence.ts';

export interface DeliveredAnswers {
  /** Answers at or above the threshold (all of them when the threshold is null). */
  count: number;
  /** Of those, correct and valid. */
  correct: number;
  /** `correct / count`, the precision at the threshold; 0 when nothing is delivered. */
  agreement: number;
  /** Wilson score interval, 95%, on `agreement`. */
  interval: [number, number];
  /** Share of delivered answers that are structurally valid; 0 when nothing is delivered. */
  validRate: number;
}

export interface ThresholdEvaluation {
  targetPrecision: number;
  calibration: ConfidenceCalibration;
  /** Answers that carried a confidence; 0 means the engine gave no logprobs and only a null threshold can serve. */
  withConfidence: number;
  delivered: DeliveredAnswers;
  /** Share of calls handed back to the LLM for low (or no) confidence: `1 - calibration.coverage`. */
  escalationRate: number;
}

export interface EvaluateThresholdOptions {
  /** Fewest answers a threshold must accept to count as meeting the target (`calibrateConfidence`); default 1. */
  minAccepted?: number;
}

/**
 * @example
 * evaluateThreshold([
 *   { confidence: 0.9, correct: true, valid: true, error: false },
 *   { confidence: 0.4, correct: false, valid: true, error: false },
 * ], 0.95)
 * // → threshold 0.9, coverage 0.5, delivered { count: 1, correct: 1, agreement: 1, … }, escalationRate 0.5
 */
export function evaluateThreshold(records: readonly AnswerConfidenceRecord[], targetPrecision: number, options: EvaluateThresholdOptions = {}): ThresholdEvaluation {
  const samples = records.map((record) => ({ confidence: record.confidence, correct: record.correct && record.valid }));
  const calibration = calibrateConfidence(samples, targetPrecision, options.minAccepted === undefined ? {} : { minAccepted: options.minAccepted });
  const threshold = calibration.threshold;
  // The router's rule: a null threshold serves every answer; otherwise only answers with a confidence at or above it.
  const delivered = records.filter((record) => threshold === null || (record.confidence !== null && record.confidence >= threshold));
  const correct = delivered.filter((record) => record.correct && record.valid).length;
  const valid = delivered.filter((record) => record.valid).length;
  return {
    targetPrecision,
    calibration,
    withConfidence: records.filter((record) => record.confidence !== null).length,
    delivered: {
      count: delivered.length,
      correct,
      agreement: delivered.length === 0 ? 0 : correct / delivered.length,
      interval: wilsonInterval(correct, delivered.length),
      validRate: delivered.length === 0 ? 0 : valid / delivered.length,
    },
    escalationRate: 1 - calibration.coverage,
  };
}
