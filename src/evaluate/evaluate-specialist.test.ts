import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadedDataset } from '../curate/dataset/read-dataset.ts';
import type { FineTuneLine } from '../curate/dataset/training-example.ts';
import type { EngineRequest, EngineResult, SpecialistEngine } from '../providers/engines/specialist-engine.ts';
import type { SelectionCandidate } from '../select/run-selection.ts';
import { evaluateSpecialist } from './evaluate-specialist.ts';

/**
 * The specialist's answers on the ten test examples, with the probability of its least likely token (null: the
 * engine gave no logprobs). Correct and valid at 0.99, 0.95, 0.90, 0.80, 0.70, 0.30 and null; wrong at 0.85
 * and 0.50; not JSON (invalid, so wrong for calibration) at 0.60.
 */
const answers: Array<{ confidence: number | null; content: string }> = [
  { confidence: 0.99, content: '{"intent":"refund"}' },
  { confidence: 0.95, content: '{"intent":"refund"}' },
  { confidence: 0.9, content: '{"intent":"refund"}' },
  { confidence: 0.85, content: '{"intent":"cancel"}' },
  { confidence: 0.8, content: '{"intent":"refund"}' },
  { confidence: 0.7, content: '{"intent":"refund"}' },
  { confidence: 0.6, content: 'refund, I think' },
  { confidence: 0.5, content: '{"intent":"cancel"}' },
  { confidence: null, content: '{"intent":"refund"}' },
  { confidence: 0.3, content: '{"intent":"refund"}' },
];

function testLine(index: number): FineTuneLine {
  return {
    messages: [
      { role: 'user', content: `order ${index}: I want my money back` },
      { role: 'assistant', content: '{"intent":"refund"}' },
    ],
  };
}

/** A dataset as `readDataset` returns it; only the test split and the response format matter here. */
function dataset(): LoadedDataset {
  const file = { sha256: '0'.repeat(64), lines: 0, bytes: 0 };
  const counts = { train: 0, validation: 0, test: answers.length };
  return {
    dir: '/nonexistent',
    manifest: {
      formatVersion: 1,
      kind: 'understudy-dataset',
      name: 'support-intent@v-000000000000',
      task: 'support/intent',
      version: 'v-000000000000',
      createdAt: '2025-01-01T00:00:00.000Z',
      format: 'openai-chat-jsonl',
      source: { callCount: answers.length, exampleCount: answers.length },
      filter: { maxChars: 100_000, dropped: {} },
      redaction: { mode: 'surrogate', scope: 'project', stringsScanned: 0, bytesScanned: 0, replacedByKind: {}, distinctByKind: {} },
      dedup: { method: 'variable-slots+output', inputCount: 10, keptCount: 10, removedCount: 0, skeletonShare: 0, minSkeletonCalls: 0, skeletonThreshold: 0, skeletonTokenCount: 0, minValueLength: 0, maxValueCalls: 0 },
      split: { method: 'episode-hash+value-disjoint-test', seed: 's', shares: { train: 0.8, validation: 0.1, test: 0.1 }, counts, groupCounts: counts, removedForValueOverlap: { train: 0, validation: 0 }, heldOutValueCount: 0 },
      outputShape: { signature: 'x', responseFormats: [{ value: { type: 'json_object' }, count: answers.length }], toolsets: [] },
      files: { 'train.jsonl': file, 'validation.jsonl': file, 'test.jsonl': { ...file, lines: answers.length } },
    },
    train: [],
    validation: [],
    test: answers.map((_, index) => testLine(index)),
  };
}

/** A specialist engine standing in for the runtime: answers by the order number in the prompt, logprobs only on request. */
function fakeCandidate(requests: EngineRequest[]): SelectionCandidate {
  const engine: SpecialistEngine = {
    kind: 'openai-compatible',
    model: 'fake-specialist',
    async complete(request: EngineRequest): Promise<EngineResult> {
      requests.push(request);
      const text = String(request.messages.at(-1)?.content ?? '');
      const answer = answers[Number(/order (\d+)/.exec(text)?.[1])]!;
      const logprobs = request.logprobs !== true || answer.confidence === null
        ? null
        : [{ token: '{"', logprob: 0 }, { token: 'intent', logprob: Math.log(Math.min(1, answer.confidence + 0.01)) }, { token: 'x', logprob: Math.log(answer.confidence) }];
      return { content: answer.content, toolCalls: [], finishReason: 'stop', tokens: { prompt: 10, completion: 5 }, logprobs, latencyMs: 5 };
    },
    async close() {},
  };
  return { id: 'specialist:sp_fake', label: 'fake', origin: 'specialist', modes: ['specialist'], adapter: 'fake-adapter', usdPerHour: null, open: async () => engine };
}

const gates = { minAgreement: 0.8, minValidRate: 1, minExamples: 10 };

describe('evaluateSpecialist confidence calibration', () => {
  it('calibrates the threshold for the target precision and checks the gates on what it delivers', async () => {
    const requests: EngineRequest[] = [];
    const result = await evaluateSpecialist({ dataset: dataset(), candidate: fakeCandidate(requests), gates, targetPrecision: 0.8 });
    assert.equal(requests.length, 10);
    assert.ok(requests.every((request) => request.logprobs === true), 'logprobs are requested for every call');

    // Raw: 7 of 10 agree, 9 of 10 are valid — the gates on every answer fail, as before.
    assert.equal(result.agreement.correct, 7);
    assert.equal(result.validRate, 0.9);
    assert.equal(result.passed, false);

    // All together 7/10 < 0.8. From the top: 0.80 accepts 4 of 5 correct (0.8), 0.70 accepts 5 of 6 (0.833);
    // 0.60 adds the invalid answer (5/7), lower ones stay under 0.8. The smallest meeting value is 0.70.
    const { calibration, delivered } = result.confidence;
    assert.ok(calibration.threshold !== null && Math.abs(calibration.threshold - 0.7) < 1e-12, `threshold ${calibration.threshold}`);
    assert.equal(calibration.reachable, true);
    assert.equal(calibration.coverage, 0.6);
    assert.equal(calibration.precision, 5 / 6);
    assert.equal(calibration.samples, 10);
    assert.equal(result.confidence.targetPrecision, 0.8);
    assert.equal(result.confidence.withConfidence, 9);
    assert.equal(result.confidence.escalationRate, 1 - 0.6);
    assert.deepEqual({ count: delivered.count, correct: delivered.correct, agreement: delivered.agreement, validRate: delivered.validRate }, { count: 6, correct: 5, agreement: 5 / 6, validRate: 1 });

    assert.deepEqual(result.gatesWithThreshold.map((gate) => [gate.gate, gate.value, gate.passed]), [['minExamples', 10, true], ['minAgreement', 5 / 6, true], ['minValidRate', 1, true]]);
    assert.equal(result.passedWithThreshold, true);
  });

  it('defaults to 0.98 precision: only the three confident, correct answers are served', async () => {
    const result = await evaluateSpecialist({ dataset: dataset(), candidate: fakeCandidate([]), gates });
    const { calibration, delivered } = result.confidence;
    assert.equal(result.confidence.targetPrecision, 0.98);
    assert.ok(calibration.threshold !== null && Math.abs(calibration.threshold - 0.9) < 1e-12, `threshold ${calibration.threshold}`);
    assert.equal(calibration.coverage, 0.3);
    assert.equal(calibration.precision, 1);
    assert.equal(delivered.count, 3);
    assert.equal(result.passedWithThreshold, true);
  });

  it('needs no threshold when every answer together meets the target; invalid answers still count as wrong', async () => {
    const result = await evaluateSpecialist({ dataset: dataset(), candidate: fakeCandidate([]), gates, targetPrecision: 0.7 });
    const { calibration, delivered } = result.confidence;
    assert.equal(calibration.threshold, null);
    assert.equal(calibration.coverage, 1);
    assert.equal(calibration.precision, 0.7);
    assert.equal(delivered.validRate, 0.9);
    assert.equal(result.confidence.escalationRate, 0);
    // Delivering everything is the raw run: the same gates fail.
    assert.deepEqual(result.gatesWithThreshold.map((gate) => gate.passed), [true, false, false]);
    assert.equal(result.passedWithThreshold, false);
  });

  it('fails the gates behind the threshold when the target cannot be reached', async () => {
    const result = await evaluateSpecialist({ dataset: dataset(), candidate: fakeCandidate([]), gates: { ...gates, minAgreement: 0 }, targetPrecision: 1, minAccepted: 4 });
    // Only 0.99, 0.95 and 0.90 are correct in a row from the top: no set of 4 or more is all correct.
    assert.equal(result.confidence.calibration.reachable, false);
    assert.equal(result.confidence.calibration.threshold, 1);
    assert.equal(result.confidence.delivered.count, 0);
    assert.equal(result.confidence.escalationRate, 1);
    assert.equal(result.passedWithThreshold, false);
  });
});
