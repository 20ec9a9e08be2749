// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import assert from 'node:assert/strict';
import { access, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { LlamaModel } from 'node-llama-cpp';
import { z } from 'zod';
import { isUnderstudyError, UnderstudyError } from '../../contracts/errors.ts';
import { getSharedLlama } from '../engines/internal/llama-instance.ts';
import { ensurePythonEnvironment, pythonRequirementsFile, pythonScriptPath, runPythonScript, type PythonEnvironment } from '../python/index.ts';
import { convertHuggingFaceCheckpoint } from './convert-hugging-face-checkpoint.ts';
import { resolveModelSource } from './resolve-model-source.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.join(repositoryRoot, '.understudy');
const fixture = path.resolve(repositoryRoot, '../shared/fixtures/models/TinyStories-656K');
const fixtureFiles = ['config.json', 'generation_config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json'];
const sentences = [
  'Once upon a time, there was a little girl named Lily.',
  'She liked to play with her red ball in the park!',
  'Tom and Sam went to the big tree. "Look," said Tom.',
  '  two  spaces and a trailing space ',
  'The cat sat on the mat.\nThe dog ran to the door.',
  'Hello World 123',
];
const referenceSchema = z.object({ tokenIds: z.array(z.array(z.number())), continuations: z.array(z.array(z.number())) });

test('a directory that is not a llama checkpoint is refused, naming what is missing', async (t) => {
  const directory = await mkdtemp(path.join(tmpdir(), 'understudy-checkpoint-'));
  t.after(() => rm(directory, { recursive: true, force: true }));
  const refused = (pattern: RegExp) => (error: unknown) => isUnderstudyError(error, 'invalid_request') && pattern.test(error.message);

  await assert.rejects(resolveModelSource(directory, { dataDir: directory }), refused(/no config\.json, no tokenizer\.json, no \*\.safetensors weights/));
  await writeFile(path.join(directory, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'] }));
  await writeFile(path.join(directory, 'tokenizer.json'), '{}');
  await assert.rejects(convertHuggingFaceCheckpoint(directory, { dataDir: directory }), refused(/no \*\.safetensors weights/));
  await writeFile(path.join(directory, 'model.safetensors'), '');
  await assert.rejects(convertHuggingFaceCheckpoint(directory, { dataDir: directory }), refused(/is not a llama checkpoint \(model_type "bert"/));
});

test('TinyStories-656K converts once to a GGUF whose llama.cpp tokens and greedy story match Hugging Face', { timeout: 10 * 60_000 }, async (t) => {
  if (!(await access(path.join(fixture, 'model.safetensors')).then(() => true, () => false))) return t.skip(`TinyStories-656K fixture not found at ${fixture}`);
  let environment: PythonEnvironment;
  try {
    environment = await ensurePythonEnvironment({ dataDir, name: 'convert', requirementsFiles: [pythonRequirementsFile('convert'), pythonRequirementsFile('reference')] });
  } catch (error) {
    if (error instanceof UnderstudyError && (error.code === 'system_dependency_missing' || error.code === 'upstream_unreachable')) return t.skip(error.message.split('\n')[0]);
    throw error;
  }

  // A private copy with a unique config key, so this run converts afresh whatever the shared cache holds.
  const checkpoint = path.join(await mkdtemp(path.join(tmpdir(), 'understudy-tinystories-')), 'TinyStories-656K');
  await mkdir(checkpoint);
  t.after(() => rm(path.dirname(checkpoint), { recursive: true, force: true }));
  for (const name of fixtureFiles) await copyFile(path.join(fixture, name), path.join(checkpoint, name));
  const config = JSON.parse(await readFile(path.join(checkpoint, 'config.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(path.join(checkpoint, 'config.json'), JSON.stringify({ ...config, understudy_test_run: `${process.pid}-${Date.now()}` }));

  const messages: string[] = [];
  const first = await resolveModelSource(checkpoint, { dataDir, onMessage: (message) => messages.push(message) });
  assert.ok(first.kind === 'huggingface-checkpoint' && first.directory === checkpoint, 'a directory resolves to its converted GGUF');
  t.after(() => rm(path.dirname(first.path), { recursive: true, force: true }));
  assert.ok(messages.some((message) => message.startsWith('Converting ')) && messages.some((message) => message.startsWith('Converted ')), `progress: ${messages.join(' | ')}`);
  const again = await convertHuggingFaceCheckpoint(checkpoint, { dataDir });
  assert.deepEqual([again.source, again.path], ['cache', first.path], 'the second use reuses the conversion');

  const reference = referenceSchema.parse(
    JSON.parse(
      await runPythonScript(environment, pythonScriptPath('reference_llama_generate.py'), [], {
        stdin: JSON.stringify({ modelDir: fixture, texts: sentences, prompts: [[1]], maxNewTokens: 48 }),
      }),
    ),
  );

  const llama = await getSharedLlama(false);
  const model = await llama.loadModel({ modelPath: first.path, gpuLayers: 0 });
  t.after(() => model.dispose());
  assert.deepEqual([model.tokens.bos, model.tokens.eos, model.tokens.shouldPrependBosToken], [1, 2, true]);
  sentences.forEach((sentence, index) => {
    assert.deepEqual([...model.tokenize(sentence)].map(Number), reference.tokenIds[index], `llama.cpp and tokenizers agree on ${JSON.stringify(sentence)}`);
  });
  // Characters outside the 81-character vocab: Hugging Face gives <unk>; llama.cpp needs byte tokens, which the
  // converter adds (without them node-llama-cpp aborts the process).
  const outside = [...model.tokenize('café @ home')].map(Number);
  assert.ok(outside.some((token) => token >= 2048), `byte tokens for é and @: ${JSON.stringify(outside)}`);

  const story = await greedyStory(model);
  t.diagnostic(`greedy from BOS: ${JSON.stringify(model.detokenize(story as never))}`);
  assert.deepEqual(story, reference.continuations[0], 'llama.cpp greedy story equals the numpy Hugging Face reference');

  // F16 output (what `auto` writes for F16/BF16 checkpoints), through a relative data directory as a CLI user may
  // give it: half the bytes of the matrices, and the same greedy story.
  const half = await convertHuggingFaceCheckpoint(checkpoint, { dataDir: path.relative(process.cwd(), dataDir) || '.', outtype: 'f16' });
  t.after(() => rm(path.dirname(half.path), { recursive: true, force: true }));
  assert.ok(path.isAbsolute(half.path) && half.path !== first.path);
  const [fullBytes, halfBytes] = [(await stat(first.path)).size, (await stat(half.path)).size];
  assert.ok(halfBytes < fullBytes * 0.7, `F16 file ${halfBytes} bytes against F32 ${fullBytes}`);
  const halfModel = await llama.loadModel({ modelPath: half.path, gpuLayers: 0 });
  t.after(() => halfModel.dispose());
  assert.equal(halfModel.fileInfo.metadata.general?.file_type, 1, 'GGUF file type MOSTLY_F16');
  const halfStory = await greedyStory(halfModel);
  assert.deepEqual(halfStory, reference.continuations[0], 'the F16 GGUF tells the same greedy story');
});

/** Up to 48 greedy tokens from BOS. */
async function greedyStory(model: LlamaModel): Promise<number[]> {
  const context = await model.createContext({ contextSize: 128, threads: 1 });
  try {
    const story: number[] = [];
    for await (const token of context.getSequence().evaluate([model.tokens.bos!], { temperature: 0 })) {
      if (token === model.tokens.eos || story.length >= 48) break;
      story.push(Number(token));
    }
    return story;
  } finally {
    await context.dispose();
  }
}
