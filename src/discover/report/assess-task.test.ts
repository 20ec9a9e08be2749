import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { CallRecord } from '../../contracts/call-record.ts';
import { createPricingTable } from '../../providers/pricing-table.ts';
import { createTestCallRecord, createTestCallRecords } from '../../store/internal/call-record-fixture.ts';
import type { DiscoveredTask } from '../discovered-task.ts';
import type { CostModel } from '../replaceability-report.ts';
import { assessTask, computeSavings, countUsableExamples } from './assess-task.ts';
import { defaultCostModel, slmUsdPerMillionTokens } from './default-cost-model.ts';
import { createSimulatedTraffic, type SimulatedTraffic } from './internal/simulated-call-records.ts';

const handCostModel: CostModel = {
  llmPricing: { source: 'test', retrieved: '2025-11-30' },
  slmUsdPerMillionTokens: 2,
  slmUsdPerMillionInputTokens: 0.5,
  slmBasis: 'test',
  assumedEscalationRate: 0.1,
};

function taskOf(id: string, calls: readonly CallRecord[], agency: DiscoveredTask['agency'] = 'code'): DiscoveredTask {
  return { id, name: id, source: 'declared', agency, callIds: calls.map((call) => call.id), templates: [{ text: 'user: {{slot_1}}', calls: calls.length }], tools: [], responseFormat: null, signature: { anchors: [], optional: [], structure: [] } };
}

describe('savings arithmetic', () => {
  test('LLM cost − (SLM cost + escalation × LLM cost), checked by hand', () => {
    const calls = createTestCallRecords(4, 'c', createTestCallRecord({ costUsd: 0.01, tokensIn: 1000, tokensOut: 100 }));
    // LLM 4 × $0.01 = $0.04. SLM per call (1000 × 0.5 + 100 × 2) / 1e6 = $0.0007, × 4 = $0.0028.
    // Escalations 10% × $0.04 = $0.004. Net 0.04 − 0.0028 − 0.004 = $0.0332.
    const savings = computeSavings(calls, handCostModel);
    assert.ok(Math.abs(savings.llmUsd - 0.04) < 1e-12);
    assert.ok(Math.abs(savings.slmUsd - 0.0028) < 1e-12);
    assert.ok(Math.abs(savings.escalationUsd - 0.004) < 1e-12);
    assert.ok(Math.abs(savings.netUsd - 0.0332) < 1e-12);
    const assessment = assessTask({ task: taskOf('invoice', calls), calls, totals: { calls: 4, costUsd: 0.04 }, costModel: handCostModel, examplesAvailable: 1000 });
    assert.ok(Math.abs(assessment.projectedSavingsUsd - 0.0332) < 1e-12);
    assert.equal(assessment.verdict, 'specialise');
    assert.equal(assessment.callShare, 1);
    assert.equal(assessment.spendShare, 1);
    assert.equal(assessment.tokensIn, 4000);
    assert.equal(assessment.latencyP50Ms, 812.5);
  });

  test('without an input rate, prompt tokens cost the same as output tokens', () => {
    const { slmUsdPerMillionInputTokens: _unused, ...flat } = handCostModel;
    const calls = createTestCallRecords(1, 'f', createTestCallRecord({ tokensIn: 1000, tokensOut: 100 }));
    assert.ok(Math.abs(computeSavings(calls, flat).slmUsd - 0.0022) < 1e-12);
  });

  test('a specialist dearer than the LLM gives maybe, with the reason', () => {
    const calls = createTestCallRecords(10, 'd', createTestCallRecord({ costUsd: 0.000001, tokensIn: 1000, tokensOut: 100 }));
    const assessment = assessTask({ task: taskOf('cheap', calls), calls, totals: { calls: 10, costUsd: 0.00001 }, costModel: handCostModel, examplesAvailable: 1000 });
    assert.equal(assessment.verdict, 'maybe');
    assert.match(assessment.reasons[0] ?? '', /would not cost less/);
    assert.ok(assessment.projectedSavingsUsd < 0);
  });

  test('too small to matter: maybe, however structured', () => {
    const calls = createTestCallRecords(5, 's');
    const assessment = assessTask({ task: taskOf('small', calls), calls, totals: { calls: 10_000, costUsd: 100 }, costModel: handCostModel, examplesAvailable: 1000 });
    assert.equal(assessment.verdict, 'maybe');
    assert.match(assessment.reasons[0] ?? '', /too small to matter/);
  });
});

describe('countUsableExamples', () => {
  test('drops errors, truncated and refused answers, and unparseable JSON where JSON was asked', () => {
    const ok = createTestCallRecord();
    const response = ok.response as { choices: Array<{ message: Record<string, unknown>; finish_reason: string }> };
    const withMessage = (message: Record<string, unknown>, finishReason = 'stop') => ({ ...response, choices: [{ ...response.choices[0], message: { role: 'assistant', ...message }, finish_reason: finishReason }] });
    const asksJson = { model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } };
    const calls = [
      ok,
      createTestCallRecord({ id: 'err', status: 'error', response: null }),
      createTestCallRecord({ id: 'cut', response: withMessage({ content: 'half an ans' }, 'length') }),
      createTestCallRecord({ id: 'refused', response: withMessage({ content: null, refusal: 'I cannot help with that.' }) }),
      createTestCallRecord({ id: 'bad-json', request: asksJson, response: withMessage({ content: 'not json' }) }),
      createTestCallRecord({ id: 'good-json', request: asksJson, response: withMessage({ content: '{"a":1}' }) }),
    ];
    assert.equal(countUsableExamples(calls), 2);
  });
});

describe('defaultCostModel', () => {
  test('states its basis and derives $/M tokens from the VM price and measured throughput', () => {
    const pricing = createPricingTable();
    const model = defaultCostModel(pricing);
    assert.equal(model.llmPricing.retrieved, pricing.retrieved);
    assert.ok(Math.abs(model.slmUsdPerMillionTokens - 0.0816 / (29.6 * 3600) * 1e6) < 1e-12);
    assert.ok(Math.abs(slmUsdPerMillionTokens(0.0816, 29.6) - 0.7658) < 1e-4);
    assert.equal(model.slmUsdPerMillionInputTokens, 0);
    assert.match(model.slmBasis, /29\.6/);
    assert.match(model.slmBasis, /\$0\.0816\/h/);
    assert.match(model.slmBasis, /https:\/\/aws\.amazon\.com/);
    assert.equal(defaultCostModel(pricing, { escalationRate: 0.2 }).assumedEscalationRate, 0.2);
  });
});

describe('assessTask on simulator traffic', () => {
  let traffic: SimulatedTraffic;
  let totals: { calls: number; costUsd: number };
  const costModel = defaultCostModel(createPricingTable());
  before(async () => {
    traffic = await createSimulatedTraffic({ episodesPerAgent: 60, seed: 'assess-task' });
    totals = { calls: traffic.calls.length, costUsd: traffic.calls.reduce((sum, call) => sum + (call.costUsd ?? 0), 0) };
  });
  const assess = (id: string, examplesAvailable?: number) => {
    const task = traffic.tasks.find((candidate) => candidate.id === id);
    assert.ok(task, id);
    return assessTask({ task, calls: traffic.callsOf(id), totals, costModel, ...(examplesAvailable === undefined ? {} : { examplesAvailable }) });
  };

  test('research and chat stay on the LLM, with no savings counted', () => {
    for (const id of ['query/research', 'support/chat']) {
      const assessment = assess(id, 5000);
      assert.equal(assessment.verdict, 'keep-on-llm', id);
      assert.equal(assessment.projectedSavingsUsd, 0);
      assert.match(assessment.reasons[0] ?? '', /open-ended/);
      assert.ok((assessment.savings?.netUsd ?? 0) > 0, 'the terms are still reported');
    }
  });

  test('classify-intent and extract-contact: specialise with enough examples, maybe without', () => {
    const labels = assess('support/classify-intent', 500);
    assert.equal(labels.verdict, 'specialise');
    assert.equal(labels.examplesNeeded, Math.max(100, 25 * (labels.outputShape.labels?.length ?? 0)));
    assert.ok(labels.projectedSavingsUsd > 0 && labels.projectedSavingsUsd < labels.costUsd);
    const contact = assess('support/extract-contact', 10);
    assert.equal(contact.verdict, 'maybe');
    assert.equal(contact.examplesNeeded, 200);
    assert.match(contact.reasons[0] ?? '', /190 more examples needed/);
  });

  test('examples available default to the usable calls', () => {
    const assessment = assess('support/choose-tool');
    assert.equal(assessment.examplesAvailable, traffic.callsOf('support/choose-tool').length);
  });

  test('free text drawn from the prompt is maybe, with the reason', () => {
    const assessment = assess('support/summarize-thread', 5000);
    assert.equal(assessment.verdict, 'maybe');
    assert.match(assessment.reasons[0] ?? '', /drawn from the prompt/);
  });

  test('language-model agency: next steps broken down by action, specialise when examples suffice', () => {
    const assessment = assess('toolloop/next-step', 5000);
    assert.equal(assessment.agency, 'language-model');
    assert.equal(assessment.verdict, 'specialise');
    const actions = assessment.actions ?? [];
    assert.ok(actions.some((action) => action.action === 'reply'));
    assert.ok(actions.some((action) => action.action === 'book_flight'));
    assert.equal(actions.reduce((sum, action) => sum + action.calls, 0), assessment.calls);
    assert.equal(assess('support/choose-tool').actions, undefined);
  });
});
