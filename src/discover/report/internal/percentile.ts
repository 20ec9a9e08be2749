/** Nearest-rank percentiles for the report's small summaries (p50, p90 of latencies and lengths). */

/** The value at `fraction` (0–1) of the ascending-sorted list by nearest rank; 0 for an empty list. */
export function percentileOfSorted(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

export function sortAscending(values: readonly number[]): number[] {
  return [...values].sort((left, right) => left - right);
}
