/**
 * A served specialist answer must read, through the official `openai` client, exactly like the LLM's: each case
 * sends the built completion over a real loopback HTTP server and reads it back with `chat.completions.create`.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { chatCompletionResponseSchema, type ChatCompletion } from '../contracts/chat-completion.ts';
import type { EngineResult } from '../providers/engines/specialist-engine.ts';
import { specialistCompletion } from './specialist-completion.ts';

function engineResult(overrides: Partial<EngineResult>): EngineResult {
  return {
    content: null,
    toolCalls: [],
    finishReason: 'stop',
    tokens: { prompt: 52, completion: 7 },
    logprobs: null,
    latencyMs: 18,
    ...overrides,
  };
}

describe('specialistCompletion', () => {
  let server: Server;
  let client: OpenAI;
  /** What the loopback server answers next. */
  let reply: ChatCompletion | null = null;
  const requestBodies: string[] = [];

  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (piece: string) => (body += piece));
      request.on('end', () => {
        requestBodies.push(body);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'test-key', maxRetries: 0 });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function roundTrip(completion: ChatCompletion) {
    reply = completion;
    return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my refund?' }] });
  }

  it('a content answer reads back through the official client', async () => {
    const completion = specialistCompletion(engineResult({ content: 'billing', tokens: { prompt: 40, completion: 2 } }), { model: 'gpt-4o-mini' });
    const received = await roundTrip(completion);
    assert.match(received.id, /^chatcmpl-[0-9a-f]{24}$/);
    assert.equal(received.object, 'chat.completion');
    assert.equal(received.model, 'gpt-4o-mini');
    assert.ok(Number.isInteger(received.created) && Math.abs(received.created - Date.now() / 1000) < 60);
    assert.equal(received.choices.length, 1);
    const choice = received.choices[0];
    assert.equal(choice?.index, 0);
    assert.equal(choice?.finish_reason, 'stop');
    assert.deepEqual(choice?.message, { role: 'assistant', content: 'billing', refusal: null });
    assert.deepEqual(received.usage, { prompt_tokens: 40, completion_tokens: 2, total_tokens: 42 });
    assert.deepEqual({ ...received }, completion, 'the client sees exactly what was built');
    assert.equal(JSON.parse(requestBodies.at(-1) ?? '{}').model, 'gpt-4o-mini');
  });

  it('a tool-call answer with two parallel calls gets call_ ids, type function and finish_reason tool_calls', async () => {
    const completion = specialistCompletion(
      engineResult({
        finishReason: 'tool_calls',
        toolCalls: [
          { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
        ],
      }),
      { model: 'gpt-4o-mini' },
    );
    const received = await roundTrip(completion);
    const choice = received.choices[0];
    assert.equal(choice?.finish_reason, 'tool_calls');
    assert.equal(choice?.message.content, null);
    const calls = choice?.message.tool_calls ?? [];
    assert.equal(calls.length, 2);
    for (const call of calls) {
      assert.match(call.id, /^call_[0-9a-f]{24}$/);
      assert.equal(call.type, 'function');
    }
    assert.notEqual(calls[0]?.id, calls[1]?.id);
    const functions = calls.map((call) => (call.type === 'function' ? call.function : null));
    assert.deepEqual(functions, [
      { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
    ]);
    assert.deepEqual(received.usage, { prompt_tokens: 52, completion_tokens: 7, total_tokens: 59 });
  });

  it('reports a cut answer as length, tool call or not', async () => {
    const cutText = specialistCompletion(engineResult({ content: 'The ans', finishReason: 'length' }), { model: 'm' });
    assert.equal((await roundTrip(cutText)).choices[0]?.finish_reason, 'length');
    const cutCall = specialistCompletion(
      engineResult({ finishReason: 'length', toolCalls: [{ name: 'lookup', arguments: '{"order_id":"A1' }] }),
      { model: 'm' },
    );
    const received = await roundTrip(cutCall);
    assert.equal(received.choices[0]?.finish_reason, 'length');
    assert.equal(received.choices[0]?.message.tool_calls?.length, 1);
  });

  it('reports stop for a content answer whatever finish reason the engine claimed without tool calls', () => {
    const completion = specialistCompletion(engineResult({ content: 'ok', finishReason: 'tool_calls' }), { model: 'm' });
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
    assert.equal('tool_calls' in (completion.choices[0]?.message ?? {}), false);
  });

  it('uses the given id and created, and mints fresh ids otherwise', () => {
    const result = engineResult({ content: 'x', toolCalls: [{ name: 'f', arguments: '{}' }] });
    const fixed = specialistCompletion(result, { model: 'm', id: 'chatcmpl-fixed', created: 1750000000 });
    assert.equal(fixed.id, 'chatcmpl-fixed');
    assert.equal(fixed.created, 1750000000);
    const first = specialistCompletion(result, { model: 'm' });
    const second = specialistCompletion(result, { model: 'm' });
    assert.notEqual(first.id, second.id);
    assert.notEqual(first.choices[0]?.message.tool_calls?.[0]?.id, second.choices[0]?.message.tool_calls?.[0]?.id);
  });

  it('passes the loose response check the capture applies to upstream answers', () => {
    const completion = specialistCompletion(engineResult({ content: 'fine' }), { model: 'm' });
    assert.equal(chatCompletionResponseSchema.safeParse(completion).success, true);
  });
});
