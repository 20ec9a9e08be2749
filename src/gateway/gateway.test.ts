/**
 * The gateway as a drop-in: the official `openai` client, pointed at it by base URL only, gets the same
 * answers it would get from the provider — non-streaming, streaming, tool calls, json_schema — and every
 * call lands in the store with its tags, tokens, cost and timings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { createTestCallRecord } from '../store/internal/call-record-fixture.ts';
import { startTestGateway, type TestGateway } from './testing/start-test-gateway.ts';

describe('gateway with the official openai client', () => {
  let harness: TestGateway;
  let client: OpenAI;

  before(async () => {
    harness = await startTestGateway();
    client = new OpenAI({ baseURL: harness.gateway.baseUrl, apiKey: harness.apiKey, maxRetries: 0 });
  });
  after(async () => harness.close());

  async function storedCall(id: string) {
    await harness.gateway.logWriter.flush();
    const call = await harness.gateway.store.calls.get(id);
    assert.ok(call, `call ${id} is stored`);
    return call;
  }

  it('passes a non-streaming completion through and logs it with tags, tokens and cost', async () => {
    const { data: completion, response } = await client.chat.completions
      .create(
        { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hi' }], user: 'end-user-7' },
        { headers: { 'x-understudy-task': 'greet', 'x-understudy-episode': 'episode-1' } },
      )
      .withResponse();
    assert.equal(completion.object, 'chat.completion');
    assert.ok(completion.choices[0]?.message.content);
    const callId = response.headers.get('x-understudy-call-id');
    assert.ok(callId);
    const call = await storedCall(callId);
    assert.equal(call.source, 'gateway');
    assert.equal(call.projectId, 'test');
    assert.equal(call.task, 'greet');
    assert.equal(call.episodeId, 'episode-1');
    assert.equal(call.endUserId, 'end-user-7');
    assert.equal(call.status, 'ok');
    assert.equal(call.httpStatus, 200);
    assert.equal(call.provider, 'stand-in');
    assert.equal(call.stream, false);
    assert.equal(call.tokensIn, completion.usage?.prompt_tokens);
    assert.equal(call.tokensOut, completion.usage?.completion_tokens);
    assert.equal(call.tokensEstimated, false);
    assert.ok(call.costUsd !== null && call.costUsd > 0, 'gpt-4o-mini has a price');
    assert.deepEqual(call.response, completion);
    assert.deepEqual((call.request as { messages: unknown }).messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hi' },
    ]);
    assert.ok(call.latencyMs > 0);
    // The provider got the provider key, never the gateway key or our tag headers.
    const forwarded = harness.upstream.requests.at(-1)!;
    assert.equal(forwarded.headers['authorization'], `Bearer ${harness.providerKey}`);
    assert.equal(forwarded.headers['x-understudy-task'], undefined);
  });

  it('streams chunk by chunk, reassembles the stream for the log and records time to first token', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Tell me a story' }],
      stream: true,
      stream_options: { include_usage: true },
      metadata: { understudy_task: 'story', understudy_episode: 'episode-2' },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    let id = '';
    for await (const chunk of stream) {
      chunks += 1;
      id = chunk.id;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(chunks > 3, 'several chunks arrived');
    assert.ok(text.length > 0);
    await harness.gateway.logWriter.flush();
    const [call] = await harness.gateway.store.calls.list({ task: 'story', limit: 1 });
    assert.ok(call);
    assert.equal(call.stream, true);
    assert.equal(call.status, 'ok');
    assert.equal(call.episodeId, 'episode-2');
    const response = call.response as OpenAI.ChatCompletion;
    assert.equal(response.id, id);
    assert.equal(response.choices[0]?.message.content, text);
    assert.equal(response.choices[0]?.finish_reason, 'stop');
    assert.equal(call.tokensOut, usage?.completion_tokens);
    assert.ok(call.ttftMs !== null && call.ttftMs <= call.latencyMs);
    // Our tags in metadata never reach the provider.
    const forwarded = JSON.parse(harness.upstream.requests.at(-1)!.body) as { metadata?: Record<string, string> };
    assert.equal(forwarded.metadata, undefined);
  });

  it('passes tool calls through and logs them', async () => {
    const completion = await client.chat.completions.create(
      {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [
          {
            type: 'function',
            function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
          },
        ],
        tool_choice: 'auto',
      },
      { headers: { 'x-understudy-task': 'weather-tool' } },
    );
    const toolCall = completion.choices[0]?.message.tool_calls?.[0];
    assert.ok(toolCall && toolCall.type === 'function');
    assert.equal(toolCall.function.name, 'get_weather');
    await harness.gateway.logWriter.flush();
    const [call] = await harness.gateway.store.calls.list({ task: 'weather-tool', limit: 1 });
    assert.equal(call?.finishReason, 'tool_calls');
    assert.deepEqual((call?.response as OpenAI.ChatCompletion).choices[0]?.message.tool_calls, completion.choices[0]?.message.tool_calls);
    assert.equal(((call?.request as { tools: unknown[] }).tools).length, 1);
  });

  it('streams tool calls and reassembles their arguments', async () => {
    const stream = await client.chat.completions.create(
      {
        model: 'gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: 'Look up order 42' }],
        tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { order_id: { type: 'string' } } } } }],
      },
      { headers: { 'x-understudy-task': 'stream-tool' } },
    );
    let argumentsText = '';
    for await (const chunk of stream) argumentsText += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    await harness.gateway.logWriter.flush();
    const [call] = await harness.gateway.store.calls.list({ task: 'stream-tool', limit: 1 });
    const toolCall = (call?.response as OpenAI.ChatCompletion).choices[0]?.message.tool_calls?.[0];
    assert.ok(toolCall && toolCall.type === 'function');
    assert.equal(toolCall.function.name, 'lookup_order');
    assert.equal(toolCall.function.arguments, argumentsText);
    assert.equal(call?.tokensEstimated, true, 'no include_usage: tokens are counted by us');
    assert.ok((call?.tokensOut ?? 0) > 0);
  });

  it('passes json_schema structured output through and logs it', async () => {
    const completion = await client.chat.completions.create(
      {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Extract: Ada, ada@example.com' }],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'contact',
            strict: true,
            schema: { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string' } }, required: ['name', 'email'], additionalProperties: false },
          },
        },
      },
      { headers: { 'x-understudy-task': 'extract' } },
    );
    const content = JSON.parse(completion.choices[0]?.message.content ?? '{}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(content).sort(), ['email', 'name']);
    await harness.gateway.logWriter.flush();
    const [call] = await harness.gateway.store.calls.list({ task: 'extract', limit: 1 });
    assert.equal((call?.request as { response_format: { type: string } }).response_format.type, 'json_schema');
    assert.equal((call?.response as OpenAI.ChatCompletion).choices[0]?.message.content, completion.choices[0]?.message.content);
  });

  it('keeps n and logprobs fields intact', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], n: 2, logprobs: true, top_logprobs: 2 });
    assert.equal(completion.choices.length, 2);
    assert.ok(completion.choices[0]?.logprobs?.content?.length);
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], n: 2, stream: true, logprobs: true });
    const seen = new Set<number>();
    for await (const chunk of stream) for (const choice of chunk.choices) seen.add(choice.index);
    assert.deepEqual([...seen].sort(), [0, 1]);
    await harness.gateway.logWriter.flush();
    const [call] = await harness.gateway.store.calls.list({ limit: 1 });
    const response = call?.response as OpenAI.ChatCompletion;
    assert.equal(response.choices.length, 2);
    assert.ok(response.choices[0]?.logprobs?.content?.length, 'stream logprobs are reassembled');
  });

  it('passes /v1/models and /v1/embeddings through', async () => {
    const models = await client.models.list();
    assert.ok(models.data.some((model) => model.id === 'gpt-4o-mini'));
    const embeddings = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    assert.equal(embeddings.data.length, 2);
    assert.ok(embeddings.data[0]!.embedding.length > 0);
  });

  it('accepts calls from SDK listeners on the ingest endpoint, under the key\'s project', async () => {
    const before = await harness.gateway.store.calls.count({ source: 'sdk' });
    const record = createTestCallRecord({ id: `sdk-${Date.now()}`, source: 'sdk', projectId: 'someone-else', episodeId: 'sdk-episode' });
    const response = await fetch(`${harness.gateway.baseUrl}/understudy/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${harness.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ calls: [record] }),
    });
    assert.deepEqual(await response.json(), { accepted: 1 });
    await harness.gateway.logWriter.flush();
    assert.equal(await harness.gateway.store.calls.count({ source: 'sdk' }), before + 1);
    assert.equal((await harness.gateway.store.calls.get(record.id))?.projectId, 'test');
  });
});
