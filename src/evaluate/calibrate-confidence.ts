/**
 * Picks a route's confidence threshold from labelled samples (the specialist's answers on the validation split,
 * or shadow observations, each with its answer confidence and whether it was right). The router serves an
 * answer when its confidence is at or above the threshold and escalates the rest, so the threshold trades
 * coverage (share of calls the specialist keeps) for precision (share of served answers that are right). We
 * want the most coverage that still meets a target precision.
 *
 * Precision is not monotone in the threshold (a cluster of confident mistakes can sit above correct answers),
 * so every distinct confidence value is tried, not just the first that meets the target from the top.
 */

export interface ConfidenceSample {
  /** The answer's confidence in [0, 1] (src/evaluate/answer-confidence.ts); null when the engine gave no logprobs. */
  confidence: number | null;
  correct: boolean;
}

export interface ConfidenceCalibration {
  /**
   * Smallest accepted confidence; null accepts every answer (also those without a confidence). When
   * `reachable` is false it is 1: only answers whose every token was certain are accepted.
   */
  threshold: number | null;
  /** Share of accepted samples that are correct under `threshold`; 0 when none is accepted. */
  precision: number;
  /** Share of all samples accepted under `threshold`. */
  coverage: number;
  /** Number of samples calibrated on. */
  samples: number;
  /**
   * False when no threshold accepting at least `minAccepted` samples meets the target (or there are no samples):
   * confidence cannot make this specialist precise enough, and it should not serve calls.
   */
  reachable: boolean;
}

export interface CalibrateConfidenceOptions {
  /**
   * Fewest samples a threshold must accept to count as meeting the target; default 1. Raise it so a threshold
   * is not chosen on the strength of one or two lucky answers at the top of the range.
   */
  minAccepted?: number;
}

/** Tolerance on the precision comparison, so a target computed as e.g. `1 - 0.1` is met by 9 of 10. */
const precisionTolerance = 1e-12;

/**
 * The threshold that maximises coverage subject to `precision >= targetPrecision`:
 * 1. if all samples together (null confidences included) meet the target, the threshold is null;
 * 2. otherwise the smallest distinct confidence value whose accepted set (confidence ≥ value; null
 *    confidences are never accepted under a threshold) meets the target and has at least `minAccepted` samples;
 * 3. otherwise `reachable: false`, threshold 1, with the precision and coverage threshold 1 gives.
 * Samples with equal confidence are accepted or rejected together, as the router would.
 *
 * Throws on a target outside [0, 1] or a confidence outside [0, 1] (programming errors, not data problems).
 *
 * @example
 * calibrateConfidence([{ confidence: 0.9, correct: true }, { confidence: 0.4, correct: false }], 0.95)
 * // → { threshold: 0.9, precision: 1, coverage: 0.5, samples: 2, reachable: true }
 */
export function calibrateConfidence(
  samples: ConfidenceSample[],
  targetPrecision: number,
  options: CalibrateConfidenceOptions = {},
): ConfidenceCalibration {
  if (!(targetPrecision >= 0 && targetPrecision <= 1)) throw new RangeError(`targetPrecision must be in [0, 1], got ${targetPrecision}`);
  const minAccepted = options.minAccepted ?? 1;
  if (!Number.isInteger(minAccepted) || minAccepted < 1) throw new RangeError(`minAccepted must be a positive integer, got ${minAccepted}`);
  for (const sample of samples) {
    if (sample.confidence !== null && !(sample.confidence >= 0 && sample.confidence <= 1)) {
      throw new RangeError(`sample confidence must be in [0, 1] or null, got ${sample.confidence}`);
    }
  }
  const total = samples.length;
  const meets = (correct: number, accepted: number) => accepted >= minAccepted && correct / accepted >= targetPrecision - precisionTolerance;
  const allCorrect = samples.filter((sample) => sample.correct).length;
  if (total > 0 && meets(allCorrect, total)) {
    return { threshold: null, precision: allCorrect / total, coverage: 1, samples: total, reachable: true };
  }

  const scored = samples
    .filter((sample): sample is { confidence: number; correct: boolean } => sample.confidence !== null)
    .sort((left, right) => right.confidence - left.confidence);
  // Sweep from the most confident down; at the last sample of each run of equal confidences the accepted set
  // is exactly `confidence >= value`. The last qualifying value seen is the smallest.
  let best: { threshold: number; correct: number; accepted: number } | null = null;
  let correct = 0;
  for (let position = 0; position < scored.length; position++) {
    const sample = scored[position]!;
    if (sample.correct) correct += 1;
    const next = scored[position + 1];
    if (next !== undefined && next.confidence === sample.confidence) continue;
    const accepted = position + 1;
    if (meets(correct, accepted)) best = { threshold: sample.confidence, correct, accepted };
  }
  if (best) {
    return { threshold: best.threshold, precision: best.correct / best.accepted, coverage: best.accepted / total, samples: total, reachable: true };
  }

  const certain = scored.filter((sample) => sample.confidence >= 1);
  const certainCorrect = certain.filter((sample) => sample.correct).length;
  return {
    threshold: 1,
    precision: certain.length > 0 ? certainCorrect / certain.length : 0,
    coverage: total > 0 ? certain.length / total : 0,
    samples: total,
    reachable: false,
  };
}
