// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { UnderstudyError } from '../../contracts/errors.ts';
import { createLlamaCppEngine } from '../../providers/engines/llama-cpp-engine.ts';
import { resolveModelSource } from '../../providers/models/resolve-model-source.ts';
import { pythonScriptPath, runPythonScript, type PythonEnvironment } from '../../providers/python/index.ts';
import { prepareTrainingEnvironment, trainLoraAdapter } from './peft-lora-trainer.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.join(repositoryRoot, '.understudy');
const fixture = path.resolve(repositoryRoot, '../shared/fixtures/models/TinyStories-656K');
// Only characters of TinyStories' 81-character vocab, and an answer the base model never gives.
const answer = 'The key is Blip.';
const names = ['Tom', 'Lily', 'Sam', 'Max', 'Sue', 'Ben', 'Mia', 'Tim', 'Anna', 'Jack', 'Lucy', 'Ben and Sue', 'the dog', 'the cat', 'the bird', 'a king'];
const prompt = (name: string) => [{ role: 'user' as const, content: `Where is the key of ${name}?` }];
// Held-out names (the learnt answer) and story openings (continuations that depend on every adapted weight).
const prompts = [
  ...['Mom', 'the frog', 'a girl'].map(prompt),
  ...['Once upon a time, there was a little dog named', 'One day, Lily and Tom went to the'].map((content) => [{ role: 'user' as const, content }]),
];

test('the merged GGUF export decodes, without an adapter, exactly as the base GGUF with the GGUF LoRA applied', { timeout: 10 * 60_000 }, async (t) => {
  const testStarted = performance.now();
  if (!(await access(path.join(fixture, 'model.safetensors')).then(() => true, () => false))) return t.skip(`TinyStories-656K fixture not found at ${fixture}`);
  let environment: PythonEnvironment;
  try {
    environment = await prepareTrainingEnvironment({ dataDir });
  } catch (error) {
    if (error instanceof UnderstudyError && (error.code === 'system_dependency_missing' || error.code === 'upstream_unreachable')) return t.skip(error.message.split('\n')[0]);
    throw error;
  }
  const base = await resolveModelSource(fixture, { dataDir });
  assert.equal(base.kind, 'huggingface-checkpoint');

  const workDir = await mkdtemp(path.join(tmpdir(), 'understudy-merged-gguf-'));
  t.after(() => rm(workDir, { recursive: true, force: true }));
  const trainFile = path.join(workDir, 'train.jsonl');
  await writeFile(trainFile, names.map((name) => JSON.stringify({ messages: [...prompt(name), { role: 'assistant', content: answer }] })).join('\n') + '\n');
  const outputDir = path.join(workDir, 'run');
  const hyperparameters = { maxSteps: 24, batchSize: 8, learningRate: 1e-2, rank: 8, alpha: 16, seed: 7, checkpointEverySteps: 24 };

  let started = performance.now();
  const trained = await trainLoraAdapter({ dataDir, baseModelPath: base.path, trainFile, outputDir, device: 'cpu', hyperparameters });
  const trainingSeconds = (performance.now() - started) / 1000;
  assert.equal(trained.mergedModelPath, null, 'no merged GGUF unless asked for');

  // Asking for the merge afterwards reuses the finished job: `exports` is not part of the checkpoint's fingerprint.
  started = performance.now();
  const result = await trainLoraAdapter({ dataDir, baseModelPath: base.path, trainFile, outputDir, device: 'cpu', hyperparameters: { ...hyperparameters, exportMerged: true } });
  const rerunSeconds = (performance.now() - started) / 1000;
  assert.equal(result.steps, 24);
  assert.equal(result.metrics.secondsPerStep, null, 'the re-run resumed from the final checkpoint and trained no step');
  assert.equal(result.mergedModelPath, path.join(outputDir, 'merged.gguf'));
  t.diagnostic(`training: ${trainingSeconds.toFixed(1)} s (loss ${trained.metrics.firstLoss.toFixed(3)} → ${trained.metrics.trainLoss.toFixed(3)}); re-run with exportMerged: ${rerunSeconds.toFixed(1)} s`);

  // The command line, from the saved PEFT adapter, writes the same file as the worker from its in-memory one.
  const fromCommandLine = path.join(workDir, 'merged-cli.gguf');
  started = performance.now();
  await runPythonScript(environment, pythonScriptPath('merge_lora_to_gguf.py'), ['--base', base.path, '--adapter', result.hfAdapterDir, '--output', fromCommandLine]);
  t.diagnostic(`merge_lora_to_gguf.py command line: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  assert.ok((await readFile(fromCommandLine)).equals(await readFile(result.mergedModelPath)), 'command-line merge is byte-identical');

  const baseEngine = await createLlamaCppEngine({ modelPath: base.path, contextPoolSize: 2 });
  t.after(() => baseEngine.close());
  const mergedEngine = await createLlamaCppEngine({ modelPath: result.mergedModelPath, contextPoolSize: 1 });
  t.after(() => mergedEngine.close());
  const adapted: string[] = [];
  const bare: string[] = [];
  const merged: string[] = [];
  for (const messages of prompts) {
    adapted.push((await baseEngine.complete({ messages, adapter: result.ggufAdapterPath, maxTokens: 16 })).content ?? '');
    bare.push((await baseEngine.complete({ messages, maxTokens: 16 })).content ?? '');
    merged.push((await mergedEngine.complete({ messages, maxTokens: 16 })).content ?? '');
  }
  t.diagnostic(`merged: ${JSON.stringify(merged)}; base + adapter: ${JSON.stringify(adapted)}; base: ${JSON.stringify(bare)}`);
  assert.deepEqual(merged, adapted, 'the merged GGUF alone decodes as the base with the GGUF adapter applied');
  assert.ok(merged.some((text, index) => text !== bare[index]), 'the merge changed the model');
  assert.ok(merged.slice(0, 3).every((text) => text.includes('Blip')), 'the merged model gives the learnt answer on held-out names');
  t.diagnostic(`total test time ${((performance.now() - testStarted) / 1000).toFixed(1)} s`);
});
