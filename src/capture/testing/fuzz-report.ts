/**
 * Test support: what a property-based fuzzing run (`fuzzGateway`, `fuzzImporter`) found, in one shape, so the
 * fault suite and benchmarks can add runs together and print one figure per defect kind.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One input that broke a rule: enough to see what happened and to replay it by hand. */
export interface FuzzFailure {
  /** The route (`POST /v1/chat/completions`) or `import`. */
  endpoint: string;
  /** HTTP status, or 0 when there was none (hang, closed connection, thrown error). */
  status: number;
  /** What was wrong: `server error`, `not an OpenAI error body`, `hang`, `unexpected throw`, … */
  problem: string;
  bodyExcerpt: string;
  inputExcerpt: string;
}

export interface FuzzReport {
  /** Inputs sent or imported, counting those fast-check tried while shrinking a counterexample. */
  inputs: number;
  /** 5xx answers to requests whose only fault was the client's (the stand-in upstream is healthy throughout). */
  serverErrorsForClientMistakes: number;
  /** Uncaught exceptions and unhandled rejections while fuzzing, hangs, and unexpected (non-UnderstudyError) throws. */
  crashes: number;
  /** Every other broken rule (4xx without an OpenAI error body, importer contract breaks, failed health checks). */
  contractViolations: number;
  /** The first failures, with excerpts (at most 50). */
  failures: FuzzFailure[];
  /** fast-check's report of each shrunk counterexample, with the seed and path that replay it. */
  counterexamples: string[];
  seed: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  /** Inputs per route (`METHOD /path`) or per importer case. */
  perEndpoint: Record<string, number>;
}

const maxKeptFailures = 50;

export function createFuzzReport(seed: number): FuzzReport {
  return {
    inputs: 0,
    serverErrorsForClientMistakes: 0,
    crashes: 0,
    contractViolations: 0,
    failures: [],
    counterexamples: [],
    seed,
    rssBeforeMb: 0,
    rssAfterMb: 0,
    perEndpoint: {},
  };
}

export function countInput(report: FuzzReport, endpoint: string): void {
  report.inputs += 1;
  report.perEndpoint[endpoint] = (report.perEndpoint[endpoint] ?? 0) + 1;
}

export function recordFailure(report: FuzzReport, failure: FuzzFailure): void {
  if (report.failures.length < maxKeptFailures) report.failures.push(failure);
}

/** Adds `other` into `report` (figures summed, failures appended, RSS kept as the wider span). */
export function mergeFuzzReports(report: FuzzReport, other: FuzzReport): FuzzReport {
  const perEndpoint = { ...report.perEndpoint };
  for (const [endpoint, count] of Object.entries(other.perEndpoint)) perEndpoint[endpoint] = (perEndpoint[endpoint] ?? 0) + count;
  return {
    inputs: report.inputs + other.inputs,
    serverErrorsForClientMistakes: report.serverErrorsForClientMistakes + other.serverErrorsForClientMistakes,
    crashes: report.crashes + other.crashes,
    contractViolations: report.contractViolations + other.contractViolations,
    failures: [...report.failures, ...other.failures].slice(0, maxKeptFailures),
    counterexamples: [...report.counterexamples, ...other.counterexamples],
    seed: report.seed,
    rssBeforeMb: Math.min(report.rssBeforeMb, other.rssBeforeMb),
    rssAfterMb: Math.max(report.rssAfterMb, other.rssAfterMb),
    perEndpoint,
  };
}

/** The seed to use: `FUZZ_SEED` when set (to replay a printed run), else a fresh random one. */
export function resolveFuzzSeed(seed: number | undefined): number {
  if (seed !== undefined) return seed;
  const fromEnvironment = process.env['FUZZ_SEED'];
  if (fromEnvironment !== undefined && /^-?\d+$/.test(fromEnvironment)) return Number(fromEnvironment);
  return Math.floor(Math.random() * 0x7fffffff);
}

/** Resident set size in MiB, after a full garbage collection so the figure is what is really held. */
export function sampleRssMb(): number {
  collectGarbage();
  return Math.round((process.memoryUsage.rss() / (1024 * 1024)) * 10) / 10;
}

function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) {
    exposed();
    return;
  }
  // Without --expose-gc: V8 allows turning the flag on at run time; a fresh context then sees `gc`.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}

export function excerpt(value: string | Uint8Array, limit = 300): string {
  const text = typeof value === 'string' ? value : Buffer.from(value).toString('latin1');
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} chars)`;
}
