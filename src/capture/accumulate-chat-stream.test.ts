import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionChunk } from '../contracts/chat-completion.ts';
import { ChatStreamAccumulator } from './accumulate-chat-stream.ts';
import { SseEventParser } from './sse-event-parser.ts';

const header = {
  id: 'chatcmpl-BkxK1nT0mY',
  object: 'chat.completion.chunk' as const,
  created: 1750000000,
  model: 'gpt-4o-mini-2024-07-18',
  service_tier: 'default',
  system_fingerprint: 'fp_34a54ae93c',
};

function chunk(choices: ChatCompletionChunk['choices'], usage: ChatCompletionChunk['usage'] = null): ChatCompletionChunk {
  return { ...header, choices, usage };
}

function accumulate(chunks: ChatCompletionChunk[]) {
  const accumulator = new ChatStreamAccumulator();
  for (const item of chunks) accumulator.push(item);
  return accumulator.result();
}

test('content stream with include_usage reassembles to the non-streaming shape', () => {
  const sse =
    [
      chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]),
      chunk([{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }]),
      chunk([{ index: 0, delta: { content: '! How can I help?' }, logprobs: null, finish_reason: null }]),
      chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
      chunk([], {
        prompt_tokens: 19,
        completion_tokens: 10,
        total_tokens: 29,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      }),
    ]
      .map((item) => `data: ${JSON.stringify({ ...item, obfuscation: 'abc' })}\n\n`)
      .join('') + 'data: [DONE]\n\n';
  const parser = new SseEventParser();
  const accumulator = new ChatStreamAccumulator();
  for (const event of [...parser.push(new TextEncoder().encode(sse)), ...parser.end()]) {
    if (event.kind === 'data') accumulator.push(JSON.parse(event.data) as ChatCompletionChunk);
  }
  assert.equal(accumulator.chunkCount, 5);
  assert.deepEqual(accumulator.result(), {
    id: 'chatcmpl-BkxK1nT0mY',
    object: 'chat.completion',
    created: 1750000000,
    model: 'gpt-4o-mini-2024-07-18',
    service_tier: 'default',
    system_fingerprint: 'fp_34a54ae93c',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello! How can I help?', refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: 19,
      completion_tokens: 10,
      total_tokens: 29,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
  });
});

test('parallel tool calls merge by index: id/type/name once, arguments concatenated', () => {
  const result = accumulate([
    chunk([{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_Ab1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }, logprobs: null, finish_reason: null }]),
    chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"lo' } }] }, logprobs: null, finish_reason: null }]),
    chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'cation": "Paris"}' } }] }, logprobs: null, finish_reason: null }]),
    chunk([{ index: 0, delta: { tool_calls: [{ index: 1, id: 'call_Cd2', type: 'function', function: { name: 'get_time', arguments: '' } }] }, logprobs: null, finish_reason: null }]),
    chunk([{ index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '{"tz": "CET"}' } }] }, logprobs: null, finish_reason: null }]),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]),
  ]);
  assert.deepEqual(result.choices[0], {
    index: 0,
    message: {
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [
        { id: 'call_Ab1', type: 'function', function: { name: 'get_weather', arguments: '{"location": "Paris"}' } },
        { id: 'call_Cd2', type: 'function', function: { name: 'get_time', arguments: '{"tz": "CET"}' } },
      ],
    },
    finish_reason: 'tool_calls',
    logprobs: null,
  });
  assert.equal(result.usage, null, 'no usage chunk: usage stays null as streamed');
});

test('n > 1 choices interleaved, logprobs concatenated, refusal', () => {
  const token = (text: string) => ({ token: text, logprob: -0.01, bytes: [...Buffer.from(text)], top_logprobs: [] });
  const result = accumulate([
    chunk([{ index: 1, delta: { role: 'assistant', content: '' }, logprobs: { content: [], refusal: null }, finish_reason: null }]),
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: { content: [], refusal: null }, finish_reason: null }]),
    chunk([{ index: 0, delta: { content: 'Yes' }, logprobs: { content: [token('Yes')], refusal: null }, finish_reason: null }]),
    chunk([{ index: 1, delta: { content: 'No' }, logprobs: { content: [token('No')], refusal: null }, finish_reason: null }]),
    chunk([{ index: 0, delta: { content: '.' }, logprobs: { content: [token('.')], refusal: null }, finish_reason: null }]),
    chunk([{ index: 1, delta: {}, logprobs: null, finish_reason: 'stop' }]),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }]),
  ]);
  assert.deepEqual(
    result.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason]),
    [
      [0, 'Yes.', 'length'],
      [1, 'No', 'stop'],
    ],
  );
  assert.deepEqual(result.choices[0]?.logprobs, { content: [token('Yes'), token('.')], refusal: null });

  const refused = accumulate([
    chunk([{ index: 0, delta: { role: 'assistant', refusal: '' }, logprobs: null, finish_reason: null }]),
    chunk([{ index: 0, delta: { refusal: "I'm sorry, I can't help with that." }, logprobs: null, finish_reason: null }]),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
  ]);
  assert.equal(refused.choices[0]?.message.refusal, "I'm sorry, I can't help with that.");
  assert.equal(refused.choices[0]?.message.content, null);
});

test('provider extras: reasoning_content concatenates; legacy function_call merges', () => {
  const result = accumulate([
    { ...chunk([{ index: 0, delta: { role: 'assistant', content: '', reasoning_content: 'Think' }, finish_reason: null }]), model: 'deepseek-reasoner' },
    chunk([{ index: 0, delta: { reasoning_content: 'ing…' }, finish_reason: null }]),
    chunk([{ index: 0, delta: { content: 'Done' }, finish_reason: null }]),
    chunk([{ index: 0, delta: { function_call: { name: 'f', arguments: '{"a"' } }, finish_reason: null }]),
    chunk([{ index: 0, delta: { function_call: { arguments: ':1}' } }, finish_reason: 'function_call' }]),
  ]);
  assert.equal(result.model, 'deepseek-reasoner');
  assert.equal(result.choices[0]?.message['reasoning_content'], 'Thinking…');
  assert.equal(result.choices[0]?.message.content, 'Done');
  assert.deepEqual(result.choices[0]?.message['function_call'], { name: 'f', arguments: '{"a":1}' });
});

test('an empty or interrupted stream still yields a well-formed completion', () => {
  const empty = new ChatStreamAccumulator().result();
  assert.deepEqual(empty, { id: '', object: 'chat.completion', created: 0, model: '', choices: [] });
  const partial = accumulate([chunk([{ index: 0, delta: { role: 'assistant', content: 'Half an ans' }, logprobs: null, finish_reason: null }])]);
  assert.equal(partial.choices[0]?.message.content, 'Half an ans');
  assert.equal(partial.choices[0]?.finish_reason, null);
});
