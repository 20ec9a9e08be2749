/**
 * What every fault scenario shares: its report, its scale, the phased load (before → fault → after), the drain
 * (every spooled call into the store) and the tally that compares what clients saw with what the store holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CallRecord } from '../../../contracts/call-record.ts';
import type { RunningGateway } from '../../start-gateway.ts';
import type { FaultLoad, PhaseOptions, RequestOutcome } from './fault-load.ts';

/** Figures of one scenario or of the whole suite. */
export interface FaultFigures {
  /** Requests issued. */
  sent: number;
  /** Requests that got an HTTP response (an error status is still an answer). */
  answered: number;
  /** Requests whose call is in the store (by the call id the client saw, else by the request's marker). */
  logged: number;
  /** Answered requests whose call is not in the store. Must be 0. */
  lost: number;
  /** 5xx answers other than 502/504 (which name an upstream failure): the gateway's own failures. Must be 0. */
  serverErrors: number;
  /** Requests that did not end in a 200 with a whole body (error statuses, broken streams, no response). */
  clientVisibleFailures: number;
}

export interface ScenarioCheck {
  name: string;
  passed: boolean;
  detail: string;
}

export interface ScenarioReport extends FaultFigures {
  name: string;
  description: string;
  /** Why the scenario did not run (no PostgreSQL URL, cannot mount a filesystem), else null. */
  skipped: string | null;
  /** Answers per HTTP status (`none` when no response came). */
  statuses: Record<string, number>;
  /** The scenario's own expectations (retries absorbed the burst, timeouts logged as such, …). */
  checks: ScenarioCheck[];
  durationMs: number;
}

export interface ScenarioScale {
  /** Requests before the fault, during it, and after recovery. */
  before: number;
  during: number;
  after: number;
  concurrency: number;
  /** How long store outages (lock, full disk, PostgreSQL down) last at least. */
  outageMs: number;
  /** Delay between SSE events in the slow-stream scenario. */
  slowChunkDelayMs: number;
}

export interface ScenarioRun {
  scale: ScenarioScale;
  postgresUrl?: string;
}

export interface FaultScenario {
  name: string;
  description: string;
  run(context: ScenarioRun): Promise<ScenarioReport>;
}

export interface FaultPlan {
  inject(): void | Promise<void>;
  recover(): void | Promise<void>;
  /** The fault lasts at least this long (the during phase keeps sending, paced). */
  minFaultMs?: number;
  /** Inject once this many requests of the during phase are under way, instead of before it (a crash mid-load). */
  injectMidPhaseAfter?: number;
}

/** Runs before → inject → during → recover → after. */
export async function runPhases(load: FaultLoad, scale: ScenarioScale, plan: FaultPlan): Promise<void> {
  await load.run('before', scale.before);
  const during: PhaseOptions = plan.minFaultMs === undefined ? {} : { minDurationMs: plan.minFaultMs };
  if (plan.injectMidPhaseAfter === undefined) await plan.inject();
  else during.onSent = { after: plan.injectMidPhaseAfter, run: plan.inject };
  await load.run('during', scale.during, during);
  await plan.recover();
  await load.run('after', scale.after);
}

/** Flushes until every spooled call is in the store (the store may still be reconnecting), up to `limitMs`. */
export async function drainLogWriter(gateway: RunningGateway, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      await gateway.logWriter.flush();
      if (gateway.logWriter.stats().pending === 0) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`log writer still has ${gateway.logWriter.stats().pending} calls pending after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface Tally {
  figures: FaultFigures;
  statuses: Record<string, number>;
  /** The stored call behind each outcome (by marker), when there is one. */
  storedFor: (outcome: RequestOutcome) => CallRecord | undefined;
}

/** Compares what the clients saw with the calls the store holds for the scenario's episode. */
export async function tallyScenario(gateway: RunningGateway, episode: string, outcomes: readonly RequestOutcome[]): Promise<Tally> {
  const stored = await gateway.store.calls.list({ episodeId: episode, limit: outcomes.length * 2 + 100 });
  const byId = new Map(stored.map((record) => [record.id, record]));
  const byMarker = new Map<string, CallRecord>();
  for (const record of stored) {
    const marker = /Fault suite request (\S+):/.exec(JSON.stringify(record.request.messages))?.[1];
    if (marker !== undefined) byMarker.set(marker, record);
  }
  const storedFor = (outcome: RequestOutcome) => (outcome.callId !== null ? byId.get(outcome.callId) : undefined) ?? byMarker.get(outcome.marker);
  const figures: FaultFigures = { sent: outcomes.length, answered: 0, logged: 0, lost: 0, serverErrors: 0, clientVisibleFailures: 0 };
  const statuses: Record<string, number> = {};
  for (const outcome of outcomes) {
    const answered = outcome.status !== null;
    const logged = storedFor(outcome) !== undefined;
    statuses[String(outcome.status ?? 'none')] = (statuses[String(outcome.status ?? 'none')] ?? 0) + 1;
    if (answered) figures.answered += 1;
    if (logged) figures.logged += 1;
    if (answered && !logged) figures.lost += 1;
    if (outcome.status !== null && outcome.status >= 500 && outcome.status !== 502 && outcome.status !== 504) figures.serverErrors += 1;
    if (outcome.status !== 200 || outcome.error !== null || outcome.completeStream === false) figures.clientVisibleFailures += 1;
  }
  return { figures, statuses, storedFor };
}

export function check(name: string, passed: boolean, detail: string): ScenarioCheck {
  return { name, passed, detail };
}

export function skippedReport(scenario: Pick<FaultScenario, 'name' | 'description'>, reason: string): ScenarioReport {
  return { name: scenario.name, description: scenario.description, skipped: reason, sent: 0, answered: 0, logged: 0, lost: 0, serverErrors: 0, clientVisibleFailures: 0, statuses: {}, checks: [], durationMs: 0 };
}

export function makeTempDirectory(prefix: string): { directory: string; remove(): void } {
  const directory = mkdtempSync(path.join(tmpdir(), `understudy-faults-${prefix}-`));
  return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

export function countWhere<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  let count = 0;
  for (const item of items) if (predicate(item)) count += 1;
  return count;
}
