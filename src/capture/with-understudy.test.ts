/**
 * `withUnderstudy` drives the real `openai` client against the fixed upstream on loopback and checks the
 * records it logs: what the agent sees must be unchanged, and every call must land in the sink once.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { Stream } from 'openai/streaming';
import { callRecordSchema, type CallRecord } from '../contracts/call-record.ts';
import { startFixedUpstream, type FixedUpstream } from '../simulate/fixed-upstream.ts';
import { withUnderstudy } from './with-understudy.ts';

const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }];

describe('withUnderstudy', () => {
  let upstream: FixedUpstream;
  let raw: OpenAI;
  let client: OpenAI;
  const logged: CallRecord[] = [];
  let episode = 0;

  before(async () => {
    upstream = await startFixedUpstream();
    raw = new OpenAI({ baseURL: upstream.url, apiKey: 'provider-key', maxRetries: 0 });
    client = withUnderstudy(raw, {
      sink: { append: (record) => logged.push(callRecordSchema.parse(record)) },
      projectId: 'project-a',
      task: 'capital-lookup',
      episodeId: () => `episode-${++episode}`,
    });
  });
  after(() => upstream.close());
  beforeEach(() => {
    logged.length = 0;
    upstream.setFault(null);
    upstream.requests.length = 0;
  });

  /** Records are appended after the caller has its answer; give the microtask queue a turn. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('logs a plain completion with tags, tokens, cost and timings, returning the SDK result unchanged', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, user: 'user-7' });
    assert.ok(completion.choices[0]?.message.content?.startsWith('This is a fixed reply'));
    assert.ok(completion._request_id?.startsWith('req_'));
    await settle();
    assert.equal(logged.length, 1);
    const record = logged[0]!;
    assert.equal(record.source, 'sdk');
    assert.equal(record.projectId, 'project-a');
    assert.equal(record.task, 'capital-lookup');
    assert.match(record.episodeId ?? '', /^episode-\d+$/);
    assert.equal(record.endUserId, 'user-7');
    assert.equal(record.status, 'ok');
    assert.equal(record.httpStatus, 200);
    assert.equal(record.model, 'gpt-4o-mini');
    assert.equal(record.provider, `127.0.0.1:${upstream.port}`);
    assert.equal(record.stream, false);
    assert.equal(record.finishReason, 'stop');
    assert.equal(record.tokensIn, completion.usage?.prompt_tokens);
    assert.equal(record.tokensOut, completion.usage?.completion_tokens);
    assert.equal(record.tokensEstimated, false);
    assert.ok((record.costUsd ?? 0) > 0, 'priced from the bundled table');
    assert.equal(record.ttftMs, record.latencyMs);
    assert.deepEqual(record.response, JSON.parse(JSON.stringify(completion)));
  });

  it('takes per-call tags from metadata and does not forward them to the provider', async () => {
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      metadata: { understudy_task: 'override-task', understudy_episode: 'run-42', keep: 'yes' },
    });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages, metadata: { understudy_task: 'only-ours' } });
    await settle();
    assert.equal(logged[0]?.task, 'override-task');
    assert.equal(logged[0]?.episodeId, 'run-42');
    assert.equal(logged[1]?.task, 'only-ours');
    const forwarded = upstream.requests.map((request) => JSON.parse(request.body) as { metadata?: Record<string, string> });
    assert.deepEqual(forwarded[0]?.metadata, { keep: 'yes' });
    assert.equal(forwarded[1]?.metadata, undefined);
    assert.equal(upstream.requests[0]?.headers.authorization, 'Bearer provider-key');
  });

  it('logs a fully read stream as one reassembled completion with time to first token', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.ok(stream instanceof Stream, 'the agent still gets an SDK Stream');
    assert.ok(stream.controller instanceof AbortController);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    await settle();
    assert.equal(logged.length, 1);
    const record = logged[0]!;
    assert.equal(record.stream, true);
    assert.equal(record.status, 'ok');
    const response = record.response as OpenAI.ChatCompletion;
    assert.equal(response.choices[0]?.message.content, text);
    assert.equal(record.finishReason, 'stop');
    assert.equal(record.tokensEstimated, false);
    assert.ok(record.ttftMs !== null && record.ttftMs <= record.latencyMs);
  });

  it('logs a stream the agent stops reading as cancelled, with the partial answer', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let seen = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) seen += 1;
      if (seen === 2) break;
    }
    await settle();
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.status, 'cancelled');
    assert.equal(logged[0]?.errorClass, 'client_cancelled');
    const partial = logged[0]?.response as OpenAI.ChatCompletion;
    assert.equal(partial.choices[0]?.message.content, 'This is');
    assert.equal(logged[0]?.tokensEstimated, true);
  });

  it('keeps the SDK Stream surface: toReadableStream and tee log once', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const [left, right] = stream.tee();
    const lines: string[] = [];
    const reader = left.toReadableStream().getReader();
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      lines.push(new TextDecoder().decode(next.value));
    }
    let rightChunks = 0;
    for await (const _chunk of right) rightChunks += 1;
    assert.equal(lines.length, rightChunks);
    await settle();
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.status, 'ok');
  });

  it('logs tool calls and json_schema answers', async () => {
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      tools: [{ type: 'function', function: { name: 'lookup_capital', parameters: { type: 'object', properties: { country: { type: 'string' } }, required: ['country'] } } }],
    });
    const structured = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      },
    });
    await settle();
    const toolResponse = logged[0]?.response as OpenAI.ChatCompletion;
    const toolCall = toolResponse.choices[0]?.message.tool_calls?.[0];
    assert.ok(toolCall?.type === 'function');
    assert.equal(toolCall.function.name, 'lookup_capital');
    assert.deepEqual(JSON.parse(toolCall.function.arguments), { country: 'example' });
    assert.equal(logged[0]?.finishReason, 'tool_calls');
    assert.deepEqual((logged[0]?.request as { tools?: unknown[] }).tools?.length, 1);
    assert.deepEqual(JSON.parse(structured.choices[0]?.message.content ?? ''), { city: 'example' });
    assert.equal((logged[1]?.request as { response_format?: { type: string } }).response_format?.type, 'json_schema');
  });

  it('logs upstream errors with their class and status, and still throws them to the agent', async () => {
    upstream.setFault({ kind: 'status', status: 500, count: 1 });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages }), OpenAI.InternalServerError);
    upstream.setFault({ kind: 'status', status: 429, count: 1 });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages }), OpenAI.RateLimitError);
    upstream.setFault({ kind: 'status', status: 400, count: 1 });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }), OpenAI.BadRequestError);
    await settle();
    assert.deepEqual(
      logged.map((record) => [record.status, record.errorClass, record.httpStatus]),
      [
        ['error', 'upstream_5xx', 500],
        ['error', 'upstream_429', 429],
        ['error', 'upstream_4xx', 400],
      ],
    );
    assert.match(logged[0]?.errorMessage ?? '', /server had an error/);
    assert.equal(logged[0]?.response, null);
    assert.equal(logged[0]?.costUsd, 0, 'failed calls are not billed');
  });

  it('classifies timeouts, unreachable providers and interrupted streams', async () => {
    upstream.setFault({ kind: 'hang', count: 1 });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages }, { timeout: 100 }), OpenAI.APIConnectionTimeoutError);

    const unreachable = withUnderstudy(new OpenAI({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', maxRetries: 0 }), {
      sink: { append: (record) => logged.push(record) },
    });
    await assert.rejects(unreachable.chat.completions.create({ model: 'gpt-4o-mini', messages }), OpenAI.APIConnectionError);

    upstream.setFault({ kind: 'truncate-stream', afterEvents: 3, count: 1 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    await assert.rejects(async () => {
      for await (const _chunk of stream) {
        // read until the connection drops
      }
    });
    await settle();
    assert.deepEqual(
      logged.map((record) => record.errorClass),
      ['upstream_timeout', 'upstream_unreachable', 'stream_interrupted'],
    );
    assert.equal(logged[1]?.projectId, 'default');
    assert.equal((logged[2]?.response as OpenAI.ChatCompletion | null)?.choices[0]?.message.content, 'This is');
  });

  it('logs requests aborted by the agent as cancelled', async () => {
    upstream.setFault({ kind: 'hang', count: 1 });
    const controller = new AbortController();
    const pending = client.chat.completions.create({ model: 'gpt-4o-mini', messages }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(pending, OpenAI.APIUserAbortError);
    await settle();
    assert.equal(logged[0]?.status, 'cancelled');
    assert.equal(logged[0]?.errorClass, 'client_cancelled');
  });

  it('keeps withResponse, parse and the rest of the client working, and leaves the raw client alone', async () => {
    const { data, response, request_id } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    assert.equal(response.status, 200);
    assert.ok(request_id);
    assert.ok(data.id.startsWith('chatcmpl-'));

    const parsed = await client.chat.completions.parse({
      model: 'gpt-4o-mini',
      messages,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
      },
    });
    assert.deepEqual(parsed.choices[0]?.message.parsed, { city: 'example' });

    const helperStream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages });
    const final = await helperStream.finalChatCompletion();
    assert.ok(final.choices[0]?.message.content?.startsWith('This is a fixed reply'));

    const models = await client.models.list();
    assert.ok(models.data.length > 0);
    assert.ok(client instanceof OpenAI);
    await raw.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await settle();
    assert.equal(logged.length, 3, 'withResponse, parse and the stream helper logged; models and the raw client not');
    assert.equal(logged[2]?.stream, true);
  });
});
