/**
 * The training cache on real files: the key changes with each thing that changes the result and nothing else; an
 * entry stores copies that outlive the training directory, is found again from another data directory sharing the
 * cache, and is ignored once its files are gone.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { findCachedTraining, storeCachedTraining, trainingCacheKey } from './training-cache.ts';
import type { TrainingArtifacts } from './training-backend.ts';

describe('training cache', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'understudy-training-cache-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const spec = { datasetVersion: 'v-123456789abc', base: 'default', backend: 'lora' as const, hyperparameters: { maxSteps: 10, rank: 8 } };

  it('keys on dataset version, base, backend and hyper-parameters (in any key order)', () => {
    const key = trainingCacheKey(spec);
    assert.equal(trainingCacheKey({ ...spec, hyperparameters: { rank: 8, maxSteps: 10 } }), key);
    assert.notEqual(trainingCacheKey({ ...spec, datasetVersion: 'v-000000000000' }), key);
    assert.notEqual(trainingCacheKey({ ...spec, hyperparameters: { maxSteps: 11, rank: 8 } }), key);
    assert.notEqual(trainingCacheKey({ ...spec, backend: 'micro' }), key);
    assert.notEqual(trainingCacheKey({ ...spec, base: 'pypi:other-model' }), key);
  });

  it('stores copies, finds them from another data directory sharing the cache, and forgets entries whose files are gone', async () => {
    const previous = process.env.UNDERSTUDY_CACHE_DIR;
    process.env.UNDERSTUDY_CACHE_DIR = path.join(root, 'cache');
    try {
      const trainingDir = path.join(root, 'data-a', 'training', 'job_1');
      mkdirSync(path.join(trainingDir, 'adapter'), { recursive: true });
      writeFileSync(path.join(trainingDir, 'adapter.gguf'), 'gguf adapter bytes');
      writeFileSync(path.join(trainingDir, 'adapter', 'adapter_config.json'), '{}');
      const artifacts: TrainingArtifacts = {
        backend: 'lora',
        baseModel: '/models/SmolLM2.gguf',
        adapterPath: path.join(trainingDir, 'adapter.gguf'),
        adapterHfDir: path.join(trainingDir, 'adapter'),
        modelPath: null,
        steps: 10,
        lossCurve: [{ step: 1, loss: 2.5 }],
        metrics: { trainLoss: 1.2 },
      };
      const key = trainingCacheKey(spec);
      assert.equal(await findCachedTraining(path.join(root, 'data-a'), key), null);
      const stored = await storeCachedTraining(path.join(root, 'data-a'), key, artifacts, 42);
      rmSync(trainingDir, { recursive: true, force: true });

      const found = await findCachedTraining(path.join(root, 'data-b'), key);
      assert.ok(found);
      assert.equal(found.directory, stored.directory);
      assert.equal(found.trainSeconds, 42);
      assert.equal(found.artifacts.steps, 10);
      assert.ok(found.artifacts.adapterPath?.startsWith(path.join(root, 'cache', 'specialists')));
      rmSync(found.artifacts.adapterPath!);
      assert.equal(await findCachedTraining(path.join(root, 'data-b'), key), null);
    } finally {
      if (previous === undefined) delete process.env.UNDERSTUDY_CACHE_DIR;
      else process.env.UNDERSTUDY_CACHE_DIR = previous;
    }
  });
});
