/**
 * The honest cost model of routing (issue 7): what the calls cost as they were served, against what they would
 * have cost had the LLM answered every one, per task and overall, with the drift series the dashboard charts.
 *
 * It exists because the easy figure lies. "Specialist calls cost almost nothing" forgets that an escalated call
 * paid for the specialist's failed attempt *and* the LLM, that a shadow run occupies the machine while the LLM
 * answers, and that an audit pays the LLM for a call the specialist already served. Every one of those is
 * counted here, at one stated machine price, and every estimate in the baseline is counted by how it was made.
 *
 * Formulas (all figures sum over the calls of a group; a call's observations are joined by `callId`):
 *
 * - **LLM spend** = Σ `costUsd` of the calls the LLM answered (route `llm`, `shadow`, `escalated`; the records
 *   carry the LLM's price, the observation's `llmCostUsd` stands in where the record has none) + Σ `llmCostUsd`
 *   of audits (the LLM was paid to answer a served call again).
 * - **Specialist spend** = usdPerHour × busy seconds ÷ 3,600, where busy seconds = Σ `specialistLatencyMs` of every
 *   specialist run: served answers, escalated attempts (the attempt that failed still held the machine), shadow
 *   runs. An audit re-uses the served run, so it adds no machine time. For a machine that serves one call at a
 *   time this is exactly $/hour ÷ measured throughput (calls per hour = 3,600 s ÷ mean latency) per call. It
 *   charges busy time only: a dedicated machine left idle costs its full hours, and one that batches concurrent
 *   calls costs less than this.
 * - **Total** = LLM spend + specialist spend. Per call: escalated = attempt + LLM call; shadow = LLM call +
 *   specialist run; audited = served run + LLM call.
 * - **Baseline** (every call on the LLM): an LLM-answered call costs its own `costUsd`. A specialist-served call
 *   costs, first choice, the audit's `llmCostUsd` (the LLM really answered that very call); else its `tokensIn` and
 *   `tokensOut` priced at the requested model's price (`pricing.costOf(record.model, …)`: an estimate, since the
 *   specialist's prompt and completion token counts stand in for the LLM's); else, when tokens are missing or the
 *   model has no price, the mean LLM cost per call of the same task's LLM-answered calls; else nothing, counted as
 *   `unpriced`, which understates the baseline and so the saving. `baselineSources` counts each way.
 * - **costReduction** = 1 − total ÷ baseline (null without a baseline). **slmShare** = specialist-served ÷ calls.
 *   **escalationRate** = escalated ÷ (served + escalated): of the calls the specialist was meant to answer, the
 *   share it did not.
 * - **Latency** "before" is the LLM-answered calls of the group, "after" every call as delivered; both over
 *   successful calls only, since a fast 4xx or a timeout measures the failure, not the service.
 */
import { taskOfCall, type CallRecord } from '../contracts/call-record.ts';
import type { EscalationReason, RouteObservation } from '../contracts/route-policy.ts';
import type { PricingTable } from '../providers/pricing-table.ts';
import { percentileOfSorted, sortAscending } from '../discover/report/internal/percentile.ts';

/** How a call's all-on-the-LLM cost was established. */
export type BaselineSource = 'llm' | 'audit' | 'tokens' | 'taskMean' | 'unpriced';

/** An escalation whose reason was recorded neither on the observation nor on the call's routing. */
export type EscalationReasonKey = EscalationReason | 'unrecorded';

/** Nearest-rank percentiles in milliseconds; null where the group has no successful call of that kind. */
export interface LatencyFigures {
  beforeP50Ms: number | null;
  beforeP95Ms: number | null;
  afterP50Ms: number | null;
  afterP95Ms: number | null;
  ttftBeforeP50Ms: number | null;
  ttftAfterP50Ms: number | null;
}

/** One time bucket of the drift chart; only buckets with calls are listed. */
export interface EconomicsBucket {
  /** Epoch milliseconds of the bucket's start (a multiple of `bucketMs`). */
  start: number;
  calls: number;
  specialistCalls: number;
  escalations: number;
  slmShare: number;
  /** Null when no call of the bucket was meant for the specialist. */
  escalationRate: number | null;
  totalUsd: number;
  costPerCallUsd: number;
  /** What the bucket's calls would have cost on the LLM alone (the same baseline as the totals'). */
  baselineUsd: number;
}

export interface EconomicsFigures {
  calls: number;
  /** Calls the LLM answered: route `llm`, `shadow` and `escalated` (so `llmCalls + specialistCalls = calls`). */
  llmCalls: number;
  specialistCalls: number;
  escalations: { total: number; byReason: Partial<Record<EscalationReasonKey, number>> };
  shadowRuns: number;
  /** Specialist-served calls the LLM also answered for comparison. */
  audits: number;
  auditDisagreements: number;
  /** Null for an empty group. */
  slmShare: number | null;
  escalationRate: number | null;
  /** LLM spend, audits included. */
  llmUsd: number;
  /** The audits' part of `llmUsd`. */
  auditUsd: number;
  specialistUsd: number;
  specialistBusySeconds: number;
  totalUsd: number;
  baselineUsd: number;
  costReduction: number | null;
  baselineSources: Record<BaselineSource, number>;
  /** LLM calls (answers or audits) without a known price: they add nothing to spend nor baseline. */
  unpricedLlmCalls: number;
  latency: LatencyFigures;
  series: EconomicsBucket[];
}

export interface TaskEconomics extends EconomicsFigures {
  /** Null: calls the router could not classify ("unclassified"). */
  task: string | null;
}

export interface Economics {
  /** By total spend, highest first; the unclassified group last. */
  tasks: TaskEconomics[];
  overall: EconomicsFigures;
  basis: {
    usdPerHour: number;
    bucketMs: number;
    /** Date of the LLM price table used for the baseline's token estimates. */
    pricingRetrieved: string;
    /** Observations whose call is not among `calls` (usually a window edge); left out of every figure. */
    unmatchedObservations: number;
    specialistCost: string;
    baseline: string;
  };
}

export interface ComputeEconomicsInput {
  calls: readonly CallRecord[];
  observations: readonly RouteObservation[];
  pricing: PricingTable;
  /** Stated $/hour of the machine serving specialists (config `routing`). */
  usdPerHour: number;
  /** Width of the drift series' buckets; default one minute. */
  bucketMs?: number;
}

export const defaultEconomicsBucketMs = 60_000;

/** One call with its costs settled, before grouping. */
interface PricedCall {
  record: CallRecord;
  task: string | null;
  servedBySpecialist: boolean;
  escalationReason: EscalationReasonKey | null;
  /** What the LLM was paid for this call: its answer, or its audit of a served answer. */
  llmUsd: number;
  auditUsd: number;
  audited: boolean;
  auditDisagreed: boolean;
  unpricedLlmCalls: number;
  specialistMs: number;
  specialistUsd: number;
  baselineUsd: number;
  baselineSource: BaselineSource;
}

const llmAnsweredRoutes = new Set<CallRecord['route']>(['llm', 'shadow', 'escalated']);

/**
 * @example
 * const economics = computeEconomics({ calls, observations, pricing: createPricingTable(config.pricing), usdPerHour: 0.0816 });
 * economics.overall.costReduction; // 0.62: the routed calls cost 38% of what the LLM alone would have
 */
export function computeEconomics(input: ComputeEconomicsInput): Economics {
  const bucketMs = input.bucketMs ?? defaultEconomicsBucketMs;
  if (!Number.isFinite(input.usdPerHour) || input.usdPerHour < 0) throw new RangeError(`usdPerHour must be a non-negative number, got ${input.usdPerHour}`);
  if (!Number.isFinite(bucketMs) || bucketMs <= 0) throw new RangeError(`bucketMs must be a positive number, got ${bucketMs}`);

  const callIds = new Set(input.calls.map((call) => call.id));
  const observationsByCall = new Map<string, RouteObservation[]>();
  let unmatchedObservations = 0;
  for (const observation of input.observations) {
    if (!callIds.has(observation.callId)) {
      unmatchedObservations += 1;
      continue;
    }
    const list = observationsByCall.get(observation.callId) ?? [];
    list.push(observation);
    observationsByCall.set(observation.callId, list);
  }

  const usdPerMs = input.usdPerHour / 3_600_000;
  const pricedCalls = input.calls.map((record) => priceCall(record, observationsByCall.get(record.id) ?? [], usdPerMs));
  fillBaselines(pricedCalls, input.pricing, observationsByCall);

  const groups = new Map<string | null, PricedCall[]>();
  for (const call of pricedCalls) {
    const group = groups.get(call.task) ?? [];
    group.push(call);
    groups.set(call.task, group);
  }
  const tasks: TaskEconomics[] = [...groups].map(([task, calls]) => ({ task, ...summarise(calls, bucketMs) }));
  tasks.sort((left, right) => {
    if ((left.task === null) !== (right.task === null)) return left.task === null ? 1 : -1;
    return right.totalUsd - left.totalUsd || (left.task ?? '').localeCompare(right.task ?? '');
  });

  return {
    tasks,
    overall: summarise(pricedCalls, bucketMs),
    basis: {
      usdPerHour: input.usdPerHour,
      bucketMs,
      pricingRetrieved: input.pricing.retrieved,
      unmatchedObservations,
      specialistCost:
        `$${input.usdPerHour}/h × specialist busy seconds ÷ 3,600, busy seconds summed over served answers, escalated ` +
        'attempts and shadow runs (audits re-use the served run). For a machine serving one call at a time this is ' +
        '$/h ÷ measured throughput per call; idle hours of a dedicated machine are not charged, batching would cost less.',
      baseline:
        'LLM-answered calls at their own cost; specialist-served calls at the audit’s LLM cost where audited, else their ' +
        `tokens at the requested model’s price (table retrieved ${input.pricing.retrieved}), else the task’s mean LLM ` +
        'cost per call; calls none of these can price add nothing (understating the saving).',
    },
  };
}

function findObservation(observations: readonly RouteObservation[], kind: RouteObservation['kind']): RouteObservation | undefined {
  return observations.find((observation) => observation.kind === kind);
}

/** Spend and machine time of one call; the baseline needs every call's task first (see `fillBaselines`). */
function priceCall(record: CallRecord, observations: readonly RouteObservation[], usdPerMs: number): PricedCall {
  const servedBySpecialist = record.route === 'specialist';
  const audit = servedBySpecialist ? findObservation(observations, 'audit') : undefined;

  // Served, escalated and shadow observations each stand for one specialist run; an audit's latency is the
  // served run again. Without a run observation, the call's own routing explanation is the next witness, and a
  // served call's delivered latency the last (it is the specialist's time plus the gateway's small overhead).
  const runs = observations.filter((observation) => observation.kind !== 'audit');
  let specialistMs = runs.reduce((sum, observation) => sum + (observation.specialistLatencyMs ?? 0), 0);
  if (runs.length === 0 && record.route !== 'llm') {
    specialistMs = record.routing?.specialistLatencyMs ?? audit?.specialistLatencyMs ?? (servedBySpecialist ? record.latencyMs : 0);
  }

  let llmUsd = 0;
  let unpricedLlmCalls = 0;
  if (llmAnsweredRoutes.has(record.route)) {
    const ownCost = record.costUsd ?? observations.find((observation) => observation.llmCostUsd !== null)?.llmCostUsd ?? null;
    if (ownCost === null) unpricedLlmCalls += 1;
    else llmUsd += ownCost;
  }
  let auditUsd = 0;
  if (audit) {
    if (audit.llmCostUsd === null) unpricedLlmCalls += 1;
    else auditUsd = audit.llmCostUsd;
  }

  let escalationReason: EscalationReasonKey | null = null;
  if (record.route === 'escalated') {
    escalationReason = findObservation(observations, 'escalated')?.escalationReason ?? record.routing?.escalationReason ?? 'unrecorded';
  }

  return {
    record,
    task: taskOfCall(record),
    servedBySpecialist,
    escalationReason,
    llmUsd: llmUsd + auditUsd,
    auditUsd,
    audited: audit !== undefined,
    auditDisagreed: audit?.agreed === false,
    unpricedLlmCalls,
    specialistMs,
    specialistUsd: specialistMs * usdPerMs,
    baselineUsd: 0,
    baselineSource: 'unpriced',
  };
}

/** Sets each call's all-on-the-LLM cost, in the order of preference the file comment states. */
function fillBaselines(calls: PricedCall[], pricing: PricingTable, observationsByCall: ReadonlyMap<string, RouteObservation[]>): void {
  const llmCostByTask = new Map<string | null, { sum: number; count: number }>();
  for (const call of calls) {
    if (call.servedBySpecialist) continue;
    const ownCost = call.llmUsd;
    if (call.unpricedLlmCalls > 0) {
      call.baselineSource = 'unpriced';
      continue;
    }
    call.baselineUsd = ownCost;
    call.baselineSource = 'llm';
    const entry = llmCostByTask.get(call.task) ?? { sum: 0, count: 0 };
    entry.sum += ownCost;
    entry.count += 1;
    llmCostByTask.set(call.task, entry);
  }
  for (const call of calls) {
    if (!call.servedBySpecialist) continue;
    const audit = findObservation(observationsByCall.get(call.record.id) ?? [], 'audit');
    if (audit?.llmCostUsd != null) {
      call.baselineUsd = audit.llmCostUsd;
      call.baselineSource = 'audit';
      continue;
    }
    const { tokensIn, tokensOut } = call.record;
    const priced = tokensIn === null || tokensOut === null ? null : pricing.costOf(call.record.model, tokensIn, tokensOut);
    if (priced !== null) {
      call.baselineUsd = priced;
      call.baselineSource = 'tokens';
      continue;
    }
    const taskCosts = llmCostByTask.get(call.task);
    if (taskCosts && taskCosts.count > 0) {
      call.baselineUsd = taskCosts.sum / taskCosts.count;
      call.baselineSource = 'taskMean';
    }
  }
}

function summarise(calls: readonly PricedCall[], bucketMs: number): EconomicsFigures {
  const counts = countCalls(calls);
  const byReason: Partial<Record<EscalationReasonKey, number>> = {};
  const baselineSources: Record<BaselineSource, number> = { llm: 0, audit: 0, tokens: 0, taskMean: 0, unpriced: 0 };
  let llmUsd = 0;
  let auditUsd = 0;
  let specialistMs = 0;
  let specialistUsd = 0;
  let baselineUsd = 0;
  let shadowRuns = 0;
  let audits = 0;
  let auditDisagreements = 0;
  let unpricedLlmCalls = 0;
  for (const call of calls) {
    if (call.escalationReason !== null) byReason[call.escalationReason] = (byReason[call.escalationReason] ?? 0) + 1;
    if (call.record.route === 'shadow') shadowRuns += 1;
    if (call.audited) audits += 1;
    if (call.auditDisagreed) auditDisagreements += 1;
    llmUsd += call.llmUsd;
    auditUsd += call.auditUsd;
    specialistMs += call.specialistMs;
    specialistUsd += call.specialistUsd;
    baselineUsd += call.baselineUsd;
    baselineSources[call.baselineSource] += 1;
    unpricedLlmCalls += call.unpricedLlmCalls;
  }
  const totalUsd = llmUsd + specialistUsd;
  return {
    calls: counts.calls,
    llmCalls: counts.calls - counts.specialistCalls,
    specialistCalls: counts.specialistCalls,
    escalations: { total: counts.escalations, byReason },
    shadowRuns,
    audits,
    auditDisagreements,
    slmShare: counts.calls === 0 ? null : counts.specialistCalls / counts.calls,
    escalationRate: escalationRateOf(counts),
    llmUsd: roundUsd(llmUsd),
    auditUsd: roundUsd(auditUsd),
    specialistUsd: roundUsd(specialistUsd),
    specialistBusySeconds: specialistMs / 1000,
    totalUsd: roundUsd(totalUsd),
    baselineUsd: roundUsd(baselineUsd),
    costReduction: baselineUsd > 0 ? 1 - totalUsd / baselineUsd : null,
    baselineSources,
    unpricedLlmCalls,
    latency: latencyOf(calls),
    series: seriesOf(calls, bucketMs),
  };
}

interface CallCounts {
  calls: number;
  specialistCalls: number;
  escalations: number;
}

function countCalls(calls: readonly PricedCall[]): CallCounts {
  let specialistCalls = 0;
  let escalations = 0;
  for (const call of calls) {
    if (call.servedBySpecialist) specialistCalls += 1;
    if (call.record.route === 'escalated') escalations += 1;
  }
  return { calls: calls.length, specialistCalls, escalations };
}

function escalationRateOf(counts: CallCounts): number | null {
  const meantForSpecialist = counts.specialistCalls + counts.escalations;
  return meantForSpecialist === 0 ? null : counts.escalations / meantForSpecialist;
}

function latencyOf(calls: readonly PricedCall[]): LatencyFigures {
  const delivered = calls.filter((call) => call.record.status === 'ok');
  const before = delivered.filter((call) => !call.servedBySpecialist);
  const latencies = (list: readonly PricedCall[]) => sortAscending(list.map((call) => call.record.latencyMs));
  const ttfts = (list: readonly PricedCall[]) =>
    sortAscending(list.flatMap((call) => (call.record.ttftMs === null ? [] : [call.record.ttftMs])));
  const beforeLatencies = latencies(before);
  const afterLatencies = latencies(delivered);
  return {
    beforeP50Ms: percentileOrNull(beforeLatencies, 0.5),
    beforeP95Ms: percentileOrNull(beforeLatencies, 0.95),
    afterP50Ms: percentileOrNull(afterLatencies, 0.5),
    afterP95Ms: percentileOrNull(afterLatencies, 0.95),
    ttftBeforeP50Ms: percentileOrNull(ttfts(before), 0.5),
    ttftAfterP50Ms: percentileOrNull(ttfts(delivered), 0.5),
  };
}

/** A call's shadow run and audit are charged to the bucket of the call's `startedAt`, where they belong. */
function seriesOf(calls: readonly PricedCall[], bucketMs: number): EconomicsBucket[] {
  const buckets = new Map<number, PricedCall[]>();
  for (const call of calls) {
    const start = Math.floor(call.record.startedAt / bucketMs) * bucketMs;
    const bucket = buckets.get(start) ?? [];
    bucket.push(call);
    buckets.set(start, bucket);
  }
  return [...buckets]
    .sort(([left], [right]) => left - right)
    .map(([start, bucketCalls]) => {
      const counts = countCalls(bucketCalls);
      const totalUsd = bucketCalls.reduce((sum, call) => sum + call.llmUsd + call.specialistUsd, 0);
      const baselineUsd = bucketCalls.reduce((sum, call) => sum + call.baselineUsd, 0);
      return {
        start,
        calls: counts.calls,
        specialistCalls: counts.specialistCalls,
        escalations: counts.escalations,
        slmShare: counts.specialistCalls / counts.calls,
        escalationRate: escalationRateOf(counts),
        totalUsd: roundUsd(totalUsd),
        costPerCallUsd: roundUsd(totalUsd / counts.calls),
        baselineUsd: roundUsd(baselineUsd),
      };
    });
}

/** Float noise (0.1 + 0.2) would otherwise show on dashboards; 1e-10 $ is far below any bill (as the pricing table). */
function roundUsd(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}

/** Nearest rank, the replaceability report's percentile; null (not 0) for an empty list. */
function percentileOrNull(sorted: readonly number[], fraction: number): number | null {
  return sorted.length === 0 ? null : percentileOfSorted(sorted, fraction);
}
