/**
 * Bad input and bad upstreams: client mistakes get 4xx with an OpenAI-style error body (never a 500, never
 * a crash); upstream failures are passed through (5xx, 429) or become 504/502, and the call is still
 * logged with its error class. Access: no key, a wrong key or a revoked key → 401; admin API needs the
 * admin token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from './testing/start-test-gateway.ts';

interface ErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

function assertOpenAIError(body: unknown, code: string): ErrorBody {
  const error = (body as ErrorBody).error;
  assert.ok(error, 'body has an error object');
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  assert.equal(typeof error.type, 'string');
  assert.equal(error.code, code);
  return body as ErrorBody;
}

describe('gateway error handling', () => {
  let harness: TestGateway;
  let url: string;
  let headers: Record<string, string>;

  before(async () => {
    // Streams are paced (10 ms between events) so a client can hang up half-way through one.
    // Retries off: these cases are about what a single failed attempt becomes (gateway-retries.test.ts covers retries).
    harness = await startTestGateway({ gateway: { bodyLimitBytes: 64 * 1024, retries: { maxAttempts: 1 } }, providerTimeoutMs: 300, upstream: { chunkDelayMs: 10 } });
    url = `${harness.gateway.baseUrl}/chat/completions`;
    headers = { authorization: `Bearer ${harness.apiKey}`, 'content-type': 'application/json' };
  });
  after(async () => harness.close());

  async function post(body: string | Uint8Array, extraHeaders: Record<string, string> = {}) {
    const response = await fetch(url, { method: 'POST', headers: { ...headers, ...extraHeaders }, body: typeof body === 'string' ? body : Buffer.from(body) });
    return { status: response.status, body: (await response.json()) as unknown, headers: response.headers };
  }

  const valid = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

  it('answers client mistakes with 4xx and an OpenAI-style error', async () => {
    const cases: Array<[string, string | Uint8Array, number, string]> = [
      ['malformed JSON', '{"model": "gpt-4o-mini", "messages": [', 400, 'invalid_json'],
      ['empty body', '', 400, 'invalid_json'],
      ['not an object', '[1,2,3]', 400, 'invalid_request'],
      ['missing messages', JSON.stringify({ model: 'gpt-4o-mini' }), 400, 'invalid_request'],
      ['empty messages', JSON.stringify({ model: 'gpt-4o-mini', messages: [] }), 400, 'invalid_request'],
      ['wrong type for messages', JSON.stringify({ model: 'gpt-4o-mini', messages: 'hello' }), 400, 'invalid_request'],
      ['wrong type for temperature', JSON.stringify({ ...valid, temperature: 'hot' }), 400, 'invalid_request'],
      ['bad role', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'wizard', content: 'x' }] }), 400, 'invalid_request'],
      ['missing model', JSON.stringify({ messages: valid.messages }), 400, 'invalid_request'],
      ['bad response_format', JSON.stringify({ ...valid, response_format: { type: 'json_schema' } }), 400, 'invalid_request'],
      ['unknown model', JSON.stringify({ ...valid, model: 'no-such-model' }), 404, 'model_not_found'],
      ['invalid UTF-8 noise', new Uint8Array([0xff, 0xfe, 0x00, 0x7b]), 400, 'invalid_json'],
    ];
    for (const [name, body, status, code] of cases) {
      const result = await post(body);
      assert.equal(result.status, status, name);
      assertOpenAIError(result.body, code);
    }
    const missing = await post(JSON.stringify({ model: 'gpt-4o-mini' }));
    assert.equal((missing.body as ErrorBody).error.param, 'messages');
  });

  it('rejects bodies over the configured limit with 413, declared or chunked', async () => {
    const big = JSON.stringify({ ...valid, messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] });
    const declared = await post(big);
    assert.equal(declared.status, 413);
    assertOpenAIError(declared.body, 'request_too_large');
    const encoder = new TextEncoder();
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 20; index += 1) controller.enqueue(encoder.encode('x'.repeat(8 * 1024)));
        controller.close();
      },
    });
    const response = await fetch(url, { method: 'POST', headers, body: chunked, duplex: 'half' } as RequestInit);
    assert.equal(response.status, 413);
    assertOpenAIError(await response.json(), 'request_too_large');
  });

  it('requires a valid gateway key: missing, wrong and revoked keys get 401', async () => {
    const body = JSON.stringify(valid);
    const none = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(none.status, 401);
    assertOpenAIError(await none.json(), 'missing_api_key');
    const wrong = await post(body, { authorization: 'Bearer usk_not_a_real_key' });
    assert.equal(wrong.status, 401);
    assertOpenAIError(wrong.body, 'invalid_api_key');
    for (const path of ['/models', '/embeddings', '/understudy/ingest']) {
      let response: Response;
      try {
        response = await fetch(`${harness.gateway.baseUrl}${path}`, { method: path === '/models' ? 'GET' : 'POST', body: path === '/models' ? undefined : '{}' });
      } catch (error) {
        throw new Error(`${path}: ${(error as Error).message} ${String((error as Error).cause)}`);
      }
      assert.equal(response.status, 401, path);
    }
    // Revoked through the admin API: refused at once.
    const created = await fetch(`http://127.0.0.1:${harness.gateway.port}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${harness.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ projectId: 'test', name: 'short-lived' }),
    });
    assert.equal(created.status, 201);
    const key = (await created.json()) as { id: string; secret: string };
    assert.equal((await post(body, { authorization: `Bearer ${key.secret}` })).status, 200);
    const revoked = await fetch(`http://127.0.0.1:${harness.gateway.port}/admin/keys/${key.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${harness.adminToken}` } });
    assert.equal(revoked.status, 200);
    const after = await post(body, { authorization: `Bearer ${key.secret}` });
    assert.equal(after.status, 401);
  });

  it('keeps the admin API behind the admin token', async () => {
    const base = `http://127.0.0.1:${harness.gateway.port}/admin`;
    assert.equal((await fetch(`${base}/calls`)).status, 401);
    assert.equal((await fetch(`${base}/calls`, { headers: { authorization: `Bearer ${harness.apiKey}` } })).status, 401, 'a gateway key is not an admin token');
    const ok = await fetch(`${base}/calls?limit=2`, { headers: { authorization: `Bearer ${harness.adminToken}` } });
    assert.equal(ok.status, 200);
    const bad = await fetch(`${base}/calls?limit=nope`, { headers: { authorization: `Bearer ${harness.adminToken}` } });
    assert.equal(bad.status, 400);
    assertOpenAIError(await bad.json(), 'invalid_request');
  });

  it('answers unknown paths and wrong methods with 404/405 in OpenAI format', async () => {
    const unknown = await fetch(`${harness.gateway.baseUrl}/nothing-here`, { headers });
    assert.equal(unknown.status, 404);
    assertOpenAIError(await unknown.json(), 'route_not_found');
    const wrongMethod = await fetch(url, { headers });
    assert.equal(wrongMethod.status, 405);
    assertOpenAIError(await wrongMethod.json(), 'method_not_allowed');
  });

  it('passes upstream 5xx and 429 through and logs the call with its error class', async () => {
    const client = new OpenAI({ baseURL: harness.gateway.baseUrl, apiKey: harness.apiKey, maxRetries: 0 });
    harness.upstream.setFault({ kind: 'status', status: 503, count: 1 });
    await assert.rejects(
      client.chat.completions.create(valid, { headers: { 'x-understudy-task': 'fault-503' } }),
      (error: unknown) => error instanceof OpenAI.APIError && error.status === 503,
    );
    harness.upstream.setFault({ kind: 'status', status: 429, retryAfter: 7, count: 1 });
    const limited = await post(JSON.stringify(valid), { 'x-understudy-task': 'fault-429' });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    await harness.gateway.logWriter.flush();
    const [serverError] = await harness.gateway.store.calls.list({ task: 'fault-503', limit: 1 });
    assert.equal(serverError?.status, 'error');
    assert.equal(serverError?.errorClass, 'upstream_5xx');
    assert.equal(serverError?.httpStatus, 503);
    const [rateLimited] = await harness.gateway.store.calls.list({ task: 'fault-429', limit: 1 });
    assert.equal(rateLimited?.errorClass, 'upstream_429');
  });

  it('turns an upstream that never answers into 504 and a reset into 502, both logged', async () => {
    harness.upstream.setFault({ kind: 'hang', count: 1 });
    const timedOut = await post(JSON.stringify(valid), { 'x-understudy-task': 'fault-hang' });
    assert.equal(timedOut.status, 504);
    assertOpenAIError(timedOut.body, 'upstream_timeout');
    harness.upstream.setFault({ kind: 'reset', count: 1 });
    const reset = await post(JSON.stringify(valid), { 'x-understudy-task': 'fault-reset' });
    assert.equal(reset.status, 502);
    assertOpenAIError(reset.body, 'upstream_unreachable');
    await harness.gateway.logWriter.flush();
    const [hang] = await harness.gateway.store.calls.list({ task: 'fault-hang', limit: 1 });
    assert.equal(hang?.errorClass, 'upstream_timeout');
    assert.equal(hang?.httpStatus, 504);
    const [resetCall] = await harness.gateway.store.calls.list({ task: 'fault-reset', limit: 1 });
    assert.equal(resetCall?.errorClass, 'upstream_unreachable');
  });

  it('logs a stream the upstream breaks off as interrupted, and one the client abandons as cancelled', async () => {
    const client = new OpenAI({ baseURL: harness.gateway.baseUrl, apiKey: harness.apiKey, maxRetries: 0 });
    harness.upstream.setFault({ kind: 'truncate-stream', afterEvents: 2, count: 1 });
    await assert.rejects(async () => {
      const stream = await client.chat.completions.create({ ...valid, stream: true }, { headers: { 'x-understudy-task': 'fault-truncate' } });
      for await (const _chunk of stream) {
        // drain until the connection drops
      }
    });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ ...valid, stream: true }, { headers: { 'x-understudy-task': 'client-abort' }, signal: controller.signal });
    for await (const _chunk of stream) {
      controller.abort();
      break;
    }
    // Give the gateway a moment to notice the closed socket.
    for (let attempt = 0; attempt < 50; attempt += 1) {
      await harness.gateway.logWriter.flush();
      if ((await harness.gateway.store.calls.count({ task: 'client-abort' })) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [truncated] = await harness.gateway.store.calls.list({ task: 'fault-truncate', limit: 1 });
    assert.equal(truncated?.status, 'error');
    assert.equal(truncated?.errorClass, 'stream_interrupted');
    const [aborted] = await harness.gateway.store.calls.list({ task: 'client-abort', limit: 1 });
    assert.equal(aborted?.status, 'cancelled');
    assert.equal(aborted?.errorClass, 'client_cancelled');
  });

  it('is still healthy after all of that', async () => {
    const health = await fetch(`http://127.0.0.1:${harness.gateway.port}/health`);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const stats = harness.gateway.logWriter.stats();
    assert.equal(stats.storeErrors, 0);
  });
});
