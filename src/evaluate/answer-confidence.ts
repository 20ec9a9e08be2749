/**
 * How sure a specialist was of its answer, from the log-probabilities of the tokens it generated. The router
 * compares it with the route's calibrated threshold (src/evaluate/calibrate-confidence.ts) and escalates to the
 * LLM below it (`low_confidence`), so it must rank answers well; its absolute value matters less, because the
 * threshold is calibrated on the same specialist and engine.
 *
 * The default is the probability of the least likely token (`minimum`). An answer is as wrong as its worst
 * decision: one unsure token in a tool name, an enum value or a number ruins an otherwise certain answer, and
 * a mean would dilute exactly that token among many sure ones. Tokens a grammar forces (JSON punctuation, key
 * names under a schema, whitespace) carry probability ≈ 1 under constrained decoding — node-llama-cpp reports
 * the sampler's probability after the grammar mask (src/providers/engines/internal/llama-generate.ts) — so
 * they never win the minimum and need no filtering. (Servers that report raw, pre-mask logprobs, like vLLM by
 * default, can give forced tokens low values; calibration absorbs a consistent offset, and the threshold
 * falls to null or `reachable: false` when the signal does not separate right from wrong.)
 *
 * `geometric-mean` (exp of the mean logprob, i.e. 1 / perplexity) is offered for comparison: it is length
 * normalised, so long free-text answers are not penalised for their many chances at one odd token, but it
 * hides a single bad decision. Use it for long free-text tasks if calibration shows it separates better.
 */
import type { EngineTokenLogprob } from '../providers/engines/specialist-engine.ts';

/** How token probabilities combine into one answer confidence. */
export type ConfidenceAggregate = 'minimum' | 'geometric-mean';

export interface AnswerConfidenceOptions {
  /** Default `minimum`. */
  aggregate?: ConfidenceAggregate;
}

/**
 * The answer's confidence in [0, 1], or null when there is no evidence: logprobs not requested or not
 * supported, or no token generated. Tokens whose logprob is not a number (NaN) are skipped; a logprob above 0
 * (rounding noise from some servers) counts as probability 1; `-Infinity` counts as probability 0.
 *
 * @example
 * answerConfidence([{ token: '{"', logprob: 0 }, { token: 'refund', logprob: Math.log(0.8) }]) // → 0.8
 * answerConfidence(null) // → null
 */
export function answerConfidence(logprobs: EngineTokenLogprob[] | null, options: AnswerConfidenceOptions = {}): number | null {
  if (!logprobs) return null;
  const aggregate = options.aggregate ?? 'minimum';
  let counted = 0;
  let minimum = 0;
  let sum = 0;
  for (const entry of logprobs) {
    const logprob = entry.logprob;
    if (Number.isNaN(logprob)) continue;
    const clamped = Math.min(logprob, 0);
    minimum = counted === 0 ? clamped : Math.min(minimum, clamped);
    sum += clamped;
    counted += 1;
  }
  if (counted === 0) return null;
  const confidence = aggregate === 'minimum' ? Math.exp(minimum) : Math.exp(sum / counted);
  // exp of a value ≤ 0 is already in [0, 1]; the clamp only guards the routing contract's bounds.
  return Math.min(1, Math.max(0, confidence));
}
