import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { filterCatalog } from './filter-catalog.ts';
import { loadModelCatalog } from './model-catalog.ts';
import { locateCatalogCandidates, parseCandidateSpec } from './selection-candidates.ts';

const settings = { threads: 1, contextSize: 2048, usdPerHour: 0.08 };

describe('selection candidates', () => {
  it('finds catalog models whose GGUF is in the models folder by file name, and says how to fetch the others', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'understudy-candidates-'));
    try {
      await mkdir(path.join(dataDir, 'models', 'huggingface'), { recursive: true });
      await writeFile(path.join(dataDir, 'models', 'huggingface', 'Qwen3-0.6B-Q4_K_M.gguf'), 'not really a model');
      await writeFile(path.join(dataDir, 'models', 'huggingface', 'qwen3-1.7b0-odd.gguf'), 'must not match qwen3-1.7b');
      const { matches } = filterCatalog(loadModelCatalog().models);
      const located = await locateCatalogCandidates(matches, dataDir, settings);
      const reachable = located.filter((entry) => entry.reachable).map((entry) => entry.candidate.id);
      assert.deepEqual(reachable, ['qwen3-0.6b']);
      const qwen17 = located.find((entry) => !entry.reachable && entry.id === 'qwen3-1.7b');
      assert.ok(qwen17 && !qwen17.reachable);
      assert.match(qwen17.reason, /understudy models pull hf:/);
      const opened = located.find((entry) => entry.reachable);
      assert.ok(opened?.reachable);
      await assert.rejects(opened.candidate.open(), /Qwen3-0\.6B-Q4_K_M\.gguf/, 'a corrupt file is named in the error');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('parses --candidate specs and rejects bad ones with the expected form', async () => {
    const file = parseCandidateSpec('./models/my-model.gguf', settings);
    assert.equal(file.id, 'file:my-model');
    assert.equal(file.origin, 'local-file');
    const server = parseCandidateSpec('openai:http://127.0.0.1:9/v1#qwen3:0.6b', settings);
    assert.equal(server.id, 'server:qwen3:0.6b');
    assert.equal(server.usdPerHour, null);
    await assert.rejects(server.open(), /not answering/);
    assert.throws(() => parseCandidateSpec('openai:http://127.0.0.1:9/v1', settings), /openai:<base URL>#<model>/);
    assert.throws(() => parseCandidateSpec('model.bin', settings), /expected a \.gguf file/);
  });
});
