import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CallRecord } from '../contracts/call-record.ts';
import type { RouteObservation, RoutingExplanation } from '../contracts/route-policy.ts';
import { createPricingTable } from '../providers/pricing-table.ts';
import { computeEconomics } from './compute-economics.ts';

// $3.60 per hour is $0.001 per second: a specialist millisecond costs exactly $0.000001.
const usdPerHour = 3.6;
// `big` costs $2 per million prompt tokens and $8 per million completion tokens.
const pricing = createPricingTable(
  { big: { inputPerMillion: 2, outputPerMillion: 8 } },
  { pricingFile: { version: 1, retrieved: '2025-11-30', source: {}, models: {} } },
);
// A minute boundary, so buckets start at t0 and t0 + 60 s.
const t0 = 60_000 * 28_333_333;

function routing(overrides: Partial<RoutingExplanation>): RoutingExplanation {
  return {
    task: 'extract',
    classifiedBy: 'declared',
    mode: 'canary',
    specialistId: 'extract-v1',
    escalationReason: null,
    escalationDetail: null,
    confidence: null,
    specialistLatencyMs: null,
    comparison: null,
    ...overrides,
  };
}

function call(overrides: Partial<CallRecord> & Pick<CallRecord, 'id' | 'route' | 'startedAt' | 'latencyMs'>): CallRecord {
  return {
    version: 1,
    source: 'gateway',
    projectId: 'project',
    endUserId: null,
    episodeId: null,
    task: 'extract',
    status: 'ok',
    errorClass: null,
    errorMessage: null,
    httpStatus: 200,
    model: 'big',
    responseModel: null,
    provider: 'openai',
    stream: false,
    ttftMs: null,
    tokensIn: null,
    tokensOut: null,
    tokensEstimated: false,
    costUsd: null,
    finishReason: 'stop',
    request: { model: 'big', messages: [{ role: 'user', content: 'Extract the invoice number.' }] },
    response: null,
    routing: routing({}),
    ...overrides,
  };
}

function observation(overrides: Partial<RouteObservation> & Pick<RouteObservation, 'callId' | 'kind'>): RouteObservation {
  return {
    id: `${overrides.callId}-${overrides.kind}`,
    task: 'extract',
    specialistId: 'extract-v1',
    mode: 'canary',
    valid: true,
    agreed: null,
    score: null,
    confidence: 0.9,
    specialistLatencyMs: null,
    llmCostUsd: null,
    escalationReason: null,
    at: t0,
    ...overrides,
  };
}

const calls: CallRecord[] = [
  call({ id: 'c1', route: 'llm', startedAt: t0, latencyMs: 1000, ttftMs: 400, costUsd: 0.01, tokensIn: 100, tokensOut: 10 }),
  call({ id: 'c2', route: 'llm', startedAt: t0 + 10_000, latencyMs: 3000, ttftMs: 600, costUsd: 0.02, tokensIn: 100, tokensOut: 10 }),
  // Served, tokens known: baseline 1,000 × $2/M + 500 × $8/M = $0.006.
  call({ id: 'c3', route: 'specialist', startedAt: t0 + 20_000, latencyMs: 250, ttftMs: 100, tokensIn: 1000, tokensOut: 500, costUsd: 0.0002 }),
  // The unclassified call.
  call({ id: 'c8', route: 'llm', task: null, routing: routing({ task: null, classifiedBy: 'unknown', mode: 'off', specialistId: null }), startedAt: t0 + 30_000, latencyMs: 1500, ttftMs: 1500, costUsd: 0.005 }),
  // Served, tokens unknown: baseline is the task's mean LLM cost per call.
  call({ id: 'c4', route: 'specialist', startedAt: t0 + 40_000, latencyMs: 150, ttftMs: 80, costUsd: 0.0001 }),
  // Served and audited: baseline is what the audit paid the LLM ($0.013), not the token price ($0.012).
  call({ id: 'c5', route: 'specialist', startedAt: t0 + 70_000, latencyMs: 350, ttftMs: 120, tokensIn: 2000, tokensOut: 1000, costUsd: 0.0003 }),
  call({
    id: 'c6',
    route: 'escalated',
    startedAt: t0 + 80_000,
    latencyMs: 2500,
    ttftMs: 2100,
    costUsd: 0.03,
    routing: routing({ escalationReason: 'low_confidence', confidence: 0.4, specialistLatencyMs: 500 }),
  }),
  call({ id: 'c7', route: 'shadow', startedAt: t0 + 90_000, latencyMs: 2000, ttftMs: 700, costUsd: 0.012, routing: routing({ mode: 'shadow', comparison: 'shadow' }) }),
];

const observations: RouteObservation[] = [
  observation({ callId: 'c3', kind: 'served', specialistLatencyMs: 200 }),
  observation({ callId: 'c4', kind: 'served', specialistLatencyMs: 100 }),
  observation({ callId: 'c5', kind: 'served', specialistLatencyMs: 300 }),
  // The audit re-uses the served run: its 300 ms must not be counted twice.
  observation({ callId: 'c5', kind: 'audit', specialistLatencyMs: 300, llmCostUsd: 0.013, agreed: false, score: 0.2 }),
  observation({ callId: 'c6', kind: 'escalated', valid: true, confidence: 0.4, specialistLatencyMs: 500, llmCostUsd: 0.03, escalationReason: 'low_confidence' }),
  observation({ callId: 'c7', kind: 'shadow', mode: 'shadow', specialistLatencyMs: 400, agreed: true, score: 1 }),
  // A call outside the window.
  observation({ callId: 'elsewhere', kind: 'served', specialistLatencyMs: 9999 }),
];

function assertClose(actual: number | null, expected: number, label: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${label}: ${actual} ≠ ${expected}`);
}

describe('computeEconomics', () => {
  const economics = computeEconomics({ calls, observations, pricing, usdPerHour });
  const extract = economics.tasks.find((task) => task.task === 'extract');
  const unclassified = economics.tasks.find((task) => task.task === null);

  test('counts calls, escalations, shadows and audits per task', () => {
    assert.ok(extract);
    assert.equal(extract.calls, 7);
    assert.equal(extract.llmCalls, 4); // c1, c2, c6 (escalated), c7 (shadow)
    assert.equal(extract.specialistCalls, 3); // c3, c4, c5
    assert.deepEqual(extract.escalations, { total: 1, byReason: { low_confidence: 1 } });
    assert.equal(extract.shadowRuns, 1);
    assert.equal(extract.audits, 1);
    assert.equal(extract.auditDisagreements, 1);
    assertClose(extract.slmShare, 3 / 7, 'slmShare');
    assertClose(extract.escalationRate, 1 / 4, 'escalationRate'); // 1 escalated ÷ (3 served + 1 escalated)
  });

  test('prices LLM spend, every specialist run at $/hour, and the all-on-the-LLM baseline', () => {
    assert.ok(extract);
    // LLM: c1 0.010 + c2 0.020 + c6 0.030 + c7 0.012 + audit of c5 0.013.
    assertClose(extract.llmUsd, 0.085, 'llmUsd');
    assertClose(extract.auditUsd, 0.013, 'auditUsd');
    // Busy: served 200 + 100 + 300, escalated attempt 500, shadow run 400 = 1,500 ms at $0.000001/ms.
    assertClose(extract.specialistBusySeconds, 1.5, 'busy seconds');
    assertClose(extract.specialistUsd, 0.0015, 'specialistUsd');
    assertClose(extract.totalUsd, 0.0865, 'totalUsd');
    // Baseline: LLM-answered 0.072 (mean 0.018) + c3 tokens 0.006 + c4 task mean 0.018 + c5 audit 0.013.
    assertClose(extract.baselineUsd, 0.109, 'baselineUsd');
    assertClose(extract.costReduction, 1 - 0.0865 / 0.109, 'costReduction');
    assert.deepEqual(extract.baselineSources, { llm: 4, audit: 1, tokens: 1, taskMean: 1, unpriced: 0 });
    assert.equal(extract.unpricedLlmCalls, 0);
  });

  test('latency before (LLM-answered) and after (as delivered), nearest rank', () => {
    assert.ok(extract);
    // Before: 1000, 2000, 2500, 3000. After: 150, 250, 350, 1000, 2000, 2500, 3000.
    assert.deepEqual(extract.latency, {
      beforeP50Ms: 2000,
      beforeP95Ms: 3000,
      afterP50Ms: 1000,
      afterP95Ms: 3000,
      ttftBeforeP50Ms: 600, // 400, 600, 700, 2100
      ttftAfterP50Ms: 400, // 80, 100, 120, 400, 600, 700, 2100
    });
  });

  test('a drift series per minute, each call with its own runs and audit', () => {
    assert.ok(extract);
    assert.equal(extract.series.length, 2);
    const [first, second] = extract.series;
    assert.ok(first && second);
    // First minute: c1, c2, c3, c4: $0.010 + $0.020 + $0.0002 + $0.0001.
    assert.equal(first.start, t0);
    assert.equal(first.calls, 4);
    assert.equal(first.slmShare, 0.5);
    assert.equal(first.escalationRate, 0);
    assertClose(first.costPerCallUsd, 0.0303 / 4, 'first cost per call');
    // Second minute: c5 ($0.0003 + $0.013 audit), c6 ($0.030 + $0.0005), c7 ($0.012 + $0.0004).
    assert.equal(second.start, t0 + 60_000);
    assert.equal(second.calls, 3);
    assertClose(second.slmShare, 1 / 3, 'second slmShare');
    assert.equal(second.escalationRate, 0.5);
    assertClose(second.totalUsd, 0.0562, 'second total');
    assertClose(second.costPerCallUsd, 0.0562 / 3, 'second cost per call');
  });

  test('unknown-task calls form the unclassified group, listed last', () => {
    assert.equal(economics.tasks.at(-1)?.task, null);
    assert.ok(unclassified);
    assert.equal(unclassified.calls, 1);
    assert.equal(unclassified.slmShare, 0);
    assert.equal(unclassified.escalationRate, null);
    assertClose(unclassified.llmUsd, 0.005, 'unclassified llmUsd');
    assertClose(unclassified.baselineUsd, 0.005, 'unclassified baseline');
    assert.equal(unclassified.costReduction, 0);
    assert.equal(unclassified.latency.afterP50Ms, 1500);
  });

  test('overall is the sum of the groups; observations of other calls are left out and counted', () => {
    const { overall } = economics;
    assert.equal(overall.calls, 8);
    assert.equal(overall.llmCalls, 5);
    assert.equal(overall.specialistCalls, 3);
    assertClose(overall.llmUsd, 0.09, 'overall llmUsd');
    assertClose(overall.specialistUsd, 0.0015, 'overall specialistUsd');
    assertClose(overall.totalUsd, 0.0915, 'overall total');
    assertClose(overall.baselineUsd, 0.114, 'overall baseline');
    assertClose(overall.costReduction, 1 - 0.0915 / 0.114, 'overall reduction');
    assert.deepEqual(overall.baselineSources, { llm: 5, audit: 1, tokens: 1, taskMean: 1, unpriced: 0 });
    assert.equal(economics.basis.unmatchedObservations, 1);
    assert.equal(economics.basis.bucketMs, 60_000);
    assert.equal(economics.basis.pricingRetrieved, '2025-11-30');
  });
});

describe('computeEconomics edge cases', () => {
  test('an attempt that never ran costs no machine time; a served call with nothing to price it by is unpriced', () => {
    const economics = computeEconomics({
      calls: [
        call({ id: 'down', route: 'escalated', startedAt: t0, latencyMs: 900, costUsd: 0.004, routing: routing({ escalationReason: 'specialist_down' }) }),
        // No observation: the routing explanation's latency is the witness of the escalated attempt.
        call({ id: 'timeout', route: 'escalated', startedAt: t0, latencyMs: 3000, costUsd: 0.006, routing: routing({ escalationReason: 'timeout', specialistLatencyMs: 1000 }) }),
        call({ id: 'other', route: 'specialist', task: 'summarise', routing: routing({ task: 'summarise' }), model: 'unpriced-model', tokensIn: 10, tokensOut: 10, startedAt: t0, latencyMs: 200 }),
      ],
      observations: [observation({ callId: 'down', kind: 'escalated', valid: null, specialistLatencyMs: null, escalationReason: 'specialist_down' })],
      pricing,
      usdPerHour,
      bucketMs: 1000,
    });
    const extract = economics.tasks.find((task) => task.task === 'extract');
    assert.ok(extract);
    assert.deepEqual(extract.escalations.byReason, { specialist_down: 1, timeout: 1 });
    assert.equal(extract.escalationRate, 1);
    assertClose(extract.specialistUsd, 0.001, 'attempt cost'); // only the timed-out attempt's 1,000 ms
    assertClose(extract.totalUsd, 0.011, 'extract total');
    // The other task has no LLM-answered call to take a mean from, and its model has no price.
    const summarise = economics.tasks.find((task) => task.task === 'summarise');
    assert.ok(summarise);
    assert.equal(summarise.baselineSources.unpriced, 1);
    assert.equal(summarise.baselineUsd, 0);
    assert.equal(summarise.costReduction, null);
    assertClose(summarise.specialistUsd, 0.0002, 'served latency as the last witness');
  });

  test('failed calls count in the bill but not in latency percentiles', () => {
    const economics = computeEconomics({
      calls: [
        call({ id: 'ok', route: 'llm', startedAt: t0, latencyMs: 800, costUsd: 0.001 }),
        call({ id: 'failed', route: 'llm', status: 'error', errorClass: 'upstream_4xx', httpStatus: 400, startedAt: t0, latencyMs: 5, costUsd: null }),
      ],
      observations: [],
      pricing,
      usdPerHour,
    });
    assert.equal(economics.overall.calls, 2);
    assert.equal(economics.overall.latency.afterP50Ms, 800);
    assert.equal(economics.overall.unpricedLlmCalls, 1);
    assert.equal(economics.overall.baselineSources.unpriced, 1);
  });

  test('rejects a negative machine price and an empty bucket', () => {
    assert.throws(() => computeEconomics({ calls: [], observations: [], pricing, usdPerHour: -1 }), RangeError);
    assert.throws(() => computeEconomics({ calls: [], observations: [], pricing, usdPerHour, bucketMs: 0 }), RangeError);
    const empty = computeEconomics({ calls: [], observations: [], pricing, usdPerHour });
    assert.equal(empty.overall.slmShare, null);
    assert.equal(empty.overall.costReduction, null);
    assert.deepEqual(empty.tasks, []);
  });
});
