/**
 * Access control at the gateway's edge, against real gateways on loopback: keys are scoped to their project and
 * a revocation through the admin API bites at once; each key has its own rate limit and body limit (changed at
 * run time through `PATCH /admin/keys/:id`); browsers from other origins are refused unless
 * `gateway.cors.allowedOrigins` lets them call `/v1`, never `/admin`; and every admin route asks for the admin
 * token even on a loopback bind.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { ApiKeyRecord } from '../store/store.ts';
import { startTestGateway, type TestGateway } from './testing/start-test-gateway.ts';

interface ErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

const chatBody = (content = 'hi'): string => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

/** The gateway's origin (`http://127.0.0.1:port`), what the dashboard at /ui sends as `Origin`. */
function originOf(harness: TestGateway): string {
  return new URL(harness.gateway.baseUrl).origin;
}

async function adminFetch(harness: TestGateway, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${originOf(harness)}/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${harness.adminToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function createKey(harness: TestGateway, input: Record<string, unknown>): Promise<ApiKeyRecord & { secret: string }> {
  const response = await adminFetch(harness, 'POST', '/keys', input);
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()) as ApiKeyRecord & { secret: string };
}

async function chat(harness: TestGateway, secret: string, headers: Record<string, string> = {}, body = chatBody()): Promise<Response> {
  return fetch(`${harness.gateway.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...headers },
    body,
  });
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as ErrorBody).error.code;
}

/** A raw request, so the Host header is ours to choose (fetch will not let us set it). */
function rawRequest(url: string, options: { method: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: options.method, headers: options.headers, agent: false }, (incoming) => {
      let body = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (body += chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

describe('access control with keys required and CORS closed (the defaults)', () => {
  let harness: TestGateway;

  before(async () => {
    // burst 3: a key limited to 3 per minute may send 3 at once, then waits 20 s per request.
    harness = await startTestGateway({ gateway: { bodyLimitBytes: 64 * 1024, rateLimit: { burst: 3 } } });
  });
  after(async () => harness.close());

  it('files calls under the key’s project and refuses a key revoked through the admin API at once', async () => {
    const shopKey = await createKey(harness, { projectId: 'shop', name: 'shop agent' });
    const blogKey = await createKey(harness, { projectId: 'blog', name: 'blog agent' });
    const shop = new OpenAI({ baseURL: harness.gateway.baseUrl, apiKey: shopKey.secret, maxRetries: 0 });
    const blog = new OpenAI({ baseURL: harness.gateway.baseUrl, apiKey: blogKey.secret, maxRetries: 0 });
    const shopCall = await shop.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'shop' }] }).withResponse();
    const blogCall = await blog.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'blog' }] }).withResponse();
    await harness.gateway.logWriter.flush();
    assert.equal((await harness.gateway.store.calls.get(shopCall.response.headers.get('x-understudy-call-id')!))?.projectId, 'shop');
    assert.equal((await harness.gateway.store.calls.get(blogCall.response.headers.get('x-understudy-call-id')!))?.projectId, 'blog');

    // The shop key is in the authenticator's cache now; revoking it through this gateway clears it.
    const revoked = await adminFetch(harness, 'DELETE', `/keys/${shopKey.id}`);
    assert.equal(revoked.status, 200);
    await assert.rejects(shop.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.AuthenticationError);
      assert.equal(error.code, 'invalid_api_key');
      return true;
    });
    assert.equal((await blog.models.list()).data.length > 0, true, 'the other project’s key still works');
  });

  it('limits each key to its own rate; over it: 429 with Retry-After and x-ratelimit headers, before the body is read', async () => {
    const limited = await createKey(harness, { projectId: 'shop', name: 'limited', rateLimitPerMinute: 3 });
    const sameProject = await createKey(harness, { projectId: 'shop', name: 'unlimited' });
    const otherProject = await createKey(harness, { projectId: 'blog', name: 'limited too', rateLimitPerMinute: 3 });
    const client = new OpenAI({ baseURL: harness.gateway.baseUrl, apiKey: limited.secret, maxRetries: 0 });
    for (let index = 0; index < 3; index += 1) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `n${index}` }] });
    const upstreamRequests = harness.upstream.requests.length;

    const refused = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one too many' }] })
      .then(() => assert.fail('the fourth request within a minute is refused'))
      .catch((error: unknown) => error);
    assert.ok(refused instanceof OpenAI.RateLimitError);
    assert.equal(refused.status, 429);
    assert.equal(refused.code, 'rate_limited');
    assert.equal(refused.type, 'rate_limit_error');
    const retryAfter = Number(refused.headers.get('retry-after'));
    // 3 per minute refills one request every 20 s: the wait is whole seconds, rounded up, at most 20.
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 20, `Retry-After ${retryAfter}`);
    assert.equal(refused.headers.get('x-ratelimit-limit-requests'), '3');
    assert.equal(refused.headers.get('x-ratelimit-remaining-requests'), '0');
    assert.match(refused.headers.get('x-ratelimit-reset-requests') ?? '', /^(\d+(\.\d+)?s|1m0s)$/);
    assert.equal(harness.upstream.requests.length, upstreamRequests, 'a refused request never reaches the provider');

    // Every /v1 endpoint draws on the same bucket.
    const embeddings = await fetch(`${harness.gateway.baseUrl}/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${limited.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'x' }),
    });
    assert.equal(embeddings.status, 429);
    const ingest = await fetch(`${harness.gateway.baseUrl}/understudy/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${limited.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ calls: [] }),
    });
    assert.equal(ingest.status, 429);
    const models = await fetch(`${harness.gateway.baseUrl}/models`, { headers: { authorization: `Bearer ${limited.secret}` } });
    assert.equal(models.status, 429);

    // Answered before the body is read: a 1 MB upload is refused with the connection closed, not a 413.
    const big = await chat(harness, limited.secret, {}, chatBody('x'.repeat(1024 * 1024)));
    assert.equal(big.status, 429);
    assert.equal(big.headers.get('connection'), 'close');
    await big.body?.cancel();

    // Other keys have their own buckets, in the same project or another.
    assert.equal((await chat(harness, sameProject.secret)).status, 200);
    assert.equal((await chat(harness, otherProject.secret)).status, 200);

    // Raising the limit through the admin API applies at once (the cached key and its bucket are renewed).
    const patched = await adminFetch(harness, 'PATCH', `/keys/${limited.prefix}`, { rateLimitPerMinute: 600 });
    assert.equal(patched.status, 200);
    assert.equal(((await patched.json()) as ApiKeyRecord).rateLimitPerMinute, 600);
    assert.equal((await chat(harness, limited.secret)).status, 200);
  });

  it('changes limits only through a strict PATCH body, and says which key is unknown', async () => {
    const key = await createKey(harness, { projectId: 'shop', name: 'patched', maxBodyBytes: 2048 });
    assert.equal(key.maxBodyBytes, 2048);
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, 'invalid_request'],
      [{ rateLimitPerMinute: 0 }, 400, 'invalid_request'],
      [{ rateLimitPerMinute: 1.5 }, 400, 'invalid_request'],
      [{ rateLimitPerMinute: 10, burst: 5 }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of cases) {
      const response = await adminFetch(harness, 'PATCH', `/keys/${key.id}`, body);
      assert.equal(response.status, status, JSON.stringify(body));
      assert.equal(await errorCode(response), code);
    }
    const missing = await adminFetch(harness, 'PATCH', '/keys/key_nothing', { maxBodyBytes: null });
    assert.equal(missing.status, 404);
    const cleared = await adminFetch(harness, 'PATCH', `/keys/${key.id}`, { maxBodyBytes: null });
    assert.deepEqual(
      [((await cleared.json()) as ApiKeyRecord).maxBodyBytes, (await harness.gateway.store.apiKeys.list()).find((entry) => entry.id === key.id)?.maxBodyBytes],
      [null, null],
    );
  });

  it('reads a key’s body under the smaller of its own limit and gateway.bodyLimitBytes', async () => {
    const small = await createKey(harness, { projectId: 'shop', name: 'small bodies', maxBodyBytes: 1024 });
    const huge = await createKey(harness, { projectId: 'shop', name: 'asks for more', maxBodyBytes: 10 * 1024 * 1024 });
    const twoKilobytes = chatBody('y'.repeat(2048));
    const refused = await chat(harness, small.secret, {}, twoKilobytes);
    assert.equal(refused.status, 413);
    assert.equal(await errorCode(refused), 'request_too_large');
    assert.equal((await chat(harness, harness.apiKey, {}, twoKilobytes)).status, 200, 'the default limit lets it through');
    // A key's limit never raises the gateway's: 100 KB is over the gateway's 64 KB.
    const overGateway = await chat(harness, huge.secret, {}, chatBody('z'.repeat(100 * 1024)));
    assert.equal(overGateway.status, 413);
    await overGateway.body?.cancel();
    assert.equal((await chat(harness, huge.secret, {}, twoKilobytes)).status, 200);
  });

  it('sends no CORS headers and refuses foreign origins on /v1 and /admin, preflight or not', async () => {
    const plain = await chat(harness, harness.apiKey);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('access-control-allow-origin'), null);

    const preflight = await fetch(`${harness.gateway.baseUrl}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(preflight.status, 403);
    assert.equal(await errorCode(preflight), 'origin_not_allowed');
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);

    // A "simple" cross-site POST (text/plain, no preflight) must not reach the provider even with a valid key.
    const upstreamRequests = harness.upstream.requests.length;
    const crossSite = await chat(harness, harness.apiKey, { origin: 'https://evil.example', 'content-type': 'text/plain' });
    assert.equal(crossSite.status, 403);
    assert.equal(await errorCode(crossSite), 'origin_not_allowed');
    assert.equal(harness.upstream.requests.length, upstreamRequests);
    const adminCrossSite = await fetch(`${originOf(harness)}/admin/keys`, { headers: { authorization: `Bearer ${harness.adminToken}`, origin: 'https://evil.example' } });
    assert.equal(adminCrossSite.status, 403);
    const sandboxed = await chat(harness, harness.apiKey, { origin: 'null' });
    assert.equal(sandboxed.status, 403);

    // The dashboard is served by the gateway itself: its Origin is the gateway's, and it passes.
    const sameOrigin = await fetch(`${originOf(harness)}/admin/summary`, { headers: { authorization: `Bearer ${harness.adminToken}`, origin: originOf(harness) } });
    assert.equal(sameOrigin.status, 200);
    assert.equal(sameOrigin.headers.get('access-control-allow-origin'), null);
    assert.equal((await chat(harness, harness.apiKey, { origin: originOf(harness) })).status, 200);
    // Pages and health are not behind the origin check (a link from anywhere may open the dashboard).
    assert.equal((await fetch(`${originOf(harness)}/health`, { headers: { origin: 'https://evil.example' } })).status, 200);
  });

  it('asks for the admin token on every admin route, on a loopback bind, whatever Host the request names', async () => {
    assert.equal(new URL(harness.gateway.baseUrl).hostname, '127.0.0.1');
    const adminRoutes = harness.gateway.routes.filter((route) => route.path.startsWith('/admin/') && route.method !== 'ALL');
    assert.ok(adminRoutes.length >= 8, `the app lists its admin routes (${adminRoutes.length})`);
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) assert.ok(adminRoutes.some((route) => route.method === method), `a ${method} admin route is walked`);
    const port = new URL(harness.gateway.baseUrl).port;
    for (const route of adminRoutes) {
      const path = route.path.replace(/:[A-Za-z]+/g, 'x').replace(/\*$/, 'x');
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'understudy.internal']) {
        const response = await rawRequest(`${originOf(harness)}${path}`, {
          method: route.method,
          headers: { host, 'content-type': 'application/json', ...(route.method === 'GET' ? {} : { 'content-length': '2' }) },
          ...(route.method === 'GET' ? {} : { body: '{}' }),
        });
        assert.equal(response.status, 401, `${route.method} ${path} (Host ${host})`);
        assert.equal((JSON.parse(response.body) as ErrorBody).error.code, 'invalid_admin_token');
      }
    }
  });
});

describe('access control with CORS open to one origin and no gateway keys', () => {
  let harness: TestGateway;
  const allowed = 'https://app.example.com';

  before(async () => {
    harness = await startTestGateway({ requireApiKey: false, gateway: { cors: { allowedOrigins: [allowed] }, rateLimit: { requestsPerMinute: 2 } } });
  });
  after(async () => harness.close());

  it('answers an allowed origin’s preflight and calls on /v1 with CORS headers, never on /admin', async () => {
    const preflight = await fetch(`${harness.gateway.baseUrl}/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        origin: allowed,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'Authorization, Content-Type, X-Understudy-Task, X-Stainless-OS, X-Something-Else',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), allowed);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
    const allowedHeaders = (preflight.headers.get('access-control-allow-headers') ?? '').split(', ');
    assert.deepEqual(allowedHeaders, ['authorization', 'content-type', 'x-understudy-task', 'x-stainless-os']);
    assert.match(preflight.headers.get('vary') ?? '', /Origin/);

    const call = await fetch(`${harness.gateway.baseUrl}/chat/completions`, { method: 'POST', headers: { origin: allowed, 'content-type': 'application/json' }, body: chatBody() });
    assert.equal(call.status, 200);
    assert.equal(call.headers.get('access-control-allow-origin'), allowed);
    assert.match(call.headers.get('access-control-expose-headers') ?? '', /x-understudy-call-id.*x-ratelimit-remaining-requests/);
    assert.ok(call.headers.get('x-understudy-call-id'));

    const adminPreflight = await fetch(`${new URL(harness.gateway.baseUrl).origin}/admin/keys`, {
      method: 'OPTIONS',
      headers: { origin: allowed, 'access-control-request-method': 'GET' },
    });
    assert.equal(adminPreflight.status, 403);
    const adminCall = await fetch(`${new URL(harness.gateway.baseUrl).origin}/admin/keys`, { headers: { authorization: `Bearer ${harness.adminToken}`, origin: allowed } });
    assert.equal(adminCall.status, 403);
    assert.equal(adminCall.headers.get('access-control-allow-origin'), null);

    const other = await fetch(`${harness.gateway.baseUrl}/models`, { headers: { origin: 'https://app.example.com.evil.example' } });
    assert.equal(other.status, 403);
  });

  it('applies gateway.rateLimit to one shared bucket when there are no keys, and the 429 carries CORS headers', async () => {
    // The test above spent one request; burst defaults to 1 at 2 per minute, so one more is refused now or soon.
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 3 && refused === undefined; attempt += 1) {
      const response = await fetch(`${harness.gateway.baseUrl}/models`, { headers: { origin: allowed } });
      if (response.status === 429) refused = response;
      else await response.body?.cancel();
    }
    assert.ok(refused, 'the shared bucket runs dry');
    assert.equal(await errorCode(refused), 'rate_limited');
    assert.equal(refused.headers.get('x-ratelimit-limit-requests'), '2');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal(refused.headers.get('access-control-allow-origin'), allowed, 'a browser can read why it was refused');
  });
});

describe('a key’s own rate limit over the configured default', () => {
  let harness: TestGateway;

  before(async () => {
    harness = await startTestGateway({ gateway: { rateLimit: { requestsPerMinute: 1 } } });
  });
  after(async () => harness.close());

  it('lets a key with a higher limit of its own through while keys on the default are held to it', async () => {
    const generous = await createKey(harness, { projectId: 'batch', name: 'generous', rateLimitPerMinute: 600 });
    assert.equal((await chat(harness, harness.apiKey)).status, 200);
    const held = await chat(harness, harness.apiKey);
    assert.equal(held.status, 429);
    assert.equal(held.headers.get('x-ratelimit-limit-requests'), '1');
    // 600 per minute: a burst of 60 by default.
    for (let index = 0; index < 3; index += 1) assert.equal((await chat(harness, generous.secret)).status, 200);
  });
});
