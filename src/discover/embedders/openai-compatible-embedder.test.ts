import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isUnderstudyError } from '../../contracts/errors.ts';
import { createOpenAiCompatibleEmbedder } from './openai-compatible-embedder.ts';

interface ReceivedRequest {
  path: string;
  authorization: string | undefined;
  body: { model: string; input: string[]; encoding_format?: string };
}

/** A stand-in for OpenAI's /v1/embeddings: deterministic 4-d vectors, answered in reverse order to test `index`. */
async function startEmbeddingsServer(
  answer?: (received: ReceivedRequest, outgoing: ServerResponse) => boolean,
): Promise<{ baseUrl: string; received: ReceivedRequest[]; close: () => Promise<void> }> {
  const received: ReceivedRequest[] = [];
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: ReceivedRequest = { path: incoming.url ?? '', authorization: incoming.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
      received.push(request);
      if (answer?.(request, outgoing) === true) return;
      const vectorFor = (text: string) => [text.length, 3, 0, 4];
      const data = request.body.input.map((text, index) => {
        const vector = vectorFor(text);
        const embedding = request.body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
        return { object: 'embedding', index, embedding };
      });
      outgoing.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ object: 'list', data: data.reverse(), model: request.body.model, usage: { prompt_tokens: 5, total_tokens: 5 } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('sends OpenAI-shaped batches, decodes base64 float32, restores input order and normalises', async () => {
  const server = await startEmbeddingsServer();
  try {
    const embedder = createOpenAiCompatibleEmbedder({ baseUrl: `${server.baseUrl}/`, apiKey: 'sk-test', model: 'text-embedding-3-small', batchSize: 2 });
    assert.equal(embedder.name, 'openai:text-embedding-3-small');
    const vectors = await embedder.embed(['abc', '', 'abcd', 'a']);
    assert.equal(server.received.length, 2, 'two batches of two non-empty texts');
    assert.deepEqual(server.received[0], { path: '/v1/embeddings', authorization: 'Bearer sk-test', body: { model: 'text-embedding-3-small', input: ['abc', 'abcd'], encoding_format: 'base64' } });
    assert.deepEqual(server.received[1]?.body.input, ['a']);
    assert.deepEqual(Array.from(vectors[0] ?? []), Array.from(new Float32Array([3 / Math.sqrt(34), 3 / Math.sqrt(34), 0, 4 / Math.sqrt(34)])));
    assert.deepEqual(Array.from(vectors[1] ?? []), [0, 0, 0, 0], 'empty text is the zero vector, never sent');
    assert.deepEqual(Array.from(vectors[2] ?? []), Array.from(new Float32Array([4 / Math.sqrt(41), 3 / Math.sqrt(41), 0, 4 / Math.sqrt(41)])));
    assert.equal(vectors.length, 4);

    const floats = createOpenAiCompatibleEmbedder({ baseUrl: server.baseUrl, model: 'm', encodingFormat: 'float' });
    const [vector] = await floats.embed(['abc']);
    assert.equal(server.received.at(-1)?.body.encoding_format, 'float');
    assert.equal(server.received.at(-1)?.authorization, undefined);
    assert.ok(Math.abs(Math.hypot(...(vector ?? [])) - 1) < 1e-6);
    await embedder.close();
  } finally {
    await server.close();
  }
});

test("server errors carry the server's own message and a matching code", async () => {
  const server = await startEmbeddingsServer((received, outgoing) => {
    const status = received.body.model === 'missing' ? 404 : received.body.model === 'broken' ? 500 : 401;
    const message = status === 404 ? 'The model `missing` does not exist' : status === 500 ? 'The server had an error' : 'Incorrect API key provided: sk-bad.';
    outgoing.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }));
    return true;
  });
  try {
    await assert.rejects(createOpenAiCompatibleEmbedder({ baseUrl: server.baseUrl, apiKey: 'sk-bad', model: 'm' }).embed(['x']), (error: unknown) =>
      isUnderstudyError(error, 'invalid_api_key') && error.message.includes('Incorrect API key provided: sk-bad.'),
    );
    await assert.rejects(createOpenAiCompatibleEmbedder({ baseUrl: server.baseUrl, model: 'missing' }).embed(['x']), (error: unknown) =>
      isUnderstudyError(error, 'model_not_found') && error.message.includes('The model `missing` does not exist'),
    );
    await assert.rejects(createOpenAiCompatibleEmbedder({ baseUrl: server.baseUrl, model: 'broken' }).embed(['x']), (error: unknown) =>
      isUnderstudyError(error, 'upstream_error') && error.statusCode === 502 && error.message.includes('HTTP 500: The server had an error'),
    );
  } finally {
    await server.close();
  }
});

test('a body that is not the embeddings shape, or an unreachable server, is an upstream error', async () => {
  const server = await startEmbeddingsServer((_received, outgoing) => {
    outgoing.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 5, embedding: [1] }] }));
    return true;
  });
  try {
    await assert.rejects(createOpenAiCompatibleEmbedder({ baseUrl: server.baseUrl, model: 'm' }).embed(['x']), (error: unknown) => isUnderstudyError(error, 'upstream_error') && error.message.includes('index 5'));
  } finally {
    await server.close();
  }
  await assert.rejects(createOpenAiCompatibleEmbedder({ baseUrl: server.baseUrl, model: 'm' }).embed(['x']), (error: unknown) => isUnderstudyError(error, 'upstream_unreachable'));
});
