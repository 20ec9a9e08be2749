/**
 * Renders latency summaries as a fixed-width text table for the benchmark's console report. Milliseconds
 * with three decimals, because the targets are fractions of a millisecond.
 */
import type { LatencySummary } from './latency-summary.ts';

export interface LatencyRow {
  label: string;
  summary: LatencySummary;
}

export function formatMilliseconds(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : 'n/a';
}

export function formatLatencyTable(rows: readonly LatencyRow[]): string {
  const header = ['path', 'n', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'mean ms', 'max ms'];
  const body = rows.map(({ label, summary }) => [
    label,
    String(summary.count),
    formatMilliseconds(summary.p50),
    formatMilliseconds(summary.p90),
    formatMilliseconds(summary.p99),
    formatMilliseconds(summary.p999),
    formatMilliseconds(summary.mean),
    formatMilliseconds(summary.max),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}
