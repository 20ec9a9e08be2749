// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import assert from 'node:assert/strict';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { UnderstudyError } from '../../contracts/errors.ts';
import { createLlamaCppEngine } from '../../providers/engines/llama-cpp-engine.ts';
import { getSharedLlama } from '../../providers/engines/internal/llama-instance.ts';
import { resolveModelSource } from '../../providers/models/resolve-model-source.ts';
import type { PythonEnvironment } from '../../providers/python/index.ts';
import { torchGreedyTexts } from './internal/torch-greedy-reference.ts';
import { prepareTrainingEnvironment, trainLoraAdapter } from './peft-lora-trainer.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.join(repositoryRoot, '.understudy');
const fixture = path.resolve(repositoryRoot, '../shared/fixtures/models/TinyStories-656K');
// Only characters of TinyStories' 81-character vocab, and an answer the base model never gives.
const answer = 'The key is Blip.';
const names = ['Tom', 'Lily', 'Sam', 'Max', 'Sue', 'Ben', 'Mia', 'Tim', 'Anna', 'Jack', 'Lucy', 'Ben and Sue', 'the dog', 'the cat', 'the bird', 'a king'];
const heldOut = ['Mom', 'Dad', 'the frog', 'a girl'];
const prompt = (name: string) => [{ role: 'user' as const, content: `Where is the key of ${name}?` }];
// Story openings the adapter was not trained on: their continuations depend on every adapted weight, so they
// compare the GGUF adapter with the PEFT one more finely than the memorised answer does.
const stories = ['Once upon a time, there was a little dog named', 'One day, Lily and Tom went to the'].map((content) => [{ role: 'user' as const, content }]);

test('a LoRA trained on the converted TinyStories-656K checkpoint is served by llama.cpp exactly as torch decodes it', { timeout: 10 * 60_000 }, async (t) => {
  const testStarted = performance.now();
  if (!(await access(path.join(fixture, 'model.safetensors')).then(() => true, () => false))) return t.skip(`TinyStories-656K fixture not found at ${fixture}`);
  let environment: PythonEnvironment;
  try {
    environment = await prepareTrainingEnvironment({ dataDir });
  } catch (error) {
    if (error instanceof UnderstudyError && (error.code === 'system_dependency_missing' || error.code === 'upstream_unreachable')) return t.skip(error.message.split('\n')[0]);
    throw error;
  }
  // The base exactly as `understudy train --base <dir>` resolves it: converted once, then cached.
  const base = await resolveModelSource(fixture, { dataDir });
  assert.equal(base.kind, 'huggingface-checkpoint');

  const workDir = await mkdtemp(path.join(tmpdir(), 'understudy-tinystories-lora-'));
  t.after(() => rm(workDir, { recursive: true, force: true }));
  const trainFile = path.join(workDir, 'train.jsonl');
  await writeFile(trainFile, names.map((name) => JSON.stringify({ messages: [...prompt(name), { role: 'assistant', content: answer }] })).join('\n') + '\n');
  const trainingStarted = performance.now();
  const result = await trainLoraAdapter({
    dataDir,
    baseModelPath: base.path,
    trainFile,
    outputDir: path.join(workDir, 'run'),
    device: 'cpu',
    hyperparameters: { maxSteps: 24, batchSize: 8, learningRate: 1e-2, rank: 8, alpha: 16, seed: 7, checkpointEverySteps: 24 },
  });
  t.diagnostic(`training: ${((performance.now() - trainingStarted) / 1000).toFixed(1)} s, ${result.metrics.secondsPerStep} s/step, loss ${result.metrics.firstLoss.toFixed(3)} → ${result.metrics.trainLoss.toFixed(3)}`);
  assert.equal(result.steps, 24);
  assert.ok(result.metrics.trainLoss < result.metrics.firstLoss / 2, `loss falls (${result.metrics.firstLoss} → ${result.metrics.trainLoss})`);

  const prompts = [...heldOut.map(prompt), ...stories];
  const llama = await getSharedLlama(false);
  const model = await llama.loadModel({ modelPath: base.path, gpuLayers: 0 });
  const torchTexts = await torchGreedyTexts({ environment, model, modelPath: base.path, adapterDir: result.hfAdapterDir, prompts, maxNewTokens: 16 }).finally(() => model.dispose());

  const engine = await createLlamaCppEngine({ modelPath: base.path, contextPoolSize: 2 });
  t.after(() => engine.close());
  const adapted: string[] = [];
  const bare: string[] = [];
  for (const messages of prompts) {
    adapted.push((await engine.complete({ messages, adapter: result.ggufAdapterPath, maxTokens: 16 })).content ?? '');
    bare.push((await engine.complete({ messages, maxTokens: 16 })).content ?? '');
  }
  t.diagnostic(`adapted: ${JSON.stringify(adapted)}; base: ${JSON.stringify(bare)}; torch: ${JSON.stringify(torchTexts)}`);
  assert.deepEqual(adapted, torchTexts, 'llama.cpp with the GGUF adapter reproduces torch + PEFT greedy output');
  assert.ok(adapted.slice(0, heldOut.length).every((text) => text.includes('Blip')), 'the adapter teaches the answer on held-out names');
  assert.ok(bare.every((text) => !text.includes('Blip')), 'the base model does not know it');
  t.diagnostic(`total test time ${((performance.now() - testStarted) / 1000).toFixed(1)} s`);
});
