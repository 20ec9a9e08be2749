import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callRecordSchema } from '../contracts/call-record.ts';
import { chatCompletionRequestSchema, type ChatCompletion } from '../contracts/chat-completion.ts';
import { createPricingTable } from '../providers/pricing-table.ts';
import { countCompletionTokens, countPromptTokens } from '../providers/token-counter.ts';
import { buildCallRecord, completeCallRecord, type CallExchange } from './build-call-record.ts';

const pricing = createPricingTable();

const request = chatCompletionRequestSchema.parse({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Classify the support ticket. Answer with one word: billing, shipping or other.' },
    { role: 'user', content: 'I was charged twice for order 8812.' },
  ],
  temperature: 0,
  metadata: { understudy_task: 'ticket-triage' },
});

const response: ChatCompletion = {
  id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
  object: 'chat.completion',
  created: 1741569952,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'billing', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: 38,
    completion_tokens: 2,
    total_tokens: 40,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_06737a9306',
};

function exchange(overrides: Partial<CallExchange> = {}): CallExchange {
  return {
    source: 'gateway',
    projectId: 'default',
    request,
    response,
    tags: { task: 'ticket-triage', episodeId: 'run-42', endUserId: null },
    provider: 'openai',
    status: 'ok',
    errorClass: null,
    errorMessage: null,
    httpStatus: 200,
    startedAt: 1741569951500,
    latencyMs: 412,
    ttftMs: 412,
    stream: false,
    ...overrides,
  };
}

test('a successful call with usage: reported tokens, cost, finish reason, tags', () => {
  const record = buildCallRecord(exchange({ id: 'call-1' }), pricing);
  assert.deepEqual(callRecordSchema.parse(record), record, 'the record satisfies the stored contract');
  assert.equal(record.id, 'call-1');
  assert.equal(record.tokensIn, 38);
  assert.equal(record.tokensOut, 2);
  assert.equal(record.tokensEstimated, false);
  assert.equal(record.costUsd, (38 * 0.15 + 2 * 0.6) / 1_000_000);
  assert.equal(record.model, 'gpt-4o-mini');
  assert.equal(record.responseModel, 'gpt-4o-mini-2024-07-18');
  assert.equal(record.finishReason, 'stop');
  assert.equal(record.task, 'ticket-triage');
  assert.equal(record.episodeId, 'run-42');
  assert.equal(record.route, 'llm');
  assert.equal(record.response, response);
  assert.match(buildCallRecord(exchange(), pricing).id, /^[0-9a-f-]{36}$/);
});

test('cached prompt tokens are billed at the cached price', () => {
  const cached = { ...response, usage: { prompt_tokens: 2000, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 1024 } } };
  const record = buildCallRecord(exchange({ response: cached }), pricing);
  assert.equal(record.costUsd, Math.round(((976 * 0.15 + 1024 * 0.075 + 10 * 0.6) / 1_000_000) * 1e10) / 1e10);
});

test('a stream without usage: both sides counted, marked as estimated', () => {
  const { usage: _usage, ...withoutUsage } = response;
  const record = buildCallRecord(exchange({ response: withoutUsage, stream: true, ttftMs: 180 }), pricing);
  assert.equal(record.tokensEstimated, true);
  assert.equal(record.tokensIn, countPromptTokens(request));
  assert.equal(record.tokensOut, countCompletionTokens(withoutUsage));
  assert.ok(record.tokensIn !== null && record.tokensIn > 20);
  assert.ok(record.costUsd !== null && record.costUsd > 0);
  assert.equal(record.ttftMs, 180);
});

test('an upstream error: input counted, no output, cost 0 for a priced model, null for an unknown one', () => {
  const failed = exchange({
    response: null,
    status: 'error',
    errorClass: 'upstream_429',
    errorMessage: 'Rate limit reached for gpt-4o-mini',
    httpStatus: 429,
    ttftMs: null,
  });
  const record = buildCallRecord(failed, pricing);
  assert.deepEqual(callRecordSchema.parse(record), record);
  assert.equal(record.tokensIn, countPromptTokens(request));
  assert.equal(record.tokensOut, null);
  assert.equal(record.tokensEstimated, true);
  assert.equal(record.costUsd, 0);
  assert.equal(record.finishReason, null);
  assert.equal(record.responseModel, null);
  const unknownModel = buildCallRecord({ ...failed, request: { ...request, model: 'qwen2.5-7b-instruct' } }, pricing);
  assert.equal(unknownModel.costUsd, null);
});

test('unknown model: tokens kept, cost null; several choices: the first finish reason', () => {
  const record = buildCallRecord(
    exchange({
      request: { ...request, model: 'my-local-model', n: 2 },
      response: {
        ...response,
        model: 'my-local-model',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'billing' }, finish_reason: 'length' },
          { index: 1, message: { role: 'assistant', content: 'billing' }, finish_reason: 'stop' },
        ],
      },
    }),
    pricing,
  );
  assert.equal(record.costUsd, null);
  assert.equal(record.tokensIn, 38);
  assert.equal(record.finishReason, 'length');
});

test('insane usage numbers are not trusted', () => {
  const record = buildCallRecord(exchange({ response: { ...response, usage: { prompt_tokens: -5, completion_tokens: 2.6 } } }), pricing);
  assert.equal(record.tokensIn, countPromptTokens(request));
  assert.equal(record.tokensOut, 3);
  assert.equal(record.tokensEstimated, true);
});

test('deferred counting: usage and cost now, missing tokens later in completeCallRecord', () => {
  const withUsage = buildCallRecord(exchange(), pricing, { deferTokenCounting: true });
  assert.deepEqual(withUsage, buildCallRecord({ ...exchange(), id: withUsage.id }, pricing), 'nothing to defer when usage is there');
  assert.equal(completeCallRecord(withUsage, pricing), withUsage, 'a complete record passes through unchanged');

  const { usage: _usage, ...withoutUsage } = response;
  const deferred = buildCallRecord(exchange({ id: 'call-7', response: withoutUsage, stream: true }), pricing, { deferTokenCounting: true });
  assert.equal(deferred.tokensIn, null);
  assert.equal(deferred.tokensOut, null);
  assert.equal(deferred.costUsd, null);
  assert.equal(deferred.tokensEstimated, false);
  // The log writer reads spooled records back from JSON before completing them.
  const completed = completeCallRecord(JSON.parse(JSON.stringify(deferred)), pricing);
  assert.deepEqual(completed, JSON.parse(JSON.stringify(buildCallRecord(exchange({ id: 'call-7', response: withoutUsage, stream: true }), pricing))));
  assert.equal(completed.tokensEstimated, true);
  assert.ok(completed.costUsd !== null && completed.costUsd > 0);

  const failedDeferred = buildCallRecord(
    exchange({ response: null, status: 'error', errorClass: 'upstream_5xx', errorMessage: 'Bad gateway', httpStatus: 502, ttftMs: null }),
    pricing,
    { deferTokenCounting: true },
  );
  assert.equal(failedDeferred.costUsd, 0);
  const failedCompleted = completeCallRecord(failedDeferred, pricing);
  assert.equal(failedCompleted.tokensIn, countPromptTokens(request));
  assert.equal(failedCompleted.tokensOut, null);

  const garbage = completeCallRecord({ ...deferred, request: { model: 'gpt-4o-mini' }, response: { choices: 'nope' } }, pricing);
  assert.equal(garbage.tokensIn, null, 'an unreadable stored request is left uncounted, not thrown on');
  assert.equal(garbage.tokensOut, null);
});
