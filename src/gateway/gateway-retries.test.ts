/**
 * The gateway keeps answering when a provider falters: failed upstream attempts are retried before any byte
 * reaches the client (statuses in `retryOnStatus`, resets; timeouts only when asked), a provider's
 * `Retry-After` is waited out up to the cap, client errors go back untouched, and once a model's attempts are
 * spent its fallback model answers on its own provider. Every case runs against a real gateway and the fixed
 * stand-in upstreams' own faults; the headers, the stand-ins' request logs and the store's call rows say what
 * happened.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { parseConfig } from '../contracts/config.ts';
import { isUnderstudyError } from '../contracts/errors.ts';
import { startTestGateway, type TestGateway } from './testing/start-test-gateway.ts';

describe('gateway retries and fallbacks', () => {
  let harness: TestGateway;
  let client: OpenAI;

  before(async () => {
    harness = await startTestGateway({
      gateway: { retries: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 40, maxRetryAfterMs: 1_500 } },
      providerTimeoutMs: 300,
      upstream: { chunkDelayMs: 5 },
      // `gpt-4o` falls back to a model on a second stand-in; `gpt-4o-mini` has no fallback.
      fallbacks: { 'gpt-4o': ['not-served-anywhere', 'fallback-model'] },
      fallbackUpstream: { models: ['fallback-*'] },
    });
    client = new OpenAI({ baseURL: harness.gateway.baseUrl, apiKey: harness.apiKey, maxRetries: 0 });
  });
  after(async () => harness.close());

  function reset(): void {
    harness.upstream.setFault(null);
    harness.upstream.requests.length = 0;
    harness.fallbackUpstream?.setFault(null);
    if (harness.fallbackUpstream) harness.fallbackUpstream.requests.length = 0;
  }

  async function post(model: string, task: string, path = '/chat/completions', signal?: AbortSignal) {
    const body = path === '/embeddings' ? { model, input: 'hello' } : { model, messages: [{ role: 'user', content: 'hi' }], temperature: 0.25 };
    const response = await fetch(`${harness.gateway.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${harness.apiKey}`, 'content-type': 'application/json', 'x-understudy-task': task },
      body: JSON.stringify(body),
      signal,
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }

  async function loggedCall(task: string) {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      await harness.gateway.logWriter.flush();
      const [call] = await harness.gateway.store.calls.list({ task, limit: 1 });
      if (call) return call;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no call logged for task ${task}`);
  }

  it('retries a 503 and answers 200 on the second attempt', async () => {
    reset();
    harness.upstream.setFault({ kind: 'status', status: 503, count: 1 });
    const result = await post('gpt-4o-mini', 'retry-503');
    assert.equal(result.status, 200);
    assert.equal(result.headers.get('x-understudy-attempts'), '2');
    assert.equal(result.headers.get('x-understudy-fallback-model'), null);
    assert.equal(harness.upstream.requests.length, 2);
    const call = await loggedCall('retry-503');
    assert.equal(call.status, 'ok');
    assert.equal(call.httpStatus, 200);
    assert.equal(call.provider, 'stand-in');
  });

  it('waits out a Retry-After within the cap before the next attempt', async () => {
    reset();
    harness.upstream.setFault({ kind: 'status', status: 429, retryAfter: 1, count: 1 });
    const started = performance.now();
    const result = await post('gpt-4o-mini', 'retry-after-1s');
    const elapsedMs = performance.now() - started;
    assert.equal(result.status, 200);
    assert.equal(result.headers.get('x-understudy-attempts'), '2');
    // Without the header the jittered backoff would be under 10 ms.
    assert.ok(elapsedMs >= 950, `waited ${Math.round(elapsedMs)} ms`);
  });

  it('does not wait for a Retry-After above the cap: the 429 goes back, or the fallback answers', async () => {
    reset();
    harness.upstream.setFault({ kind: 'status', status: 429, retryAfter: 30, count: 1 });
    const limited = await post('gpt-4o-mini', 'retry-after-too-long');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '30');
    assert.equal(limited.headers.get('x-understudy-attempts'), '1');
    assert.equal(harness.upstream.requests.length, 1);
    assert.equal((await loggedCall('retry-after-too-long')).errorClass, 'upstream_429');

    reset();
    harness.upstream.setFault({ kind: 'status', status: 429, retryAfter: 30, count: 1 });
    const fellBack = await post('gpt-4o', 'retry-after-fallback');
    assert.equal(fellBack.status, 200);
    assert.equal(fellBack.headers.get('x-understudy-attempts'), '2');
    assert.equal(fellBack.headers.get('x-understudy-fallback-model'), 'fallback-model');
    assert.equal(harness.upstream.requests.length, 1);
  });

  it('retries a connection reset', async () => {
    reset();
    harness.upstream.setFault({ kind: 'reset', count: 1 });
    const result = await post('gpt-4o-mini', 'retry-reset');
    assert.equal(result.status, 200);
    assert.equal(result.headers.get('x-understudy-attempts'), '2');
  });

  it('answers a timeout with 504 at once when retryOnTimeout is off', async () => {
    reset();
    harness.upstream.setFault({ kind: 'hang', count: 2 });
    const result = await post('gpt-4o-mini', 'timeout-no-retry');
    assert.equal(result.status, 504);
    assert.equal((result.body.error as { code: string }).code, 'upstream_timeout');
    assert.equal(result.headers.get('x-understudy-attempts'), '1');
    assert.equal(harness.upstream.requests.length, 1);
    const call = await loggedCall('timeout-no-retry');
    assert.equal(call.errorClass, 'upstream_timeout');
  });

  it('passes a client error back unchanged, neither retried nor sent to the fallback', async () => {
    reset();
    const providerBody = { error: { message: 'Invalid value for temperature.', type: 'invalid_request_error', param: 'temperature', code: null } };
    harness.upstream.setFault({ kind: 'status', status: 400, body: providerBody, count: 2 });
    const result = await post('gpt-4o', 'client-error');
    assert.equal(result.status, 400);
    assert.deepEqual(result.body, providerBody);
    assert.equal(result.headers.get('x-understudy-attempts'), '1');
    assert.equal(result.headers.get('x-understudy-fallback-model'), null);
    assert.equal(harness.upstream.requests.length, 1);
    assert.equal(harness.fallbackUpstream?.requests.length, 0);
  });

  it('falls back to the next model on its own provider once the primary is down, and logs that provider', async () => {
    reset();
    harness.upstream.setFault({ kind: 'status', status: 503 });
    const result = await post('gpt-4o', 'fallback-answers');
    assert.equal(result.status, 200);
    assert.equal(result.headers.get('x-understudy-attempts'), '4');
    assert.equal(result.headers.get('x-understudy-fallback-model'), 'fallback-model');
    assert.equal(result.body.model, 'fallback-model');
    assert.equal(harness.upstream.requests.length, 3);
    const [sent] = harness.fallbackUpstream?.requests ?? [];
    assert.ok(sent);
    assert.deepEqual(JSON.parse(sent.body), { model: 'fallback-model', messages: [{ role: 'user', content: 'hi' }], temperature: 0.25 });
    assert.equal(sent.headers.authorization, `Bearer ${harness.providerKey}`);
    const call = await loggedCall('fallback-answers');
    assert.equal(call.status, 'ok');
    assert.equal(call.provider, 'fallback-stand-in');

    // Embeddings take the same path.
    harness.upstream.setFault({ kind: 'status', status: 503 });
    const embeddings = await post('gpt-4o', 'fallback-embeddings', '/embeddings');
    assert.equal(embeddings.status, 200);
    assert.equal(embeddings.headers.get('x-understudy-fallback-model'), 'fallback-model');
  });

  it('gives the client the last failure when every model fails, logged under the last provider', async () => {
    reset();
    harness.upstream.setFault({ kind: 'status', status: 503 });
    harness.fallbackUpstream?.setFault({ kind: 'status', status: 502 });
    const result = await post('gpt-4o', 'all-down');
    assert.equal(result.status, 502);
    assert.equal(result.headers.get('x-understudy-attempts'), '6');
    assert.equal(result.headers.get('x-understudy-fallback-model'), 'fallback-model');
    const call = await loggedCall('all-down');
    assert.equal(call.errorClass, 'upstream_5xx');
    assert.equal(call.httpStatus, 502);
    assert.equal(call.provider, 'fallback-stand-in');
  });

  it('stops retrying when the client goes away during a backoff', async () => {
    reset();
    harness.upstream.setFault({ kind: 'status', status: 503, retryAfter: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    await assert.rejects(post('gpt-4o-mini', 'client-gone', '/chat/completions', controller.signal));
    const call = await loggedCall('client-gone');
    assert.equal(call.status, 'cancelled');
    assert.equal(call.errorClass, 'client_cancelled');
    assert.equal(harness.upstream.requests.length, 1);
  });

  it('retries a stream refused before its headers, never one that has started', async () => {
    reset();
    harness.upstream.setFault({ kind: 'status', status: 503, count: 1 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }, { headers: { 'x-understudy-task': 'stream-retried' } })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.ok(text.length > 0);
    assert.equal(response.headers.get('x-understudy-attempts'), '2');
    assert.equal((await loggedCall('stream-retried')).status, 'ok');

    reset();
    harness.upstream.setFault({ kind: 'truncate-stream', afterEvents: 2, count: 1 });
    const broken = await client.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { headers: { 'x-understudy-task': 'stream-broken' } },
    );
    // The official client reads our closing error event as an APIError with its message, not a hang or a bare network error.
    await assert.rejects(
      async () => {
        for await (const _chunk of broken) {
          // drain until the error event
        }
      },
      (error: unknown) => error instanceof OpenAI.APIError && /broke off the stream/.test(error.message),
    );
    assert.equal(harness.upstream.requests.length, 1);
    assert.equal(harness.fallbackUpstream?.requests.length, 0);
    const call = await loggedCall('stream-broken');
    assert.equal(call.status, 'error');
    assert.equal(call.errorClass, 'stream_interrupted');
  });

  it('refuses a config whose fallbacks list the model itself, or that retries client errors', () => {
    assert.throws(() => parseConfig({ fallbacks: { 'gpt-4o': ['gpt-4o-mini', 'gpt-4o'] } }, 'test'), (error) => isUnderstudyError(error, 'config_invalid'));
    assert.throws(() => parseConfig({ gateway: { retries: { retryOnStatus: [400, 503] } } }, 'test'), (error) => isUnderstudyError(error, 'config_invalid'));
    assert.deepEqual(parseConfig({ fallbacks: { 'gpt-4o': ['gpt-4o-mini'] } }, 'test').fallbacks, { 'gpt-4o': ['gpt-4o-mini'] });
  });
});
