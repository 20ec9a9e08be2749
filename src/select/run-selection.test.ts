import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadedDataset } from '../curate/dataset/read-dataset.ts';
import type { EngineRequest, EngineResult, EngineTokenLogprob, SpecialistEngine } from '../providers/engines/specialist-engine.ts';
import { runSelection, type SelectionCandidate, type SelectionScorer } from './run-selection.ts';

/** Three validation questions; the engine answers the second wrongly and fails on the third. */
function dataset(): LoadedDataset {
  const file = { sha256: '0'.repeat(64), lines: 0, bytes: 0 };
  const counts = { train: 0, validation: 3, test: 0 };
  const line = (question: string, answer: string) => ({ messages: [{ role: 'user' as const, content: question }, { role: 'assistant' as const, content: answer }] });
  return {
    dir: '/nonexistent',
    manifest: {
      formatVersion: 1,
      kind: 'understudy-dataset',
      name: 'support-label@v-000000000000',
      task: 'support/label',
      version: 'v-000000000000',
      createdAt: '2025-01-01T00:00:00.000Z',
      format: 'openai-chat-jsonl',
      source: { callCount: 3, exampleCount: 3 },
      filter: { maxChars: 100_000, dropped: {} },
      redaction: { mode: 'surrogate', scope: 'project', stringsScanned: 0, bytesScanned: 0, replacedByKind: {}, distinctByKind: {} },
      dedup: { method: 'variable-slots+output', inputCount: 3, keptCount: 3, removedCount: 0, skeletonShare: 0, minSkeletonCalls: 0, skeletonThreshold: 0, skeletonTokenCount: 0, minValueLength: 0, maxValueCalls: 0 },
      split: { method: 'episode-hash+value-disjoint-test', seed: 's', shares: { train: 0.8, validation: 0.1, test: 0.1 }, counts, groupCounts: counts, removedForValueOverlap: { train: 0, validation: 0 }, heldOutValueCount: 0 },
      outputShape: { signature: 'x', responseFormats: [], toolsets: [] },
      files: { 'train.jsonl': file, 'validation.jsonl': { ...file, lines: 3 }, 'test.jsonl': file },
    },
    train: [],
    validation: [line('refund please', 'refund'), line('cancel it', 'cancel'), line('crash', 'bug')],
    test: [],
  };
}

const replies: Record<string, { content: string; logprob: number }> = {
  'refund please': { content: 'refund', logprob: Math.log(0.9) },
  'cancel it': { content: 'refund', logprob: Math.log(0.4) },
};

function candidate(requests: EngineRequest[]): SelectionCandidate {
  const engine: SpecialistEngine = {
    kind: 'openai-compatible',
    model: 'fake',
    async complete(request: EngineRequest): Promise<EngineResult> {
      requests.push(request);
      const reply = replies[String(request.messages.at(-1)?.content)];
      if (reply === undefined) throw new Error('context overflow');
      const logprobs: EngineTokenLogprob[] | null = request.logprobs === true ? [{ token: reply.content, logprob: reply.logprob }] : null;
      return { content: reply.content, toolCalls: [], finishReason: 'stop', tokens: { prompt: 3, completion: 1 }, logprobs, latencyMs: 2 };
    },
    async close() {},
  };
  return { id: 'fake', label: 'fake', origin: 'server', modes: ['zero-shot'], usdPerHour: null, open: async () => engine };
}

const scorer: SelectionScorer = async (reference, got) => {
  const correct = reference.content === got.content;
  return { correct, score: correct ? 1 : 0, valid: true, metric: 'label' };
};

describe('runSelection answer confidence', () => {
  it('asks for logprobs and keeps one confidence record per example when given answerConfidence', async () => {
    const requests: EngineRequest[] = [];
    const minimum = (logprobs: EngineTokenLogprob[] | null) => (logprobs === null ? null : Math.exp(Math.min(...logprobs.map((entry) => entry.logprob))));
    const { runs } = await runSelection({ dataset: dataset(), candidates: [candidate(requests)], scorer, answerConfidence: minimum });
    assert.ok(requests.length === 3 && requests.every((request) => request.logprobs === true));
    const run = runs[0]!;
    assert.equal(run.correct, 1);
    assert.equal(run.errors, 1);
    const confidences = run.confidences?.map((record) => ({ ...record, confidence: record.confidence === null ? null : Number(record.confidence.toFixed(12)) }));
    assert.deepEqual(confidences, [
      { confidence: 0.9, correct: true, valid: true, error: false },
      { confidence: 0.4, correct: false, valid: true, error: false },
      { confidence: null, correct: false, valid: false, error: true },
    ]);
  });

  it('asks for no logprobs and keeps the run as it was without answerConfidence', async () => {
    const requests: EngineRequest[] = [];
    const { runs } = await runSelection({ dataset: dataset(), candidates: [candidate(requests)], scorer });
    assert.ok(requests.every((request) => request.logprobs === undefined));
    assert.equal(runs[0]!.correct, 1);
    assert.equal('confidences' in runs[0]!, false);
  });
});
