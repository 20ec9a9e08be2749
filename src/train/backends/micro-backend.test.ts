// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { z } from 'zod';
import { UnderstudyError } from '../../contracts/errors.ts';
import { buildDataset } from '../../curate/dataset/build-dataset.ts';
import { createSimulatedTaskRecords } from '../../curate/dataset/internal/simulated-task-records.ts';
import { readDataset } from '../../curate/dataset/read-dataset.ts';
import { createRedactor } from '../../curate/redact/create-redactor.ts';
import { createLlamaCppEngine } from '../../providers/engines/llama-cpp-engine.ts';
import { getSharedLlama } from '../../providers/engines/internal/llama-instance.ts';
import type { TrainingProgress } from '../training-backend.ts';
import { prepareTrainingEnvironment } from './peft-lora-trainer.ts';
import { compactTaskPrompt, createMicroBackend, parseMicroHyperparameters } from './micro-backend.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.join(repositoryRoot, '.understudy');
const intents = ['order_status', 'refund_request', 'address_change', 'cancel_order', 'product_question', 'complaint'];
const torchGreedyRow = z.object({ prompt: z.string(), prompt_tokens: z.array(z.number()), expected: z.string(), answer: z.string(), max_new_tokens: z.number() });

test('parseMicroHyperparameters names unknown and bad keys', () => {
  assert.deepEqual(parseMicroHyperparameters({ dim: 64, maxSeconds: 30 }), { dim: 64, maxSeconds: 30 });
  assert.throws(() => parseMicroHyperparameters({ learning_rate: 1e-3, layers: 0 }), (error: unknown) => error instanceof UnderstudyError && /unknown learning_rate/.test(error.message) && /layers/.test(error.message));
});

test('compactTaskPrompt keeps only the final user message', () => {
  const messages = [
    { role: 'system' as const, content: 'Classify.' },
    { role: 'user' as const, content: 'first' },
    { role: 'assistant' as const, content: 'x' },
    { role: 'user' as const, content: 'second' },
  ];
  assert.deepEqual(compactTaskPrompt(messages), [{ role: 'user', content: 'second' }]);
  assert.throws(() => compactTaskPrompt([{ role: 'system', content: 'only' }]), UnderstudyError);
});

test('the micro backend trains a byte-level llama whose GGUF llama.cpp tokenises and answers like torch', { timeout: 10 * 60_000 }, async (t) => {
  try {
    await prepareTrainingEnvironment({ dataDir });
  } catch (error) {
    if (error instanceof UnderstudyError && (error.code === 'system_dependency_missing' || error.code === 'upstream_unreachable')) return t.skip(error.message.split('\n')[0]);
    throw error;
  }
  const workDir = await mkdtemp(path.join(tmpdir(), 'understudy-micro-'));
  t.after(() => rm(workDir, { recursive: true, force: true }));

  const byTask = await createSimulatedTaskRecords({ agents: 'support', episodesPerAgent: 500, seed: 'micro-test' });
  const built = await buildDataset({
    task: 'support/classify-intent',
    calls: byTask.get('support/classify-intent') ?? [],
    redactor: createRedactor({ scope: 'micro-test', secretKey: Buffer.alloc(32, 7) }),
    outDir: path.join(workDir, 'datasets'),
  });
  const dataset = await readDataset(built.dir);
  t.diagnostic(`dataset: ${dataset.train.length} train, ${dataset.validation.length} validation, ${dataset.test.length} test`);

  const progress: TrainingProgress[] = [];
  const started = performance.now();
  const artifacts = await createMicroBackend().train(
    {
      dataDir,
      dataset,
      base: '',
      outputDir: path.join(workDir, 'run'),
      device: 'cpu',
      // Small and short: 2 shared CI cores, under two minutes of training.
      hyperparameters: { dim: 128, layers: 3, heads: 4, kvHeads: 2, ffnDim: 384, contextLength: 512, batchSize: 8, learningRate: 3e-3, warmupSteps: 5, maxSteps: 400, maxSeconds: 110, heldoutLimit: 20, threads: 2 },
    },
    { onProgress: (event) => progress.push(event) },
  );
  t.diagnostic(`trained ${artifacts.steps} steps in ${((performance.now() - started) / 1000).toFixed(0)} s; metrics ${JSON.stringify(artifacts.metrics)}`);
  assert.equal(artifacts.backend, 'micro');
  assert.equal(artifacts.adapterPath, null);
  assert.ok(artifacts.modelPath !== null);
  assert.equal(artifacts.baseModel, artifacts.modelPath);
  assert.ok(progress.some((event) => event.phase === 'training'));
  const early = average(artifacts.lossCurve.slice(0, 5).map((point) => point.loss));
  const late = average(artifacts.lossCurve.slice(-5).map((point) => point.loss));
  assert.ok(late < early * 0.6, `loss fell from ${early.toFixed(3)} to ${late.toFixed(3)}`);

  const greedyText = await readFile(path.join(workDir, 'run', 'torch-greedy.jsonl'), 'utf8');
  const rows = greedyText.trim().split('\n').map((line) => torchGreedyRow.parse(JSON.parse(line)));
  assert.ok(rows.length >= 10, `only ${rows.length} held-out rows`);

  // llama.cpp's SPM tokenizer over the byte vocabulary must give exactly the ids torch was trained on.
  const llama = await getSharedLlama(false);
  const model = await llama.loadModel({ modelPath: artifacts.modelPath, gpuLayers: 0 });
  try {
    for (const row of rows) assert.deepEqual([model.tokens.bos, ...model.tokenize(row.prompt)], row.prompt_tokens);
    assert.equal(model.detokenize(model.tokenize('Hi  there ▁ é\n{"a": 1}')), 'Hi  there   é\n{"a": 1}');
  } finally {
    await model.dispose();
  }

  const engine = await createLlamaCppEngine({ modelPath: artifacts.modelPath, contextSize: 1024, contextPoolSize: 1 });
  t.after(() => engine.close());
  const mismatches: string[] = [];
  let labelAlphabet = 0;
  let labelled = 0;
  for (const row of rows) {
    const result = await engine.complete({ messages: compactTaskPrompt([{ role: 'system', content: 'ignored' }, { role: 'user', content: row.prompt }]), maxTokens: row.max_new_tokens });
    const answer = result.content ?? '';
    if (answer !== row.answer) mismatches.push(`llama.cpp ${JSON.stringify(answer)} vs torch ${JSON.stringify(row.answer)}`);
    if (/^[a-z_]+$/.test(answer)) labelAlphabet += 1;
    if (intents.includes(answer)) labelled += 1;
  }
  const same = rows.length - mismatches.length;
  t.diagnostic(`llama.cpp matches torch on ${same}/${rows.length}; ${labelled} answers are intent labels; torch exact ${artifacts.metrics.torchExactHeldOut}`);
  assert.ok(same / rows.length >= 0.9, `llama.cpp matched torch on ${same}/${rows.length}: ${mismatches.slice(0, 3).join('; ')}`);
  // A short budget teaches the answers' form (lower-case label characters, nothing else) before the labels.
  assert.ok(labelAlphabet / rows.length >= 0.8, `only ${labelAlphabet}/${rows.length} answers look like intent labels`);
});

function average(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
}
