/**
 * The fixed upstream must satisfy the official `openai` client, which is how we know its wire format is
 * right: every case below goes through the real client's request building and response parsing.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startFixedUpstream, type FixedUpstream } from './fixed-upstream.ts';

describe('startFixedUpstream', () => {
  let upstream: FixedUpstream;
  let client: OpenAI;

  before(async () => {
    upstream = await startFixedUpstream();
    client = new OpenAI({ baseURL: upstream.url, apiKey: 'provider-key', maxRetries: 0 });
  });
  after(() => upstream.close());
  beforeEach(() => {
    upstream.setFault(null);
    upstream.requests.length = 0;
  });

  it('answers a chat completion with usage, echoing the model, and records the request', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    assert.equal(completion.object, 'chat.completion');
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.model, 'gpt-4o-mini');
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
    assert.ok(completion.choices[0]?.message.content?.startsWith('This is a fixed reply'));
    assert.ok((completion.usage?.prompt_tokens ?? 0) > 0);
    assert.equal(completion.usage?.total_tokens, (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));

    const recorded = upstream.requests[0];
    assert.equal(recorded?.method, 'POST');
    assert.equal(recorded?.path, '/v1/chat/completions');
    assert.equal(recorded?.headers.authorization, 'Bearer provider-key');
    assert.equal(JSON.parse(recorded?.body ?? '{}').messages[0].content, 'Hello there');
  });

  it('gives every response a distinct id', async () => {
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    const [first, second] = await Promise.all([client.chat.completions.create(request), client.chat.completions.create(request)]);
    assert.notEqual(first.id, second.id);
  });

  it('streams content deltas, a finish chunk and a final usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    assert.ok(text.startsWith('This is a fixed reply'));
    assert.ok(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length > 3, 'several content deltas');
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, 'stop');
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.ok((last?.usage?.completion_tokens ?? 0) > 0);
    assert.ok(new Set(chunks.map((chunk) => chunk.id)).size === 1);
  });

  it('calls the first tool with arguments built from its parameters, plain and streamed', async () => {
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer' } },
            required: ['city', 'unit', 'days'],
          },
        },
      },
      { type: 'function', function: { name: 'other' } },
    ];
    const messages = [{ role: 'user' as const, content: 'Weather in Paris?' }];
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages, tools });
    const choice = completion.choices[0];
    assert.equal(choice?.finish_reason, 'tool_calls');
    assert.equal(choice?.message.content, null);
    const call = choice?.message.tool_calls?.[0];
    assert.ok(call?.type === 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'example', unit: 'celsius', days: 1 });

    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, tools, stream: true });
    let argumentsText = '';
    let argumentDeltas = 0;
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      if (delta?.function?.arguments) {
        argumentsText += delta.function.arguments;
        argumentDeltas += 1;
      }
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    assert.ok(argumentDeltas > 1, 'arguments are split across chunks');
    assert.deepEqual(JSON.parse(argumentsText), { city: 'example', unit: 'celsius', days: 1 });
    assert.equal(finishReason, 'tool_calls');
  });

  it('fills a json_schema with its required properties, nested objects included', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Extract' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'invoice',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              vendor: { type: 'string' },
              total: { type: 'number' },
              paid: { type: 'boolean' },
              lines: { type: 'array', items: { type: 'string' } },
              status: { enum: ['open', 'closed'] },
              address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
            },
            required: ['vendor', 'total', 'paid', 'lines', 'status', 'address'],
            additionalProperties: false,
          },
        },
      },
    });
    assert.deepEqual(JSON.parse(completion.choices[0]?.message.content ?? ''), {
      vendor: 'example',
      total: 1,
      paid: true,
      lines: [],
      status: 'open',
      address: { city: 'example' },
    });
  });

  it('answers json_object, n choices and logprobs', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'JSON please' }],
      response_format: { type: 'json_object' },
      n: 2,
      logprobs: true,
      top_logprobs: 2,
    });
    assert.equal(completion.choices.length, 2);
    assert.deepEqual(completion.choices.map((choice) => choice.index), [0, 1]);
    assert.equal(completion.choices[1]?.message.content, '{"result":"ok"}');
    const tokens = completion.choices[0]?.logprobs?.content ?? [];
    assert.equal(tokens.map((token) => token.token).join(''), '{"result":"ok"}');
    assert.equal(tokens[0]?.top_logprobs.length, 2);
  });

  it('lists models and returns deterministic embeddings (base64 default and float)', async () => {
    const models = await client.models.list();
    assert.ok(models.data.some((model) => model.id === 'gpt-4o-mini'));

    const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], encoding_format: 'float' });
    assert.equal(decoded.data.length, 2);
    assert.equal(decoded.data[0]?.embedding.length, 64);
    assert.ok((decoded.usage.prompt_tokens ?? 0) > 0);
    const [first, second] = [decoded.data[0]?.embedding ?? [], floats.data[0]?.embedding ?? []];
    first.forEach((value, index) => assert.ok(Math.abs(value - (second[index] ?? 0)) < 1e-6));
    assert.notDeepEqual(floats.data[0]?.embedding, floats.data[1]?.embedding);
    const norm = Math.hypot(...second);
    assert.ok(Math.abs(norm - 1) < 1e-5);
  });

  it('fails on demand: status with Retry-After for N requests, then recovers', async () => {
    upstream.setFault({ kind: 'status', status: 429, retryAfter: 7, count: 1 });
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    await assert.rejects(client.chat.completions.create(request), (error: unknown) => {
      assert.ok(error instanceof OpenAI.RateLimitError);
      assert.equal(error.status, 429);
      assert.equal(error.code, 'rate_limit_exceeded');
      assert.equal(error.headers.get('retry-after'), '7');
      return true;
    });
    const completion = await client.chat.completions.create(request);
    assert.equal(completion.choices[0]?.finish_reason, 'stop');

    upstream.setFault({ kind: 'status', status: 500 });
    await assert.rejects(client.chat.completions.create(request), OpenAI.InternalServerError);
    await assert.rejects(client.chat.completions.create(request), OpenAI.InternalServerError);
  });

  it('resets, truncates streams and hangs', async () => {
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    upstream.setFault({ kind: 'reset', count: 1 });
    await assert.rejects(client.chat.completions.create(request), OpenAI.APIConnectionError);

    upstream.setFault({ kind: 'truncate-stream', afterEvents: 2, count: 1 });
    const stream = await client.chat.completions.create({ ...request, stream: true });
    const received: string[] = [];
    await assert.rejects(async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    });
    assert.equal(received.length, 2);

    upstream.setFault({ kind: 'hang', count: 1 });
    await assert.rejects(client.chat.completions.create(request, { timeout: 100 }), OpenAI.APIConnectionTimeoutError);
  });

  it('sends no usage when told to omit it', async () => {
    const quiet = await startFixedUpstream({ omitUsage: true, chunkDelayMs: 1 });
    try {
      const quietClient = new OpenAI({ baseURL: quiet.url, apiKey: 'key', maxRetries: 0 });
      const completion = await quietClient.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(completion.usage, undefined);
      const stream = await quietClient.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let sawUsage = false;
      for await (const chunk of stream) sawUsage ||= Boolean(chunk.usage);
      assert.equal(sawUsage, false);
    } finally {
      await quiet.close();
    }
  });
});
