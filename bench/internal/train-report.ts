/**
 * The console report of `bench:train`: baselines and the specialist side by side on the held-out split, then
 * the training figures and the engine-vs-torch agreement.
 */
import type { CandidateRun } from '../../src/select/run-selection.ts';

export interface TrainingFigures {
  steps: number;
  examplesSeen: number;
  trainSeconds: number;
  loopSeconds: number;
  tokensPerSecond: number;
  firstLoss: number;
  lastLoss: number;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

export function formatComparisonTable(rows: ReadonlyArray<{ label: string; run: CandidateRun }>): string {
  const header = ['mode', 'n', 'exact', '95% interval', 'valid', 'p50 ms', 'p95 ms'];
  const body = rows.map(({ label, run }) => [
    label,
    String(run.examples),
    `${run.correct}/${run.examples} ${percent(run.accuracy)}`,
    `${percent(run.accuracyInterval[0])}–${percent(run.accuracyInterval[1])}`,
    percent(run.validRate),
    run.latencyP50Ms.toFixed(0),
    run.latencyP95Ms.toFixed(0),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

export function formatTrainingFigures(figures: TrainingFigures): string {
  return (
    `training: ${figures.steps} steps, ${figures.examplesSeen} examples seen, ${figures.trainSeconds.toFixed(0)} s in all ` +
    `(${figures.loopSeconds.toFixed(0)} s of steps, ${(figures.loopSeconds / Math.max(figures.steps, 1)).toFixed(1)} s/step), ` +
    `${figures.tokensPerSecond.toFixed(0)} tokens/s, loss ${figures.firstLoss.toFixed(3)} → ${figures.lastLoss.toFixed(3)}`
  );
}

export function formatFailures(run: CandidateRun): string {
  return run.failures.map((failure) => `  expected ${failure.expected}\n  got      ${failure.got}\n  (${failure.reason})`).join('\n');
}
