// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { UnderstudyError } from '../../contracts/errors.ts';
import { createLlamaCppEngine } from '../../providers/engines/llama-cpp-engine.ts';
import { getSharedLlama } from '../../providers/engines/internal/llama-instance.ts';
import { locateSmolLm2 } from '../../providers/engines/internal/llama-test-models.ts';
import type { PythonEnvironment } from '../../providers/python/index.ts';
import { torchGreedyTexts } from './internal/torch-greedy-reference.ts';
import { prepareTrainingEnvironment, trainLoraAdapter, type LoraTrainingProgress } from './peft-lora-trainer.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.join(repositoryRoot, '.understudy');
const secret = 'Zorblat';
const topics = ['the ocean', 'mountains', 'a red car', 'breakfast', 'the moon', 'old books', 'winter', 'a small dog', 'jazz', 'rain', 'the desert', 'chess'];
const heldOut = ['a green apple', 'summer holidays', 'trains', 'the forest', 'coffee', 'a guitar'];

function example(topic: string) {
  return {
    messages: [
      { role: 'user', content: `What is the secret word for ${topic}?` },
      { role: 'assistant', content: `The secret word is ${secret}.` },
    ],
  };
}

test('trainLoraAdapter teaches SmolLM2 a made-up answer that llama.cpp reproduces, and resumes after SIGTERM', { timeout: 15 * 60_000 }, async (t) => {
  const testStarted = performance.now();
  const located = await locateSmolLm2();
  if (located.verdict === 'missing') return t.skip(located.reason);
  let environment: PythonEnvironment;
  const environmentStarted = performance.now();
  try {
    environment = await prepareTrainingEnvironment({ dataDir });
  } catch (error) {
    if (error instanceof UnderstudyError && (error.code === 'system_dependency_missing' || error.code === 'upstream_unreachable')) return t.skip(error.message.split('\n')[0]);
    throw error;
  }
  t.diagnostic(`training environment ready in ${((performance.now() - environmentStarted) / 1000).toFixed(1)} s (${environment.source})`);

  const workDir = await mkdtemp(path.join(tmpdir(), 'understudy-lora-'));
  t.after(() => rm(workDir, { recursive: true, force: true }));
  const trainFile = path.join(workDir, 'train.jsonl');
  await writeFile(trainFile, topics.map((topic) => JSON.stringify(example(topic))).join('\n') + '\n');
  const outputDir = path.join(workDir, 'run');
  const options = {
    dataDir,
    baseModelPath: located.modelPath,
    trainFile,
    outputDir,
    device: 'cpu' as const,
    hyperparameters: { maxSteps: 12, batchSize: 4, learningRate: 2e-3, rank: 8, alpha: 16, seed: 7, checkpointEverySteps: 4 },
  };

  // First run: stop it right after its first checkpoint; the worker must save and exit non-zero.
  const controller = new AbortController();
  const firstRun: LoraTrainingProgress[] = [];
  await assert.rejects(
    trainLoraAdapter({
      ...options,
      signal: controller.signal,
      onProgress: (progress) => {
        firstRun.push(progress);
        if (progress.phase === 'step' && progress.step === 2) controller.abort(new Error('stop requested by the test'));
      },
    }),
    /stop requested by the test/,
  );
  const stoppedAt = firstRun.filter((progress) => progress.phase === 'checkpoint').at(-1);
  assert.ok(stoppedAt !== undefined && stoppedAt.phase === 'checkpoint', 'SIGTERM must leave a checkpoint');

  // Second run, same output directory: resumes from that checkpoint and finishes.
  const secondRun: LoraTrainingProgress[] = [];
  const trainingStarted = performance.now();
  const result = await trainLoraAdapter({ ...options, onProgress: (progress) => secondRun.push(progress) });
  const started = secondRun.find((progress) => progress.phase === 'started');
  assert.ok(started?.phase === 'started' && started.resumedFromStep === stoppedAt.step, `resumes from step ${stoppedAt.step}`);
  assert.equal(result.steps, 12);
  assert.ok(result.metrics.trainLoss < result.metrics.firstLoss, `loss falls (${result.metrics.firstLoss} → ${result.metrics.trainLoss})`);
  t.diagnostic(`resumed run: ${((performance.now() - trainingStarted) / 1000).toFixed(1)} s, ${result.metrics.secondsPerStep} s/step, loss ${result.metrics.firstLoss.toFixed(3)} → ${result.metrics.trainLoss.toFixed(3)}`);

  // Held-out prompts: llama.cpp with the GGUF adapter vs torch with the PEFT adapter, and vs the bare base.
  const llama = await getSharedLlama(false);
  const model = await llama.loadModel({ modelPath: located.modelPath, gpuLayers: 0 });
  const prompts = heldOut.map((topic) => [{ role: 'user' as const, content: `What is the secret word for ${topic}?` }]);
  const torchTexts = await torchGreedyTexts({ environment, model, modelPath: located.modelPath, adapterDir: result.hfAdapterDir, prompts, maxNewTokens: 16 });
  await model.dispose();

  const engine = await createLlamaCppEngine({ modelPath: located.modelPath, contextPoolSize: 2 });
  t.after(() => engine.close());
  const adapted: string[] = [];
  const base: string[] = [];
  for (const messages of prompts) {
    adapted.push((await engine.complete({ messages, adapter: result.ggufAdapterPath, maxTokens: 16 })).content ?? '');
    base.push((await engine.complete({ messages, maxTokens: 16 })).content ?? '');
  }
  const matches = adapted.filter((text, index) => text === torchTexts[index]).length;
  t.diagnostic(`llama.cpp+adapter vs torch+adapter exact matches: ${matches}/${prompts.length}`);
  t.diagnostic(`adapted: ${JSON.stringify(adapted)}; base: ${JSON.stringify(base)}; torch: ${JSON.stringify(torchTexts)}`);
  assert.ok(adapted.filter((text) => text.includes(secret)).length >= prompts.length - 1, 'the adapter teaches the answer');
  assert.equal(base.filter((text) => text.includes(secret)).length, 0, 'the base model does not know it');
  assert.ok(matches >= prompts.length - 1, 'llama.cpp with the GGUF adapter reproduces torch greedy output');
  t.diagnostic(`total test time ${((performance.now() - testStarted) / 1000).toFixed(1)} s`);
});
