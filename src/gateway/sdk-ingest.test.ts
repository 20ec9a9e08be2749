/**
 * The SDK listeners log into the same store as the gateway: `withUnderstudy` (official openai client) and
 * the AI SDK middleware send their calls through `createIngestSink` to a real gateway's ingest endpoint,
 * streaming included, and the calls land under the gateway key's project.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { createIngestSink } from '../capture/ingest-sink.ts';
import { understudyMiddleware } from '../capture/ai-sdk-middleware.ts';
import { withUnderstudy } from '../capture/with-understudy.ts';
import { startTestGateway, type TestGateway } from './testing/start-test-gateway.ts';

describe('SDK listeners into the gateway store', () => {
  let harness: TestGateway;

  before(async () => {
    harness = await startTestGateway();
  });
  after(async () => harness.close());

  it('logs openai-client and AI SDK calls, streams included, through the ingest endpoint', async () => {
    const sink = createIngestSink({ baseUrl: harness.gateway.baseUrl, apiKey: harness.apiKey, flushIntervalMs: 50 });
    // The SDK talks to the provider directly (here the stand-in); only the logs go to the gateway.
    const client = withUnderstudy(new OpenAI({ baseURL: harness.upstream.url, apiKey: 'sk-direct', maxRetries: 0 }), {
      sink,
      task: 'sdk-openai',
      episodeId: 'sdk-episode-1',
    });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'stream please' }], stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';

    const model = wrapLanguageModel({
      model: createOpenAICompatible({ name: 'stand-in', baseURL: harness.upstream.url, apiKey: 'sk-direct' }).chatModel('gpt-4o-mini'),
      middleware: understudyMiddleware({ sink, task: 'sdk-ai', episodeId: 'sdk-episode-2' }),
    });
    const generated = await generateText({ model, prompt: 'Say something' });
    const streamedText = await streamText({ model, prompt: 'Stream something' }).text;

    await sink.flush();
    await harness.gateway.logWriter.flush();
    const openaiCalls = await harness.gateway.store.calls.list({ task: 'sdk-openai', limit: 10, order: 'asc' });
    assert.equal(openaiCalls.length, 2);
    assert.ok(openaiCalls.every((call) => call.source === 'sdk' && call.projectId === 'test' && call.episodeId === 'sdk-episode-1'));
    assert.equal(openaiCalls[1]?.stream, true);
    assert.equal((openaiCalls[1]?.response as OpenAI.ChatCompletion).choices[0]?.message.content, streamed);
    const aiCalls = await harness.gateway.store.calls.list({ task: 'sdk-ai', limit: 10, order: 'asc' });
    assert.equal(aiCalls.length, 2);
    assert.equal((aiCalls[0]?.response as OpenAI.ChatCompletion).choices[0]?.message.content, generated.text);
    assert.equal((aiCalls[1]?.response as OpenAI.ChatCompletion).choices[0]?.message.content, streamedText);
    assert.ok(aiCalls.every((call) => call.status === 'ok' && call.projectId === 'test'));
    await sink.close();
  });
});
