import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpecialistEvaluation } from './evaluate-specialist.ts';
import { storedEvaluationFrom, storedFailuresKept, storedTextLimit } from './stored-evaluation-from.ts';

function evaluation(overrides: Partial<SpecialistEvaluation> = {}): SpecialistEvaluation {
  const gate = { gate: 'minExamples' as const, threshold: 10, value: 50, passed: true };
  return {
    task: 'support/extract-order',
    datasetVersion: 'v3',
    specialist: { id: 'sp_a', label: 'extract-lora' },
    split: 'test',
    examples: 50,
    agreement: { correct: 45, rate: 0.9, interval: [0.79, 0.96] },
    validRate: 0.98,
    meanScore: 0.93,
    metric: 'json-fields',
    errors: 0,
    latencyP50Ms: 80,
    latencyP95Ms: 140,
    failures: [{ input: 'Order 9', expected: '{"id":9}', got: '{"id":6}', reason: 'id differs' }],
    gates: [gate],
    passed: false,
    confidence: {
      targetPrecision: 0.98,
      calibration: { threshold: 0.72, precision: 0.98, coverage: 0.8, samples: 50, reachable: true },
      withConfidence: 50,
      delivered: { count: 40, correct: 39, agreement: 0.975, interval: [0.87, 0.99], validRate: 1 },
      escalationRate: 0.2,
    },
    gatesWithThreshold: [gate],
    passedWithThreshold: true,
    ...overrides,
  };
}

describe('storedEvaluationFrom', () => {
  it('keeps the summary, the calibrated threshold and coverage, and passedWithThreshold as passed', () => {
    assert.deepEqual(storedEvaluationFrom(evaluation(), { id: 'ev_1', now: 1234 }), {
      id: 'ev_1',
      specialistId: 'sp_a',
      task: 'support/extract-order',
      createdAt: 1234,
      examples: 50,
      agreement: 0.9,
      validRate: 0.98,
      metric: 'json-fields',
      passed: true,
      threshold: 0.72,
      coverage: 0.8,
      failures: [{ input: 'Order 9', expected: '{"id":9}', actual: '{"id":6}', score: 0, reason: 'id differs' }],
    });
  });

  it('bounds the failures kept and the length of their texts', () => {
    const long = 'x'.repeat(storedTextLimit + 500);
    const failures = Array.from({ length: storedFailuresKept + 5 }, (_, index) => ({ input: `${index} ${long}`, expected: long, got: 'short', reason: 'differs' }));
    const stored = storedEvaluationFrom(evaluation({ failures }));
    assert.equal(stored.failures.length, storedFailuresKept);
    assert.ok(stored.failures.every((failure) => failure.input.length === storedTextLimit && failure.expected.endsWith('…')));
    assert.equal(stored.failures[0]?.actual, 'short');
    assert.match(stored.id, /^ev_[0-9a-f]{24}$/);
  });
});
