/**
 * Orders the candidates' runs on a task and says why. Quality first — a specialist that is cheap but wrong
 * saves nothing, because its answers escalate — then cost and speed:
 *   1. accuracy against the teacher's answers (higher first);
 *   2. structural validity (answers that parse and match the format; an invalid answer always escalates);
 *   3. mean partial credit (field accuracy, text similarity): closeness that training can build on;
 *   4. serving cost per thousand calls, then p50 latency (lower first).
 * Each reason compares a run with the one ranked just below it and says when the accuracy difference is
 * within the noise of the sample (overlapping 95% intervals), so a reader does not over-read a small lead.
 */
import type { CandidateRun } from './run-selection.ts';

export interface RankedRun extends CandidateRun {
  rank: number;
  reasons: string[];
}

const accuracyTieTolerance = 1e-9;

function compareRuns(left: CandidateRun, right: CandidateRun): number {
  if (Math.abs(left.accuracy - right.accuracy) > accuracyTieTolerance) return right.accuracy - left.accuracy;
  if (left.validRate !== right.validRate) return right.validRate - left.validRate;
  if (Math.abs(left.meanScore - right.meanScore) > 1e-6) return right.meanScore - left.meanScore;
  const leftCost = left.usdPer1kCalls ?? Number.POSITIVE_INFINITY;
  const rightCost = right.usdPer1kCalls ?? Number.POSITIVE_INFINITY;
  if (leftCost !== rightCost) return leftCost - rightCost;
  return left.latencyP50Ms - right.latencyP50Ms;
}

const percent = (value: number) => `${(value * 100).toFixed(0)}%`;

function summary(run: CandidateRun): string {
  const [low, high] = run.accuracyInterval;
  const cost = run.usdPer1kCalls === null ? 'cost not priced (remote server)' : `$${run.usdPer1kCalls.toFixed(4)} per 1k calls`;
  const errors = run.errors > 0 ? `, ${run.errors} engine errors` : '';
  return `${run.correct}/${run.examples} correct (${percent(run.accuracy)}, 95% CI ${percent(low)}–${percent(high)}), ${percent(run.validRate)} valid, mean ${run.metric} score ${run.meanScore.toFixed(2)}, p50 ${run.latencyP50Ms.toFixed(0)} ms, ${cost}${errors}`;
}

function versus(run: CandidateRun, next: CandidateRun): string {
  const name = `${next.label} ${next.mode}`;
  if (Math.abs(run.accuracy - next.accuracy) > accuracyTieTolerance) {
    const overlap = run.accuracyInterval[0] <= next.accuracyInterval[1];
    return `above ${name} on accuracy (${percent(run.accuracy)} vs ${percent(next.accuracy)})${overlap ? '; the 95% intervals overlap, so the lead is within sampling noise' : ''}`;
  }
  if (run.validRate !== next.validRate) return `ties ${name} on accuracy; more valid answers (${percent(run.validRate)} vs ${percent(next.validRate)})`;
  if (Math.abs(run.meanScore - next.meanScore) > 1e-6) return `ties ${name} on accuracy and validity; closer answers (mean score ${run.meanScore.toFixed(2)} vs ${next.meanScore.toFixed(2)})`;
  if (run.usdPer1kCalls !== null && next.usdPer1kCalls !== null && run.usdPer1kCalls !== next.usdPer1kCalls) {
    return `ties ${name} on quality; cheaper ($${run.usdPer1kCalls.toFixed(4)} vs $${next.usdPer1kCalls.toFixed(4)} per 1k calls)`;
  }
  return `ties ${name} on quality and cost; p50 ${run.latencyP50Ms.toFixed(0)} ms vs ${next.latencyP50Ms.toFixed(0)} ms`;
}

/**
 * @example
 * rankCandidates(runs)[0]; // { rank: 1, label: 'SmolLM2-135M-Instruct', mode: 'few-shot', reasons: ['12/30 correct …', 'above …'] }
 */
export function rankCandidates(runs: readonly CandidateRun[]): RankedRun[] {
  const ordered = [...runs].sort(compareRuns);
  return ordered.map((run, index) => {
    const next = ordered[index + 1];
    const reasons = [summary(run)];
    if (next !== undefined) reasons.push(versus(run, next));
    if (run.accuracy === 0 && run.examples > 0) reasons.push('answered none correctly: not a starting point for this task');
    return { ...run, rank: index + 1, reasons };
  });
}
