import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isUnderstudyError } from '../../contracts/errors.ts';
import { downloadFile, type DownloadProgress } from './download-file.ts';
import { startLoopbackFileServer } from './internal/loopback-file-server.ts';

const content = randomBytes(1024 * 1024 + 17);
const contentSha256 = createHash('sha256').update(content).digest('hex');

async function withServer(run: (context: { server: Awaited<ReturnType<typeof startLoopbackFileServer>>; directory: string }) => Promise<void>): Promise<void> {
  const server = await startLoopbackFileServer({ '/model.bin': content });
  const directory = await mkdtemp(path.join(os.tmpdir(), 'understudy-download-'));
  try {
    await run({ server, directory });
  } finally {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  }
}

test('downloads a whole file, verifies its sha256 and reports progress up to the total', async () => {
  await withServer(async ({ server, directory }) => {
    const destination = path.join(directory, 'nested', 'model.bin');
    const progress: DownloadProgress[] = [];
    const result = await downloadFile({
      url: `${server.url}/model.bin`,
      destination,
      sha256: contentSha256,
      expectedBytes: content.length,
      onProgress: (update) => progress.push(update),
    });
    assert.deepEqual(result, { path: destination, sizeBytes: content.length, sha256: contentSha256, resumedFromBytes: 0 });
    assert.ok((await readFile(destination)).equals(content));
    assert.equal(existsSync(`${destination}.partial`), false);
    assert.deepEqual(progress.at(-1), { receivedBytes: content.length, totalBytes: content.length });
    assert.equal(server.servedBytes(), content.length);
  });
});

test('a connection cut half-way is resumed with a Range request, without downloading any byte twice', async () => {
  await withServer(async ({ server, directory }) => {
    const destination = path.join(directory, 'model.bin');
    const half = Math.floor(content.length / 2);
    server.cutNextResponseAfter(half);
    await assert.rejects(
      downloadFile({ url: `${server.url}/model.bin`, destination, sha256: contentSha256, maxAttempts: 1 }),
      (error: unknown) => isUnderstudyError(error, 'upstream_unreachable') && /interrupted.*resume/.test(error.message),
    );
    assert.ok(existsSync(`${destination}.partial`));

    const result = await downloadFile({ url: `${server.url}/model.bin`, destination, sha256: contentSha256 });
    assert.equal(result.sha256, contentSha256);
    assert.ok(result.resumedFromBytes > 0 && result.resumedFromBytes <= half);
    assert.ok((await readFile(destination)).equals(content));
    // The socket may lose some of the bytes written before the cut; what matters is that the resume asked
    // only for the bytes not on disk and got exactly those.
    assert.deepEqual(server.fileResponses.at(-1), { urlPath: '/model.bin', rangeStart: result.resumedFromBytes, servedBytes: content.length - result.resumedFromBytes });
  });
});

test('within one call, a dropped connection is retried from where it stopped', async () => {
  await withServer(async ({ server, directory }) => {
    const destination = path.join(directory, 'model.bin');
    server.cutNextResponseAfter(300_000);
    const result = await downloadFile({ url: `${server.url}/model.bin`, destination, sha256: contentSha256 });
    assert.equal(result.sha256, contentSha256);
    assert.equal(server.fileResponses.length, 2);
    const resume = server.fileResponses[1];
    assert.ok(resume !== undefined && resume.rangeStart > 0 && resume.rangeStart <= 300_000);
    assert.equal(resume.servedBytes, content.length - resume.rangeStart);
    assert.ok((await readFile(destination)).equals(content));
  });
});

test('a checksum mismatch deletes the download and names the URL and both digests', async () => {
  await withServer(async ({ server, directory }) => {
    const destination = path.join(directory, 'model.bin');
    const wrong = '0'.repeat(64);
    await assert.rejects(downloadFile({ url: `${server.url}/model.bin`, destination, sha256: wrong }), (error: unknown) => {
      assert.ok(isUnderstudyError(error, 'upstream_error'));
      assert.match(error.message, new RegExp(`${server.url}/model.bin`));
      assert.match(error.message, new RegExp(wrong));
      assert.match(error.message, new RegExp(contentSha256));
      return true;
    });
    assert.equal(existsSync(destination), false);
    assert.equal(existsSync(`${destination}.partial`), false);
  });
});

test('a 404 is a not_found error naming the URL', async () => {
  await withServer(async ({ server, directory }) => {
    await assert.rejects(
      downloadFile({ url: `${server.url}/missing.bin`, destination: path.join(directory, 'missing.bin') }),
      (error: unknown) => isUnderstudyError(error, 'not_found') && error.message.includes(`${server.url}/missing.bin`) && error.message.includes('404'),
    );
  });
});

test('an unreachable host is an upstream_unreachable error', async () => {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'understudy-download-'));
  try {
    const server = await startLoopbackFileServer();
    const url = `${server.url}/gone.bin`;
    await server.close();
    await assert.rejects(
      downloadFile({ url, destination: path.join(directory, 'gone.bin') }),
      (error: unknown) => isUnderstudyError(error, 'upstream_unreachable') && error.message.includes(url),
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
