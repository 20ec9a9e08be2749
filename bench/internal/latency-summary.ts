/**
 * Percentiles of latency samples. Nearest-rank on the sorted samples (no interpolation), so every figure
 * the benchmark prints is a latency that some request really had, and p99.9 of 2,000 samples is simply the
 * second-slowest request rather than a blend of two.
 */

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of samples that are already sorted ascending; NaN for no samples. */
export function percentileOfSorted(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[index] ?? Number.NaN;
}

/** Median of unsorted values (copies them; the caller's order is kept). */
export function medianOf(values: readonly number[]): number {
  return percentileOfSorted([...values].sort((left, right) => left - right), 0.5);
}

export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((left, right) => left - right);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: percentileOfSorted(sorted, 0.5),
    p90: percentileOfSorted(sorted, 0.9),
    p99: percentileOfSorted(sorted, 0.99),
    p999: percentileOfSorted(sorted, 0.999),
    mean: sorted.length === 0 ? Number.NaN : total / sorted.length,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}
