/**
 * Turns what the soak benchmark recorded — latencies by minute of schedule, the gateway's memory and log
 * writer samples every few seconds, the end-of-run store check — into its figures, its per-minute table and
 * its verdicts. Kept apart from the load driver so the arithmetic (percentiles, the least-squares memory
 * slope) is readable on its own.
 */
import { formatMilliseconds } from './format-latency-table.ts';
import { percentileOfSorted } from './latency-summary.ts';

/** Memory flat: RSS grows less than this after warm-up (a 15-minute run would add under 15 MB). */
export const maxRssSlopeMbPerMinute = 1;
/** p99 stable: the last minute's p99 is at most this multiple of the first minute's. */
export const maxP99RatioLastFirst = 1.5;

/** Requests by the minute of their scheduled start (not of their answer, so a slow minute keeps its requests). */
export interface MinuteRecord {
  sent: number;
  answered: number;
  errors: number;
  /** Milliseconds from scheduled start to the end of the response body, answered requests only. */
  latencies: number[];
}

/** One look at the gateway process: its own memory and its log writer's counters. */
export interface GatewaySample {
  /** Seconds since the load started; negative for the baseline taken before it. */
  atSeconds: number;
  rssMb: number;
  heapUsedMb: number;
  /** Memory of C++ objects bound to JS objects (Buffers, the spool's writes), main thread. */
  externalMb: number;
  /** From `GET /admin/summary`'s `logWriter`; null when the summary could not be read. */
  pending: number | null;
  stored: number | null;
  /** How long `GET /admin/summary` took, which itself should not grow with the table. */
  summaryMs: number | null;
}

export interface SoakInput {
  minutes: number;
  rateRps: number;
  /** Samples taken before this many seconds are warm-up and left out of the memory slope. */
  warmUpSeconds: number;
  records: readonly MinuteRecord[];
  samples: readonly GatewaySample[];
  /** Answered calls found in the store after the gateway closed, and those missing from it. */
  logged: number;
  lost: number;
  /** Every call row in the store, failed calls included. */
  storedTotal: number;
  drainMs: number;
  pendingAtDrain: number;
  wallSeconds: number;
}

export interface MinuteRow {
  minute: number;
  sent: number;
  answered: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  rssMb: number;
  heapMb: number;
  externalMb: number;
  pendingMax: number;
  stored: number;
  summaryMsMax: number;
}

/** The `BENCH {json}` line's fields, snake_case as the issue names them. */
export interface SoakFigures {
  minutes: number;
  rate_rps: number;
  sent: number;
  answered: number;
  errors: number;
  logged: number;
  lost: number;
  rss_mb_first_minute: number;
  rss_mb_last_minute: number;
  rss_growth_mb: number;
  rss_slope_mb_per_min: number;
  /** The same fit over the run's second half only: a dip right after warm-up cannot flatter it. */
  rss_slope_mb_per_min_second_half: number;
  heap_mb_first_minute: number;
  heap_mb_last_minute: number;
  p99_ms_first_minute: number;
  p99_ms_last_minute: number;
  p99_ms_max_minute: number;
  p99_ratio_last_first: number;
  /** Median of the minutes' p99 after warm-up, and their least-squares trend: stability without minute 1's JIT. */
  p99_ms_median_minute: number;
  p99_slope_ms_per_min: number;
  pending_max: number;
  achieved_rps: number;
  stored_total: number;
  drain_ms: number;
  pending_at_drain: number;
  summary_ms_max: number;
  heap_slope_mb_per_min: number;
  rss_mb_series: number[];
  p99_ms_series: number[];
  wall_seconds: number;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Number.isFinite(value) ? Math.round(value * scale) / scale : Number.NaN;
}

/** Least-squares slope of `y` over `x`; NaN with fewer than two distinct x. */
export function leastSquaresSlope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const meanX = mean(points.map((point) => point.x));
  const meanY = mean(points.map((point) => point.y));
  let covariance = 0;
  let variance = 0;
  for (const point of points) {
    covariance += (point.x - meanX) * (point.y - meanY);
    variance += (point.x - meanX) ** 2;
  }
  return variance === 0 ? Number.NaN : covariance / variance;
}

export function buildMinuteRows(records: readonly MinuteRecord[], samples: readonly GatewaySample[]): MinuteRow[] {
  return records.map((record, index) => {
    const sorted = [...record.latencies].sort((left, right) => left - right);
    const inMinute = samples.filter((sample) => sample.atSeconds >= index * 60 && sample.atSeconds < (index + 1) * 60);
    const pendings = inMinute.flatMap((sample) => (sample.pending === null ? [] : [sample.pending]));
    const stored = inMinute.flatMap((sample) => (sample.stored === null ? [] : [sample.stored]));
    const summaryTimes = inMinute.flatMap((sample) => (sample.summaryMs === null ? [] : [sample.summaryMs]));
    return {
      minute: index + 1,
      sent: record.sent,
      answered: record.answered,
      errors: record.errors,
      p50: percentileOfSorted(sorted, 0.5),
      p99: percentileOfSorted(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      rssMb: mean(inMinute.map((sample) => sample.rssMb)),
      heapMb: mean(inMinute.map((sample) => sample.heapUsedMb)),
      externalMb: mean(inMinute.map((sample) => sample.externalMb)),
      pendingMax: pendings.length === 0 ? Number.NaN : Math.max(...pendings),
      stored: stored[stored.length - 1] ?? Number.NaN,
      summaryMsMax: summaryTimes.length === 0 ? Number.NaN : Math.max(...summaryTimes),
    };
  });
}

export function computeSoakFigures(input: SoakInput, rows: readonly MinuteRow[]): SoakFigures {
  const first = rows[0];
  const last = rows[rows.length - 1];
  const runSeconds = input.minutes * 60;
  const steady = input.samples.filter((sample) => sample.atSeconds >= input.warmUpSeconds && sample.atSeconds <= runSeconds);
  const secondHalf = input.samples.filter((sample) => sample.atSeconds >= runSeconds / 2 && sample.atSeconds <= runSeconds);
  const steadyRows = rows.filter((row) => row.minute * 60 > input.warmUpSeconds && Number.isFinite(row.p99));
  const steadyP99 = steadyRows.map((row) => row.p99).sort((left, right) => left - right);
  const sent = input.records.reduce((sum, record) => sum + record.sent, 0);
  const pendings = input.samples.flatMap((sample) => (sample.pending === null ? [] : [sample.pending]));
  const summaryTimes = input.samples.flatMap((sample) => (sample.summaryMs === null ? [] : [sample.summaryMs]));
  const p99First = first?.p99 ?? Number.NaN;
  const p99Last = last?.p99 ?? Number.NaN;
  const rssFirst = first?.rssMb ?? Number.NaN;
  const rssLast = last?.rssMb ?? Number.NaN;
  return {
    minutes: input.minutes,
    rate_rps: input.rateRps,
    sent,
    answered: input.records.reduce((sum, record) => sum + record.answered, 0),
    errors: input.records.reduce((sum, record) => sum + record.errors, 0),
    logged: input.logged,
    lost: input.lost,
    rss_mb_first_minute: round(rssFirst, 1),
    rss_mb_last_minute: round(rssLast, 1),
    rss_growth_mb: round(rssLast - rssFirst, 1),
    rss_slope_mb_per_min: round(leastSquaresSlope(steady.map((sample) => ({ x: sample.atSeconds / 60, y: sample.rssMb }))), 3),
    rss_slope_mb_per_min_second_half: round(leastSquaresSlope(secondHalf.map((sample) => ({ x: sample.atSeconds / 60, y: sample.rssMb }))), 3),
    heap_mb_first_minute: round(first?.heapMb ?? Number.NaN, 1),
    heap_mb_last_minute: round(last?.heapMb ?? Number.NaN, 1),
    p99_ms_first_minute: round(p99First),
    p99_ms_last_minute: round(p99Last),
    p99_ms_max_minute: round(Math.max(...rows.map((row) => row.p99).filter(Number.isFinite))),
    p99_ratio_last_first: round(p99Last / p99First, 3),
    p99_ms_median_minute: round(percentileOfSorted(steadyP99, 0.5)),
    p99_slope_ms_per_min: round(leastSquaresSlope(steadyRows.map((row) => ({ x: row.minute, y: row.p99 }))), 2),
    pending_max: pendings.length === 0 ? 0 : Math.max(...pendings),
    achieved_rps: round(sent / (input.minutes * 60), 2),
    stored_total: input.storedTotal,
    drain_ms: round(input.drainMs, 1),
    pending_at_drain: input.pendingAtDrain,
    summary_ms_max: round(summaryTimes.length === 0 ? Number.NaN : Math.max(...summaryTimes), 1),
    heap_slope_mb_per_min: round(leastSquaresSlope(steady.map((sample) => ({ x: sample.atSeconds / 60, y: sample.heapUsedMb }))), 3),
    rss_mb_series: rows.map((row) => round(row.rssMb, 1)),
    p99_ms_series: rows.map((row) => round(row.p99)),
    wall_seconds: round(input.wallSeconds, 1),
  };
}

function formatMb(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : 'n/a';
}

function formatCount(value: number): string {
  return Number.isFinite(value) ? String(value) : 'n/a';
}

export function formatMinuteTable(rows: readonly MinuteRow[]): string {
  const header = ['minute', 'sent', 'answered', 'errors', 'p50 ms', 'p99 ms', 'max ms', 'rss MB', 'heap MB', 'ext MB', 'pending max', 'stored', 'summary ms'];
  const body = rows.map((row) => [
    String(row.minute),
    String(row.sent),
    String(row.answered),
    String(row.errors),
    formatMilliseconds(row.p50),
    formatMilliseconds(row.p99),
    formatMilliseconds(row.max),
    formatMb(row.rssMb),
    formatMb(row.heapMb),
    formatMb(row.externalMb),
    formatCount(row.pendingMax),
    formatCount(row.stored),
    formatMb(row.summaryMsMax),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]?.length ?? 0)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

/**
 * `ok …` / `FAIL …` lines: memory flat (after warm-up, and in the second half on its own), p99 stable, nothing
 * lost. The second-half line exists because RSS often dips after the first minutes (start-up garbage returned
 * to the system), and that dip can pull the whole-run slope under the threshold while memory still climbs.
 */
export function formatVerdicts(figures: SoakFigures, warmUpSeconds: number): string[] {
  const verdict = (passed: boolean, text: string): string => `${passed ? 'ok  ' : 'FAIL'} ${text}`;
  const slope = figures.rss_slope_mb_per_min;
  const ratio = figures.p99_ratio_last_first;
  return [
    verdict(
      Number.isFinite(slope) && slope < maxRssSlopeMbPerMinute,
      `memory flat: gateway RSS slope ${slope} MB/min after ${warmUpSeconds} s of warm-up (target < ${maxRssSlopeMbPerMinute}); ` +
        `${figures.rss_mb_first_minute} → ${figures.rss_mb_last_minute} MB, heap ${figures.heap_mb_first_minute} → ${figures.heap_mb_last_minute} MB`,
    ),
    verdict(
      Number.isFinite(figures.rss_slope_mb_per_min_second_half) && figures.rss_slope_mb_per_min_second_half < maxRssSlopeMbPerMinute,
      `memory flat in the second half: gateway RSS slope ${figures.rss_slope_mb_per_min_second_half} MB/min (target < ${maxRssSlopeMbPerMinute})`,
    ),
    verdict(
      Number.isFinite(ratio) && ratio <= maxP99RatioLastFirst,
      `p99 stable: last minute ${figures.p99_ms_last_minute} ms / first minute ${figures.p99_ms_first_minute} ms = ${ratio}× (target ≤ ${maxP99RatioLastFirst}×); worst minute ${figures.p99_ms_max_minute} ms; ` +
        `after warm-up: median minute ${figures.p99_ms_median_minute} ms, trend ${figures.p99_slope_ms_per_min} ms/min`,
    ),
    verdict(figures.lost === 0 && figures.answered > 0, `nothing lost: ${figures.logged} of ${figures.answered} answered calls are in the store (${figures.lost} missing)`),
  ];
}
