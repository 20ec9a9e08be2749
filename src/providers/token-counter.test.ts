import { test } from 'node:test';
import assert from 'node:assert/strict';
// Prompt token counts reported by the OpenAI API for gpt-4o-class models, collected by the
// openai-chat-tokens project and shipped with gpt-tokenizer.
import { functionCallingTestCases } from 'gpt-tokenizer/fixtures/functionCallingTestCases';
import { chatCompletionRequestSchema, type ChatCompletion } from '../contracts/chat-completion.ts';
import {
  countCompletionTokens,
  countPromptTokens,
  countTextTokens,
  encodingNameFor,
  formatFunctionDefinitions,
} from './token-counter.ts';

/** The example conversation of OpenAI's cookbook "How to count tokens with tiktoken". */
const cookbookMessages = [
  { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  {
    role: 'system',
    name: 'example_user',
    content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

test('encoding per model family', () => {
  for (const model of ['gpt-4o', 'gpt-4o-mini-2024-07-18', 'gpt-4.1-nano', 'gpt-5', 'o3', 'o4-mini', 'openai/gpt-4o', 'gpt-oss-20b']) {
    assert.equal(encodingNameFor(model), 'o200k_base', model);
  }
  for (const model of ['gpt-4', 'gpt-3.5-turbo', 'gpt-4-turbo', 'claude-sonnet-4-5', 'llama-3.3-70b-versatile']) {
    assert.equal(encodingNameFor(model), 'cl100k_base', model);
  }
});

test('the cookbook conversation: 124 prompt tokens on gpt-4o, 129 on gpt-3.5-turbo (as the API reports)', () => {
  assert.equal(countPromptTokens(chatCompletionRequestSchema.parse({ model: 'gpt-4o', messages: cookbookMessages })), 124);
  assert.equal(countPromptTokens(chatCompletionRequestSchema.parse({ model: 'gpt-4o-mini', messages: cookbookMessages })), 124);
  assert.equal(countPromptTokens(chatCompletionRequestSchema.parse({ model: 'gpt-3.5-turbo', messages: cookbookMessages })), 129);
  assert.equal(countPromptTokens(chatCompletionRequestSchema.parse({ model: 'gpt-4', messages: cookbookMessages })), 129);
});

test('matches API-reported counts for messages, names, function calls and function definitions', () => {
  assert.ok(functionCallingTestCases.length > 20);
  for (const { tokens, ...fixture } of functionCallingTestCases) {
    const request = chatCompletionRequestSchema.parse({ model: 'gpt-4o', ...fixture });
    assert.equal(countPromptTokens(request), tokens, JSON.stringify(fixture));
  }
});

test('tools and tool_choice count the same as the legacy functions they replaced', () => {
  for (const { tokens, functions, function_call: functionCall, ...rest } of functionCallingTestCases) {
    if (!functions) continue;
    const request = chatCompletionRequestSchema.parse({
      model: 'gpt-4.1',
      ...rest,
      tools: functions.map((definition) => ({ type: 'function', function: definition })),
      ...(functionCall === undefined
        ? {}
        : { tool_choice: typeof functionCall === 'string' ? functionCall : { type: 'function', function: functionCall } }),
    });
    assert.equal(countPromptTokens(request), tokens, JSON.stringify(functions));
  }
});

test('content parts, tool calls and tool results in a realistic agent turn', () => {
  const base = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a support agent.' },
      { role: 'user', content: [{ type: 'text', text: 'Where is my order 8812?' }] },
    ],
  };
  const textOnly = countPromptTokens(chatCompletionRequestSchema.parse(base));
  const asString = countPromptTokens(
    chatCompletionRequestSchema.parse({ ...base, messages: [base.messages[0], { role: 'user', content: 'Where is my order 8812?' }] }),
  );
  assert.equal(textOnly, asString, 'a single text part counts like a string');

  const withImage = countPromptTokens(
    chatCompletionRequestSchema.parse({
      ...base,
      messages: [
        base.messages[0],
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Where is my order 8812?' },
            { type: 'image_url', image_url: { url: 'https://example.com/receipt.png', detail: 'low' } },
          ],
        },
      ],
    }),
  );
  assert.equal(withImage, textOnly + 85);

  const withToolTurn = countPromptTokens(
    chatCompletionRequestSchema.parse({
      ...base,
      messages: [
        ...base.messages,
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_Qx1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"8812"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_Qx1', content: '{"status":"shipped","eta":"2025-06-03"}' },
      ],
    }),
  );
  const callTokens = countTextTokens('lookup_order', 'gpt-4o-mini') + countTextTokens('{"order_id":"8812"}', 'gpt-4o-mini') + 3;
  const assistantTokens = 3 + countTextTokens('assistant', 'gpt-4o-mini') + callTokens;
  const toolTokens = 3 + countTextTokens('tool', 'gpt-4o-mini') + countTextTokens('{"status":"shipped","eta":"2025-06-03"}', 'gpt-4o-mini');
  assert.equal(withToolTurn, textOnly + assistantTokens + toolTokens);
});

test('prompt counts grow with every added message and never throw on special-token text', () => {
  const messages: Array<{ role: string; content: string }> = [];
  let previous = 0;
  for (let index = 0; index < 20; index += 1) {
    messages.push({ role: index % 2 === 0 ? 'user' : 'assistant', content: `Turn ${index}: <|endoftext|> ${'word '.repeat(index)}` });
    const current = countPromptTokens(chatCompletionRequestSchema.parse({ model: 'gpt-5-mini', messages }));
    assert.ok(current > previous, `${current} > ${previous}`);
    previous = current;
  }
});

test('json_schema response formats add their schema', () => {
  const request = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Extract the city.' }] };
  const plain = countPromptTokens(chatCompletionRequestSchema.parse(request));
  const structured = countPromptTokens(
    chatCompletionRequestSchema.parse({
      ...request,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'city', strict: true, schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      },
    }),
  );
  assert.ok(structured > plain + 10);
});

test('completion tokens: content, tool calls, all choices', () => {
  const response: ChatCompletion = {
    id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
    object: 'chat.completion',
    created: 1741570283,
    model: 'gpt-4o-2024-08-06',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Your order 8812 shipped and arrives on June 3.', refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
      {
        index: 1,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_Qx1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"8812"}' } }],
          refusal: null,
        },
        finish_reason: 'tool_calls',
        logprobs: null,
      },
    ],
  };
  const content = countTextTokens('Your order 8812 shipped and arrives on June 3.', 'gpt-4o');
  const toolCall = countTextTokens('lookup_order', 'gpt-4o') + countTextTokens('{"order_id":"8812"}', 'gpt-4o') + 3;
  assert.equal(countCompletionTokens(response), content + toolCall);
  assert.equal(countCompletionTokens({ ...response, choices: [] }), 0);
});

test('tool definitions render as OpenAI shows them to the model', () => {
  assert.equal(
    formatFunctionDefinitions([
      {
        name: 'get_weather',
        description: 'Current weather',
        parameters: {
          type: 'object',
          properties: {
            city: { type: 'string', description: 'City name' },
            unit: { type: ['string', 'null'], enum: ['c', 'f'] },
            days: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
          },
          required: ['city'],
        },
      },
    ]),
    [
      'namespace functions {',
      '',
      '// Current weather',
      'type get_weather = (_: {',
      '// City name',
      'city: string,',
      'unit?: "c" | "f" | null,',
      'days?: number | null,',
      '}) => any;',
      '',
      '} // namespace functions',
    ].join('\n'),
  );
});
