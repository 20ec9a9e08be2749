// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { isUnderstudyError } from '../../contracts/errors.ts';
import { writeTestLoraAdapter } from './internal/llama-lora-fixture.ts';
import { locateSmolLm2, locateStories260k } from './internal/llama-test-models.ts';
import { createLlamaCppEngine } from './llama-cpp-engine.ts';
import type { EngineRequest, SpecialistEngine } from './specialist-engine.ts';

const stories = await locateStories260k();
const smolLm2 = await locateSmolLm2();

const plainPrompt = (content: string): EngineRequest['messages'] => [{ role: 'user', content }];

describe('llama.cpp engine on stories260K (no chat template)', { skip: stories.verdict === 'missing' ? stories.reason : false }, () => {
  let engine: SpecialistEngine;
  let scratchDirectory: string;
  before(async () => {
    if (stories.verdict !== 'found') return;
    engine = await createLlamaCppEngine({ modelPath: stories.modelPath, contextPoolSize: 2 });
    scratchDirectory = await mkdtemp(path.join(os.tmpdir(), 'understudy-llama-'));
  });
  after(async () => {
    await engine?.close();
    if (scratchDirectory !== undefined) await rm(scratchDirectory, { recursive: true, force: true });
  });

  test('greedy completion from an empty prompt starts the way the model always does', async () => {
    const result = await engine.complete({ messages: plainPrompt(''), maxTokens: 20 });
    assert.ok(result.content?.startsWith('Once upon a time'), `got ${JSON.stringify(result.content)}`);
    assert.equal(result.finishReason, 'length');
    assert.deepEqual(result.tokens, { prompt: 1, completion: 20 });
    assert.equal(result.logprobs, null);
    assert.ok(result.latencyMs > 0);
  });

  test('a text prompt is continued as a plain completion, reproducibly', async () => {
    const first = await engine.complete({ messages: plainPrompt('Once upon a time'), maxTokens: 12 });
    const second = await engine.complete({ messages: plainPrompt('Once upon a time'), maxTokens: 12 });
    assert.match(first.content ?? '', /there was/);
    assert.equal(second.content, first.content);
  });

  test('logprobs are the generated tokens with log-probabilities at most 0', async () => {
    const result = await engine.complete({ messages: plainPrompt(''), maxTokens: 10, logprobs: true });
    assert.equal(result.logprobs?.length, 10);
    assert.equal(result.logprobs?.map((entry) => entry.token).join(''), result.content);
    for (const entry of result.logprobs ?? []) assert.ok(Number.isFinite(entry.logprob) && entry.logprob <= 0, `${entry.logprob}`);
  });

  test('four simultaneous requests on a pool of two all complete, with the answers of sequential calls', async () => {
    const prompts = ['', 'Once upon a time', 'The cat', 'Lily went'];
    const concurrent = await Promise.all(prompts.map((prompt) => engine.complete({ messages: plainPrompt(prompt), maxTokens: 16 })));
    for (const [index, prompt] of prompts.entries()) {
      const sequential = await engine.complete({ messages: plainPrompt(prompt), maxTokens: 16 });
      assert.equal(concurrent[index]?.content, sequential.content);
    }
  });

  test('LoRA adapters get their own contexts and change the answer; base answers are unaffected', async () => {
    const adapterA = path.join(scratchDirectory, 'adapter-a.gguf');
    const adapterB = path.join(scratchDirectory, 'adapter-b.gguf');
    if (stories.verdict !== 'found') return;
    await writeTestLoraAdapter({ modelPath: stories.modelPath, outputPath: adapterA, seed: 1 });
    await writeTestLoraAdapter({ modelPath: stories.modelPath, outputPath: adapterB, seed: 2 });
    const ask = async (adapter?: string) => (await engine.complete({ messages: plainPrompt(''), maxTokens: 20, adapter })).content;
    const base = await ask();
    const withA = await ask(adapterA);
    assert.notEqual(withA, base);
    // Three keys on a pool of two: each switch replaces the least recently used context.
    await ask(adapterB);
    assert.equal(await ask(), base);
    assert.equal(await ask(adapterA), withA);
    assert.equal(await ask(), base);
  });

  test('a missing file and a non-GGUF file fail with errors naming the file', async () => {
    const missingPath = path.join(scratchDirectory, 'absent.gguf');
    await assert.rejects(createLlamaCppEngine({ modelPath: missingPath }), (error: unknown) => {
      assert.ok(isUnderstudyError(error, 'not_found'));
      assert.ok(error.message.includes(missingPath));
      return true;
    });
    const garbagePath = path.join(scratchDirectory, 'garbage.gguf');
    await writeFile(garbagePath, 'definitely not a GGUF file\n'.repeat(64));
    await assert.rejects(createLlamaCppEngine({ modelPath: garbagePath }), (error: unknown) => {
      assert.ok(isUnderstudyError(error, 'invalid_request'));
      assert.ok(error.message.includes(garbagePath));
      assert.match(error.message, /GGUF magic/);
      return true;
    });
  });

  test('bad requests fail clearly and the engine keeps serving', async () => {
    await assert.rejects(
      engine.complete({ messages: plainPrompt(''), responseFormat: { type: 'json_schema', name: 'merged', schema: { allOf: [{ type: 'object' }] } } }),
      (error: unknown) => isUnderstudyError(error, 'invalid_request') && /"merged"/.test(error.message) && /allOf/.test(error.message),
    );
    await assert.rejects(
      engine.complete({ messages: plainPrompt(''), adapter: path.join(scratchDirectory, 'absent-adapter.gguf') }),
      (error: unknown) => isUnderstudyError(error, 'not_found') && /absent-adapter\.gguf/.test(error.message),
    );
    const garbageAdapter = path.join(scratchDirectory, 'garbage-adapter.gguf');
    await writeFile(garbageAdapter, 'not an adapter');
    await assert.rejects(
      engine.complete({ messages: plainPrompt(''), adapter: garbageAdapter }),
      (error: unknown) => isUnderstudyError(error, 'invalid_request') && error.message.includes(garbageAdapter),
    );
    await assert.rejects(engine.complete({ messages: plainPrompt(''), signal: AbortSignal.abort() }), { name: 'AbortError' });
    const result = await engine.complete({ messages: plainPrompt(''), maxTokens: 8 });
    assert.ok(result.content?.startsWith('Once upon a time'));
  });
});

const supportTicketSchema = z.object({
  intent: z.enum(['refund', 'shipping', 'account', 'other']),
  order_id: z.string().max(24),
  customer_name: z.string().max(40),
  item_count: z.number().int(),
});

const ticketMessages = [
  'Hi, I am Maria Lopez. Order 55-A12 arrived broken, 2 items. I want my money back.',
  'Where is my package? Order #99812, three books, placed by Tom Baker.',
  'I cannot log in to my account. My name is Wei Chen, last order Q-7781 had 1 item.',
  'Refund please for order ZX-1 (4 mugs). — Priya',
  'Tracking for 20231108-44 says delayed. Sam Ortiz, 6 items.',
  'Hello! Just wanted to say thanks. Order 1001, 1 item, Anna Berg.',
  'Password reset email never arrives. Jonas Weber here, order 77B, 2 items.',
  'The courier lost my parcel (order KL-0093, 5 items). Lena Novak',
  'Charge me back, the 3 shirts in order 4421-X are the wrong size. Omar Haddad',
  'Can you change the delivery address for order 5555? It has 8 items. Kim Park',
];

describe('llama.cpp engine on SmolLM2-135M-Instruct (chat template)', { skip: smolLm2.verdict === 'missing' ? smolLm2.reason : false }, () => {
  let engine: SpecialistEngine;
  before(async () => {
    if (smolLm2.verdict !== 'found') return;
    engine = await createLlamaCppEngine({ modelPath: smolLm2.modelPath });
  });
  after(async () => {
    await engine?.close();
  });

  test('answers a chat question through the model\'s own template', async () => {
    const result = await engine.complete({
      // No system message: the template adds SmolLM2's default one.
      messages: [{ role: 'user', content: 'Which city is the capital of France?' }],
      maxTokens: 32,
      logprobs: true,
    });
    assert.match(result.content ?? '', /Paris/);
    assert.equal(result.finishReason, 'stop');
    assert.ok(result.tokens.prompt > 10 && result.tokens.completion > 0);
    assert.equal(result.logprobs?.map((entry) => entry.token).join(''), result.content);
    for (const entry of result.logprobs ?? []) assert.ok(entry.logprob <= 0);
  });

  test('json_schema output matches the schema on every call', async () => {
    const schema = z.toJSONSchema(supportTicketSchema) as Record<string, unknown>;
    for (const message of ticketMessages) {
      const result = await engine.complete({
        messages: [
          { role: 'system', content: 'Extract the support ticket fields as JSON.' },
          { role: 'user', content: message },
        ],
        responseFormat: { type: 'json_schema', name: 'support_ticket', schema },
        maxTokens: 96,
      });
      assert.equal(result.finishReason, 'stop', `cut off: ${result.content}`);
      assert.ok(!result.content?.endsWith('\n'), 'trailing grammar newlines are trimmed');
      const parsed = supportTicketSchema.safeParse(JSON.parse(result.content ?? ''));
      assert.ok(parsed.success, `${message} → ${result.content}`);
    }
  });

  test('json_object output is a JSON object', async () => {
    const result = await engine.complete({
      messages: [{ role: 'user', content: 'Describe a cat as a JSON object with a name and an age.' }],
      responseFormat: { type: 'json_object' },
      maxTokens: 64,
    });
    if (result.finishReason === 'stop') {
      const parsed: unknown = JSON.parse(result.content ?? '');
      assert.ok(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed));
    } else {
      assert.match(result.content ?? '', /^\{/);
    }
  });

  // String bounds keep a 135M model that starts repeating itself inside a string from running out of tokens.
  test('tools constrain the answer to one call of an offered tool', async () => {
    const weatherArguments = z.object({ city: z.string().max(40) });
    const result = await engine.complete({
      messages: [{ role: 'user', content: 'What is the weather like in Paris today?' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: z.toJSONSchema(weatherArguments) as Record<string, unknown> } },
        { type: 'function', function: { name: 'send_email', description: 'Send an email', parameters: { type: 'object', properties: { to: { type: 'string', maxLength: 40 }, body: { type: 'string', maxLength: 80 } }, required: ['to', 'body'] } } },
      ],
      maxTokens: 128,
    });
    assert.equal(result.finishReason, 'tool_calls', `no complete call: ${result.content}`);
    assert.equal(result.content, null);
    assert.equal(result.toolCalls.length, 1);
    const [call] = result.toolCalls;
    assert.ok(call !== undefined && ['get_weather', 'send_email'].includes(call.name));
    const callArguments: unknown = JSON.parse(call.arguments);
    if (call.name === 'get_weather') assert.ok(weatherArguments.safeParse(callArguments).success, call.arguments);
  });

  test('tool choice auto lets the model reply in text where required forces a call, on the same prompt', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 40 } }, required: ['city'] } } }];
    // A greeting: the model's own answer is text, so only the grammar can make it call a tool.
    const messages = [{ role: 'user' as const, content: 'Hi! How are you today?' }];
    const free = await engine.complete({ messages, tools, toolChoice: 'auto', maxTokens: 24 });
    assert.equal(free.toolCalls.length, 0, `auto still called ${JSON.stringify(free.toolCalls)}`);
    assert.ok((free.content ?? '').length > 0 && !(free.content ?? '').startsWith('{'), `text reply: ${free.content}`);
    const forced = await engine.complete({ messages, tools, toolChoice: 'required', maxTokens: 48 });
    assert.equal(forced.finishReason, 'tool_calls', `required gave text: ${forced.content}`);
    assert.equal(forced.toolCalls[0]?.name, 'get_weather');
    // Asked for the weather, the same auto grammar still allows a well-formed call of an offered tool.
    const asked = await engine.complete({ messages: [{ role: 'user', content: 'What is the weather like in Paris today?' }], tools, toolChoice: 'auto', maxTokens: 48 });
    if (asked.toolCalls.length > 0) assert.deepEqual(Object.keys(JSON.parse(asked.toolCalls[0]!.arguments) as object), ['city']);
    else assert.ok(!(asked.content ?? '{').startsWith('{'), `a reply that opens like JSON is neither: ${asked.content}`);
  });
});
