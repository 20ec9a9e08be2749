/**
 * The fault suite: a real gateway (logging on, keys required) under load while one thing after another
 * breaks — upstream 5xx bursts, 429 with Retry-After, an upstream that hangs, connection resets, slow and
 * truncated streams, a provider down altogether (fallback model), a specialist server dying mid-load, the
 * SQLite database locked or its disk full, the spool's disk full, PostgreSQL gone and back. After each fault
 * the scenario recovers, drains the log writer and compares what the clients saw with what the store holds:
 * every answered call must be logged (`lost` = 0), and the gateway's own 5xx must stay at 0.
 *
 * `scale: 'ci'` keeps the whole suite to about a minute and a half on a 2-core machine
 * (src/gateway/gateway-faults.test.ts); `'full'` is the benchmark (`npm run test:faults`). A SIGKILL of the
 * gateway process is covered by gateway-crash.test.ts.
 *
 * @example
 * const report = await runFaultScenarios({ scale: 'ci', postgresUrl: process.env.UNDERSTUDY_TEST_DATABASE_URL });
 * assert.equal(report.total.lost, 0);
 */
import type { FaultFigures, FaultScenario, ScenarioReport, ScenarioScale } from './internal/fault-scenario.ts';
import { postgresDown, specialistCrash, spoolDiskFull, sqliteDiskFull, sqliteLocked } from './internal/store-fault-scenarios.ts';
import {
  slowStreams,
  truncatedStreams,
  upstreamConnectionResets,
  upstreamDownFallback,
  upstreamRateLimited,
  upstreamServerErrors,
  upstreamTimeout,
} from './internal/upstream-fault-scenarios.ts';

export type { FaultFigures, ScenarioCheck, ScenarioReport } from './internal/fault-scenario.ts';

export type FaultSuiteScale = 'ci' | 'full';

export interface FaultSuiteOptions {
  scale: FaultSuiteScale;
  /**
   * A PostgreSQL server on which databases may be created (as `UNDERSTUDY_TEST_DATABASE_URL`): the Postgres
   * scenario creates its own database there and drops it afterwards. Without it that scenario is skipped.
   */
  postgresUrl?: string;
  /** Only these scenarios (by name); all by default. */
  only?: readonly string[];
  /** Called before each scenario starts and after it ends. */
  onProgress?: (event: { kind: 'started'; name: string } | { kind: 'finished'; report: ScenarioReport }) => void;
}

export interface FaultSuiteReport {
  scale: FaultSuiteScale;
  scenarios: ScenarioReport[];
  total: FaultFigures;
  /** Scenario checks that failed, as `scenario: check — detail`. */
  failedChecks: string[];
  durationMs: number;
}

export const faultScales: Record<FaultSuiteScale, ScenarioScale> = {
  ci: { before: 8, during: 12, after: 8, concurrency: 4, outageMs: 4_000, slowChunkDelayMs: 15 },
  full: { before: 100, during: 200, after: 100, concurrency: 8, outageMs: 12_000, slowChunkDelayMs: 40 },
};

/** Every scenario, in the order they run. */
export const faultScenarios: readonly FaultScenario[] = [
  upstreamServerErrors,
  upstreamRateLimited,
  upstreamTimeout,
  upstreamConnectionResets,
  slowStreams,
  truncatedStreams,
  upstreamDownFallback,
  specialistCrash,
  sqliteLocked,
  sqliteDiskFull,
  spoolDiskFull,
  postgresDown,
];

export async function runFaultScenarios(options: FaultSuiteOptions): Promise<FaultSuiteReport> {
  const startedAt = Date.now();
  const scale = faultScales[options.scale];
  const selected = options.only === undefined ? faultScenarios : faultScenarios.filter((scenario) => options.only!.includes(scenario.name));
  const scenarios: ScenarioReport[] = [];
  for (const scenario of selected) {
    options.onProgress?.({ kind: 'started', name: scenario.name });
    const report = await scenario.run({ scale, ...(options.postgresUrl === undefined ? {} : { postgresUrl: options.postgresUrl }) });
    scenarios.push(report);
    options.onProgress?.({ kind: 'finished', report });
  }
  const total: FaultFigures = { sent: 0, answered: 0, logged: 0, lost: 0, serverErrors: 0, clientVisibleFailures: 0 };
  for (const report of scenarios) {
    for (const key of Object.keys(total) as Array<keyof FaultFigures>) total[key] += report[key];
  }
  const failedChecks = scenarios.flatMap((report) => report.checks.filter((item) => !item.passed).map((item) => `${report.name}: ${item.name} — ${item.detail}`));
  return { scale: options.scale, scenarios, total, failedChecks, durationMs: Date.now() - startedAt };
}
