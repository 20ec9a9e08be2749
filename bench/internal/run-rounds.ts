/**
 * Interleaved measurement: requests on several paths run in rounds, one path at a time, in an order that
 * rotates every round, so slow drift on the machine (CPU frequency, other processes, GC, a log writer's
 * flushes) lands on every path alike instead of on whichever path ran last. Each round's median per path
 * is kept for a paired estimate of the difference between two paths.
 */
import { medianOf, type LatencySummary } from './latency-summary.ts';

/** Samples of one path in one phase. */
export interface PathRecord {
  samples: number[];
  roundMedians: number[];
  /** Index in `samples` where the current round began. */
  roundStart: number;
  failures: number;
  firstFailure: string | null;
}

export function createPathRecords<Path extends string>(paths: readonly Path[]): Record<Path, PathRecord> {
  const entries = paths.map((path): [Path, PathRecord] => [path, { samples: [], roundMedians: [], roundStart: 0, failures: 0, firstFailure: null }]);
  return Object.fromEntries(entries) as Record<Path, PathRecord>;
}

export function recordFailure(record: PathRecord, reason: string): void {
  record.failures += 1;
  record.firstFailure ??= reason;
}

function closeRound(record: PathRecord): void {
  const round = record.samples.slice(record.roundStart);
  if (round.length > 0) record.roundMedians.push(medianOf(round));
  record.roundStart = record.samples.length;
}

/**
 * Runs `perPath` requests on every path in rounds of `roundSize`; `runOne` sends one request and records
 * its outcome in `records[path]`.
 */
export async function runRounds<Path extends string>(
  paths: readonly Path[],
  perPath: number,
  roundSize: number,
  runOne: (path: Path) => Promise<void>,
  records: Record<Path, PathRecord>,
): Promise<void> {
  const rounds = Math.ceil(perPath / roundSize);
  for (let round = 0; round < rounds; round++) {
    const count = Math.min(roundSize, perPath - round * roundSize);
    for (let offset = 0; offset < paths.length; offset++) {
      const path = paths[(round + offset) % paths.length]!;
      for (let index = 0; index < count; index++) await runOne(path);
      closeRound(records[path]);
    }
  }
}

/** Latency a gateway adds over the direct path: at p50, at p99, and paired round by round. */
export interface AddedLatency {
  p50: number;
  p99: number;
  /** Median over rounds of (round median via the gateway − round median direct). */
  pairedP50: number;
}

export function addedLatency(gateway: PathRecord, direct: PathRecord, gatewaySummary: LatencySummary, directSummary: LatencySummary): AddedLatency {
  const pairs = Math.min(gateway.roundMedians.length, direct.roundMedians.length);
  const differences = Array.from({ length: pairs }, (_, index) => (gateway.roundMedians[index] ?? 0) - (direct.roundMedians[index] ?? 0));
  return { p50: gatewaySummary.p50 - directSummary.p50, p99: gatewaySummary.p99 - directSummary.p99, pairedP50: medianOf(differences) };
}
