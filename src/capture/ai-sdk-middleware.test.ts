/**
 * `understudyMiddleware` wrapped around a real AI SDK model (`@ai-sdk/openai-compatible`) that talks to the
 * fixed upstream on loopback: what `generateText` / `streamText` return must be unchanged, and each model
 * call must be logged once, in the OpenAI chat format.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, Output, stepCountIs, streamText, tool, wrapLanguageModel } from 'ai';
import { z } from 'zod';
import { callRecordSchema, type CallRecord } from '../contracts/call-record.ts';
import type { ChatCompletion } from '../contracts/chat-completion.ts';
import { startFixedUpstream, type FixedUpstream } from '../simulate/fixed-upstream.ts';
import { understudyMiddleware } from './ai-sdk-middleware.ts';

interface LoggedRequest {
  model: string;
  stream?: boolean;
  messages: Array<{ role: string; content: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
  tools?: Array<{ type: string; function: { name: string; parameters: unknown } }>;
  response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
  temperature?: number;
}

describe('understudyMiddleware', () => {
  let upstream: FixedUpstream;
  const logged: CallRecord[] = [];

  function modelWith(options: { structured?: boolean } = {}) {
    const provider = createOpenAICompatible({
      baseURL: upstream.url,
      name: 'test',
      apiKey: 'provider-key',
      includeUsage: true,
      supportsStructuredOutputs: options.structured ?? false,
    });
    return wrapLanguageModel({
      model: provider.chatModel('gpt-4o-mini'),
      middleware: understudyMiddleware({
        sink: { append: (record) => logged.push(callRecordSchema.parse(record)) },
        task: 'default-task',
        episodeId: 'episode-1',
      }),
    });
  }

  before(async () => {
    upstream = await startFixedUpstream();
  });
  after(() => upstream.close());
  beforeEach(() => {
    logged.length = 0;
    upstream.setFault(null);
  });

  it('logs generateText as an OpenAI chat call with usage and per-call tags', async () => {
    const result = await generateText({
      model: modelWith(),
      system: 'You answer briefly.',
      prompt: 'Capital of France?',
      temperature: 0.2,
      providerOptions: { understudy: { task: 'capital-lookup' } },
    });
    assert.ok(result.text.startsWith('This is a fixed reply'));
    assert.equal(logged.length, 1);
    const record = logged[0]!;
    const request = record.request as unknown as LoggedRequest;
    assert.deepEqual(request.messages, [
      { role: 'system', content: 'You answer briefly.' },
      { role: 'user', content: 'Capital of France?' },
    ]);
    assert.equal(request.model, 'gpt-4o-mini');
    assert.equal(request.temperature, 0.2);
    assert.equal(record.source, 'sdk');
    assert.equal(record.provider, 'test');
    assert.equal(record.task, 'capital-lookup');
    assert.equal(record.episodeId, 'episode-1');
    assert.equal(record.status, 'ok');
    assert.equal(record.stream, false);
    assert.equal(record.finishReason, 'stop');
    assert.equal(record.tokensIn, result.usage.inputTokens);
    assert.equal(record.tokensOut, result.usage.outputTokens);
    assert.equal(record.tokensEstimated, false);
    const response = record.response as ChatCompletion;
    assert.equal(response.object, 'chat.completion');
    assert.equal(response.choices[0]?.message.content, result.text);
    assert.match(response.id, /^chatcmpl-/);
  });

  it('logs streamText once the stream finishes, with time to first token', async () => {
    const result = streamText({ model: modelWith(), prompt: 'Stream it', headers: { 'x-understudy-task': 'from-header' } });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    assert.ok(text.startsWith('This is a fixed reply'));
    assert.equal(logged.length, 1);
    const record = logged[0]!;
    assert.equal(record.stream, true);
    assert.equal(record.status, 'ok');
    assert.equal(record.task, 'from-header');
    assert.equal((record.request as unknown as LoggedRequest).stream, true);
    assert.equal((record.response as ChatCompletion).choices[0]?.message.content, text);
    assert.equal(record.finishReason, 'stop');
    assert.equal(record.tokensEstimated, false);
    assert.ok(record.ttftMs !== null && record.ttftMs <= record.latencyMs);
  });

  it('logs a tool round trip: tool_calls out, tool results back in the next request', async () => {
    const result = await generateText({
      model: modelWith(),
      prompt: 'Weather in Paris?',
      tools: {
        get_weather: tool({
          description: 'Current weather for a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => ({ city, temperatureC: 21 }),
        }),
      },
      toolChoice: 'auto',
      stopWhen: stepCountIs(2),
    });
    assert.equal(result.steps.length, 2);
    assert.equal(logged.length, 2);
    const [first, second] = logged as [CallRecord, CallRecord];
    const firstRequest = first.request as unknown as LoggedRequest;
    assert.equal(firstRequest.tools?.[0]?.function.name, 'get_weather');
    assert.equal(first.finishReason, 'tool_calls');
    const call = (first.response as ChatCompletion).choices[0]?.message.tool_calls?.[0];
    assert.equal(call?.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call?.function.arguments ?? ''), { city: 'example' });

    const followUp = (second.request as unknown as LoggedRequest).messages;
    const assistantTurn = followUp.find((message) => message.role === 'assistant');
    assert.equal(assistantTurn?.tool_calls?.[0]?.id, call?.id);
    const toolTurn = followUp.find((message) => message.role === 'tool');
    assert.equal(toolTurn?.tool_call_id, call?.id);
    assert.deepEqual(JSON.parse(String(toolTurn?.content)), { city: 'example', temperatureC: 21 });
  });

  it('logs a streamed tool call', async () => {
    const result = streamText({
      model: modelWith(),
      prompt: 'Weather?',
      tools: { get_weather: tool({ inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }) }) },
    });
    await result.consumeStream();
    assert.equal(logged.length, 1);
    const message = (logged[0]?.response as ChatCompletion).choices[0]?.message;
    assert.equal(message?.tool_calls?.[0]?.function.name, 'get_weather');
    assert.equal(message?.content, null);
    assert.equal(logged[0]?.finishReason, 'tool_calls');
  });

  it('logs structured output as a json_schema response_format', async () => {
    const result = await generateText({
      model: modelWith({ structured: true }),
      prompt: 'Capital of France as JSON',
      output: Output.object({ schema: z.object({ city: z.string(), population: z.number() }) }),
    });
    assert.deepEqual(result.output, { city: 'example', population: 1 });
    const request = logged[0]?.request as unknown as LoggedRequest;
    assert.equal(request.response_format?.type, 'json_schema');
    assert.deepEqual((request.response_format?.json_schema?.schema as { required?: string[] }).required, ['city', 'population']);
  });

  it('logs an upstream error with its class and rethrows it', async () => {
    upstream.setFault({ kind: 'status', status: 500, count: 1 });
    await assert.rejects(generateText({ model: modelWith(), prompt: 'x', maxRetries: 0 }));
    upstream.setFault({ kind: 'status', status: 429, count: 1 });
    let streamError: unknown;
    await streamText({ model: modelWith(), prompt: 'x', maxRetries: 0, onError: ({ error }) => {
        streamError = error;
      },
    }).consumeStream();
    assert.ok(streamError, 'streamText reports the error to the agent');
    assert.deepEqual(
      logged.map((record) => [record.status, record.errorClass, record.httpStatus, record.stream]),
      [
        ['error', 'upstream_5xx', 500, false],
        ['error', 'upstream_429', 429, true],
      ],
    );
  });

  it('logs an interrupted stream and an abandoned stream', async () => {
    upstream.setFault({ kind: 'truncate-stream', afterEvents: 3, count: 1 });
    await streamText({ model: modelWith(), prompt: 'x', maxRetries: 0 }).consumeStream();
    assert.equal(logged[0]?.status, 'error');
    assert.equal(logged[0]?.errorClass, 'stream_interrupted');

    const slow = await startFixedUpstream({ chunkDelayMs: 20 });
    try {
      const provider = createOpenAICompatible({ baseURL: slow.url, name: 'slow', includeUsage: true });
      const model = wrapLanguageModel({
        model: provider.chatModel('gpt-4o-mini'),
        middleware: understudyMiddleware({ sink: { append: (record) => logged.push(record) } }),
      });
      const controller = new AbortController();
      const result = streamText({ model, prompt: 'x', abortSignal: controller.signal });
      for await (const _delta of result.textStream) {
        controller.abort();
      }
      for (let waited = 0; logged.length < 2 && waited < 1000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(logged[1]?.status, 'cancelled');
      assert.equal(logged[1]?.errorClass, 'client_cancelled');
    } finally {
      await slow.close();
    }
  });
});
