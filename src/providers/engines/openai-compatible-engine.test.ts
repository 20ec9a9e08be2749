import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { isUnderstudyError } from '../../contracts/errors.ts';
import { startFixedUpstream } from '../../simulate/fixed-upstream.ts';
import { createOpenAICompatibleEngine } from './openai-compatible-engine.ts';

const messages = [
  { role: 'system' as const, content: 'You extract orders.' },
  { role: 'user' as const, content: 'Two lattes for Ana.' },
];

function lastBody(requests: Array<{ body: string }>): Record<string, unknown> {
  const last = requests.at(-1);
  assert.ok(last, 'a request reached the server');
  return JSON.parse(last.body) as Record<string, unknown>;
}

/** A port nothing listens on: bind one, note it, close it. */
async function findClosedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

test('plain text: greedy by default, content, finish reason, tokens and latency mapped', async (t) => {
  const upstream = await startFixedUpstream({ replyText: 'Two lattes, name Ana.' });
  const engine = createOpenAICompatibleEngine({ baseUrl: `${upstream.url}/`, model: 'qwen3:1.7b', apiKey: 'local-key' });
  t.after(async () => {
    await engine.close();
    await upstream.close();
  });
  const result = await engine.complete({ messages, maxTokens: 64 });
  assert.equal(result.content, 'Two lattes, name Ana.');
  assert.deepEqual(result.toolCalls, []);
  assert.equal(result.finishReason, 'stop');
  assert.ok(result.tokens.prompt > 0 && result.tokens.completion > 0);
  assert.equal(result.logprobs, null);
  assert.ok(result.latencyMs >= 0);
  assert.equal(engine.kind, 'openai-compatible');
  assert.equal(engine.model, 'qwen3:1.7b');

  const request = upstream.requests.at(-1);
  assert.equal(request?.path, '/v1/chat/completions');
  assert.equal(request?.headers.authorization, 'Bearer local-key');
  const body = lastBody(upstream.requests);
  assert.equal(body.model, 'qwen3:1.7b');
  assert.equal(body.temperature, 0);
  assert.equal(body.max_tokens, 64);
  assert.equal(body.stream, false);
  assert.equal('logprobs' in body, false);
  assert.equal('response_format' in body, false);
});

test('json_schema goes out as response_format and the schema-shaped answer comes back', async (t) => {
  const upstream = await startFixedUpstream();
  const engine = createOpenAICompatibleEngine({ baseUrl: upstream.url, model: 'smollm2' });
  t.after(async () => {
    await engine.close();
    await upstream.close();
  });
  const schema = { type: 'object', properties: { item: { type: 'string' }, quantity: { type: 'integer' } }, required: ['item', 'quantity'] };
  const result = await engine.complete({ messages, responseFormat: { type: 'json_schema', name: 'order', schema } });
  const parsed = JSON.parse(result.content ?? '') as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), ['item', 'quantity']);
  const body = lastBody(upstream.requests);
  assert.deepEqual(body.response_format, { type: 'json_schema', json_schema: { name: 'order', schema, strict: true } });
});

test('without response_format support, JSON is asked for in the system prompt and checked after', async (t) => {
  const upstream = await startFixedUpstream({ replyText: '```json\n{"item":"latte","quantity":2}\n```' });
  const engine = createOpenAICompatibleEngine({ baseUrl: upstream.url, model: 'old-server', supports: { jsonSchema: false } });
  t.after(async () => {
    await engine.close();
    await upstream.close();
  });
  const schema = { type: 'object', properties: { item: { type: 'string' } } };
  const result = await engine.complete({ messages, responseFormat: { type: 'json_schema', schema } });
  assert.equal(result.content, '{"item":"latte","quantity":2}');
  const body = lastBody(upstream.requests);
  assert.equal('response_format' in body, false);
  const sent = body.messages as Array<{ role: string; content: string }>;
  assert.equal(sent.length, 2);
  assert.equal(sent[0]?.role, 'system');
  assert.match(sent[0]?.content ?? '', /^Answer with one JSON object only[\s\S]*"item"[\s\S]*You extract orders\.$/);

  const prose = await startFixedUpstream({ replyText: 'Sure! Two lattes.' });
  const proseEngine = createOpenAICompatibleEngine({ baseUrl: prose.url, model: 'old-server', supports: { jsonSchema: false } });
  t.after(async () => {
    await proseEngine.close();
    await prose.close();
  });
  await assert.rejects(proseEngine.complete({ messages, responseFormat: { type: 'json_object' } }), (error: unknown) => {
    assert.ok(isUnderstudyError(error, 'upstream_error'));
    assert.match(error.message, /asked for a JSON object but answered: Sure! Two lattes\./);
    return true;
  });
});

test('tools force a call with tool_choice required and the call is mapped', async (t) => {
  const upstream = await startFixedUpstream();
  const engine = createOpenAICompatibleEngine({ baseUrl: upstream.url, model: 'xlam-2-1b' });
  t.after(async () => {
    await engine.close();
    await upstream.close();
  });
  const tools = [
    {
      type: 'function' as const,
      function: { name: 'place_order', parameters: { type: 'object', properties: { item: { type: 'string' } }, required: ['item'] } },
    },
  ];
  const result = await engine.complete({ messages, tools });
  assert.equal(result.finishReason, 'tool_calls');
  assert.equal(result.content, null);
  assert.equal(result.toolCalls.length, 1);
  assert.equal(result.toolCalls[0]?.name, 'place_order');
  assert.deepEqual(Object.keys(JSON.parse(result.toolCalls[0]?.arguments ?? '') as object), ['item']);
  const body = lastBody(upstream.requests);
  assert.equal(body.tool_choice, 'required');
  assert.deepEqual(body.tools, tools);

  const toolless = createOpenAICompatibleEngine({ baseUrl: upstream.url, model: 'plain', supports: { tools: false } });
  t.after(() => toolless.close());
  await assert.rejects(toolless.complete({ messages, tools }), (error: unknown) => isUnderstudyError(error, 'invalid_request'));
});

test('logprobs are requested when supported and read from choices[0].logprobs.content', async (t) => {
  const upstream = await startFixedUpstream({ replyText: 'latte x2' });
  const engine = createOpenAICompatibleEngine({ baseUrl: upstream.url, model: 'qwen3:0.6b' });
  const without = createOpenAICompatibleEngine({ baseUrl: upstream.url, model: 'qwen3:0.6b', supports: { logprobs: false } });
  t.after(async () => {
    await engine.close();
    await without.close();
    await upstream.close();
  });
  const result = await engine.complete({ messages, logprobs: true });
  assert.equal(lastBody(upstream.requests).logprobs, true);
  assert.deepEqual(result.logprobs?.map((entry) => entry.token), ['latte', ' x2']);
  for (const entry of result.logprobs ?? []) assert.ok(entry.logprob < 0);

  const unsupported = await without.complete({ messages, logprobs: true });
  assert.equal('logprobs' in lastBody(upstream.requests), false);
  assert.equal(unsupported.logprobs, null);
});

test('an adapter selects the served model name (vLLM multi-LoRA)', async (t) => {
  const upstream = await startFixedUpstream();
  const engine = createOpenAICompatibleEngine({ baseUrl: upstream.url, model: 'Qwen/Qwen3-1.7B' });
  t.after(async () => {
    await engine.close();
    await upstream.close();
  });
  await engine.complete({ messages, adapter: 'order-extractor-v3' });
  assert.equal(lastBody(upstream.requests).model, 'order-extractor-v3');
  await engine.complete({ messages });
  assert.equal(lastBody(upstream.requests).model, 'Qwen/Qwen3-1.7B');
});

test('errors: unreachable names the URL, non-2xx carries status and message, malformed and truncated bodies, timeout', async (t) => {
  const port = await findClosedPort();
  const nowhere = createOpenAICompatibleEngine({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' });
  t.after(() => nowhere.close());
  await assert.rejects(nowhere.complete({ messages }), (error: unknown) => {
    assert.ok(isUnderstudyError(error, 'upstream_unreachable'));
    assert.match(error.message, new RegExp(`http://127\\.0\\.0\\.1:${port}/v1/chat/completions is unreachable`));
    return true;
  });

  const upstream = await startFixedUpstream();
  const engine = createOpenAICompatibleEngine({ baseUrl: upstream.url, model: 'm', timeoutMs: 200 });
  t.after(async () => {
    await engine.close();
    await upstream.close();
  });
  upstream.setFault({ kind: 'status', status: 404, body: { error: { message: 'model "m" not found, try pulling it first', type: 'api_error' } }, count: 1 });
  await assert.rejects(engine.complete({ messages }), (error: unknown) => {
    assert.ok(isUnderstudyError(error, 'upstream_error'));
    assert.match(error.message, /answered 404 for model "m": model "m" not found, try pulling it first/);
    return true;
  });

  upstream.setFault({ kind: 'status', status: 400, body: { object: 'error', message: 'The model `m` does not exist.', code: 404 }, count: 1 });
  await assert.rejects(engine.complete({ messages }), /answered 400 for model "m": The model `m` does not exist\./);

  upstream.setFault({ kind: 'status', status: 200, body: '<html>proxy</html>', count: 1 });
  await assert.rejects(engine.complete({ messages }), (error: unknown) => {
    assert.ok(isUnderstudyError(error, 'upstream_error'));
    assert.match(error.message, /a body that is not JSON: <html>proxy<\/html>/);
    return true;
  });

  upstream.setFault({ kind: 'status', status: 200, body: { choices: [] }, count: 1 });
  await assert.rejects(engine.complete({ messages }), /JSON that is not a chat completion/);

  upstream.setFault({ kind: 'truncate-stream', count: 1 });
  await assert.rejects(engine.complete({ messages }), (error: unknown) => {
    assert.ok(isUnderstudyError(error, 'upstream_unreachable'));
    assert.match(error.message, /dropped the connection mid-answer/);
    return true;
  });

  upstream.setFault({ kind: 'hang', count: 1 });
  await assert.rejects(engine.complete({ messages }), (error: unknown) => {
    assert.ok(isUnderstudyError(error, 'upstream_timeout'));
    assert.match(error.message, /did not answer within 200 ms/);
    return true;
  });

  upstream.setFault({ kind: 'hang', count: 1 });
  const controller = new AbortController();
  const received = upstream.requests.length;
  const pending = engine.complete({ messages, signal: controller.signal });
  // Abort only once the server holds the request, so the hang fault is used up by this call.
  while (upstream.requests.length === received) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort();
  await assert.rejects(pending, (error: unknown) => error instanceof Error && error.name === 'AbortError');

  const result = await engine.complete({ messages });
  assert.equal(result.finishReason, 'stop');
});

test('a base URL that is not http(s) is a configuration error', () => {
  assert.throws(() => createOpenAICompatibleEngine({ baseUrl: 'localhost:11434', model: 'm' }), (error: unknown) => isUnderstudyError(error, 'config_invalid'));
  assert.throws(() => createOpenAICompatibleEngine({ baseUrl: 'not a url', model: 'm' }), (error: unknown) => isUnderstudyError(error, 'config_invalid'));
});
