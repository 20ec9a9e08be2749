/**
 * Test support: fast-check generators of structurally valid wire values — OpenAI chat requests and completions
 * (the fields src/contracts/chat-completion.ts models, in the shapes the official clients send), embeddings
 * requests, stored call records, and import lines — for the fuzzers to mutate.
 */
import fc from 'fast-check';
import type { Json } from './json-mutation-arbitraries.ts';

const textArb = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 80 }) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) });
const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/);

const toolCallArb = fc.record({
  id: idArb,
  type: fc.constant('function'),
  function: fc.record({ name: fc.constantFrom('lookup_order', 'get_weather', 'x'), arguments: fc.json({ maxDepth: 2 }) }),
});

const messageArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ role: fc.constantFrom('system', 'developer', 'user'), content: textArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      role: fc.constant('user'),
      content: fc.array(fc.oneof(fc.record({ type: fc.constant('text'), text: textArb }), fc.record({ type: fc.constant('image_url'), image_url: fc.record({ url: fc.webUrl() }) })), { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ role: fc.constant('assistant'), content: fc.constant(null), tool_calls: fc.array(toolCallArb, { minLength: 1, maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ role: fc.constant('assistant'), content: textArb }) },
  { weight: 1, arbitrary: fc.record({ role: fc.constant('tool'), content: textArb, tool_call_id: idArb }) },
);

const toolArb = fc.record({
  type: fc.constant('function'),
  function: fc.record(
    {
      name: fc.constantFrom('lookup_order', 'get_weather'),
      description: textArb,
      parameters: fc.constant({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }),
      strict: fc.boolean(),
    },
    { requiredKeys: ['name'] },
  ),
});

const responseFormatArb = fc.oneof(
  fc.constant({ type: 'text' }),
  fc.constant({ type: 'json_object' }),
  fc.record({
    type: fc.constant('json_schema'),
    json_schema: fc.record({ name: fc.constantFrom('answer', 'order'), schema: fc.constant({ type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] }), strict: fc.boolean() }),
  }),
);

/** A chat completion request as the official clients send it (models the stand-in provider serves, and one it does not). */
export const chatRequestArb: fc.Arbitrary<Json> = fc.record(
  {
    model: fc.constantFrom('gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o', 'gpt-4o-2024-08-06', 'no-such-model'),
    messages: fc.array(messageArb, { minLength: 1, maxLength: 4 }),
    stream: fc.boolean(),
    stream_options: fc.record({ include_usage: fc.boolean() }),
    tools: fc.array(toolArb, { maxLength: 2 }),
    tool_choice: fc.oneof(fc.constantFrom('auto', 'none', 'required'), fc.constant({ type: 'function', function: { name: 'lookup_order' } })),
    response_format: responseFormatArb,
    n: fc.integer({ min: 1, max: 3 }),
    logprobs: fc.boolean(),
    top_logprobs: fc.integer({ min: 0, max: 20 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    top_p: fc.double({ min: 0, max: 1, noNaN: true }),
    max_tokens: fc.integer({ min: 1, max: 4096 }),
    user: textArb,
    metadata: fc.dictionary(fc.constantFrom('understudy_task', 'understudy_episode', 'understudy_user', 'team'), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['model', 'messages'] },
) as unknown as fc.Arbitrary<Json>;

export const embeddingsRequestArb: fc.Arbitrary<Json> = fc.record(
  {
    model: fc.constantFrom('text-embedding-3-small', 'text-embedding-3-small', 'gpt-4o-mini', 'no-such-model'),
    input: fc.oneof(textArb, fc.array(textArb, { maxLength: 4 }), fc.array(fc.nat({ max: 50_000 }), { maxLength: 8 }), fc.array(fc.array(fc.nat({ max: 50_000 }), { maxLength: 4 }), { maxLength: 3 })),
    dimensions: fc.integer({ min: 1, max: 256 }),
    encoding_format: fc.constantFrom('float', 'base64'),
  },
  { requiredKeys: ['model', 'input'] },
) as unknown as fc.Arbitrary<Json>;

/** A `chat.completion` as OpenAI returns it. */
export const chatCompletionArb: fc.Arbitrary<Json> = fc.record(
  {
    id: idArb.map((id) => `chatcmpl-${id}`),
    object: fc.constant('chat.completion'),
    created: fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
    model: fc.constantFrom('gpt-4o-mini-2024-07-18', 'gpt-4o'),
    choices: fc.array(
      fc.record({
        index: fc.nat({ max: 3 }),
        message: fc.oneof(fc.record({ role: fc.constant('assistant'), content: textArb, refusal: fc.constant(null) }), fc.record({ role: fc.constant('assistant'), content: fc.constant(null), tool_calls: fc.array(toolCallArb, { minLength: 1, maxLength: 2 }) })),
        logprobs: fc.constant(null),
        finish_reason: fc.constantFrom('stop', 'length', 'tool_calls'),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    usage: fc.record({ prompt_tokens: fc.nat({ max: 5_000 }), completion_tokens: fc.nat({ max: 5_000 }), total_tokens: fc.nat({ max: 10_000 }) }),
  },
  { requiredKeys: ['model', 'choices'] },
) as unknown as fc.Arbitrary<Json>;

/** A stored call record (src/contracts/call-record.ts) as the SDK listeners send it to the ingest endpoint. */
export const callRecordArb: fc.Arbitrary<Json> = fc
  .record({
    id: fc.uuid(),
    source: fc.constantFrom('sdk', 'gateway', 'import'),
    projectId: fc.constantFrom('test', 'other'),
    endUserId: fc.option(textArb),
    episodeId: fc.option(idArb),
    task: fc.option(fc.constantFrom('triage', 'support/extract-order')),
    route: fc.constantFrom('llm', 'specialist', 'shadow', 'escalated'),
    status: fc.constantFrom('ok', 'error', 'cancelled'),
    httpStatus: fc.option(fc.constantFrom(200, 400, 429, 500)),
    startedAt: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
    latencyMs: fc.nat({ max: 60_000 }),
    request: chatRequestArb,
    response: fc.option(chatCompletionArb),
  })
  .map((fields) => ({
    version: 1,
    ...fields,
    errorClass: fields.status === 'ok' ? null : 'upstream_5xx',
    errorMessage: fields.status === 'ok' ? null : 'failed',
    model: 'gpt-4o-mini',
    responseModel: null,
    provider: 'stand-in',
    stream: false,
    ttftMs: fields.latencyMs,
    tokensIn: 10,
    tokensOut: 2,
    tokensEstimated: false,
    costUsd: null,
    finishReason: 'stop',
  })) as unknown as fc.Arbitrary<Json>;

/** One line of the importer's JSONL format (src/capture/import-jsonl.ts): request, response, optional metadata. */
export const importLineArb: fc.Arbitrary<Json> = fc.record(
  {
    request: chatRequestArb,
    response: fc.oneof({ weight: 5, arbitrary: chatCompletionArb }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ error: fc.record({ message: textArb, type: fc.constantFrom('server_error', 'rate_limit_error', 'invalid_request_error') }) }) }),
    metadata: fc.record(
      {
        task: fc.option(fc.constantFrom('triage', 'extract')),
        episode_id: fc.option(idArb),
        end_user_id: fc.option(idArb),
        started_at: fc.oneof(fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }), fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), fc.constant('2025-03-10T01:25:51.500Z')),
        latency_ms: fc.nat({ max: 60_000 }),
        provider: fc.constantFrom('openai', 'azure'),
        http_status: fc.constantFrom(200, 429, 500),
        stream: fc.boolean(),
        source: fc.constantFrom('import', 'sdk', 'gateway'),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['request', 'response'] },
) as unknown as fc.Arbitrary<Json>;
