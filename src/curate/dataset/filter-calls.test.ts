import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallRecord } from '../../contracts/call-record.ts';
import { createTestCallRecord } from '../../store/internal/call-record-fixture.ts';
import { filterCalls, type FilterReason } from './filter-calls.ts';

const schemaFormat = {
  type: 'json_schema',
  json_schema: {
    name: 'order',
    strict: true,
    schema: {
      type: 'object',
      properties: { order_id: { type: 'string' }, quantity: { type: 'integer', minimum: 1 }, note: { type: ['string', 'null'] } },
      required: ['order_id', 'quantity', 'note'],
      additionalProperties: false,
    },
  },
};

function textCall(id: string, content: unknown, overrides: Partial<CallRecord> = {}, request: Record<string, unknown> = {}): CallRecord {
  const base = createTestCallRecord();
  return {
    ...base,
    id,
    finishReason: 'stop',
    request: { model: 'gpt-4.1-mini', messages: [{ role: 'system', content: 'Extract the order.' }, { role: 'user', content: 'Order K4G-7078-20, 4 pcs.' }], ...request },
    response: { id: 'chatcmpl-1', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }] },
    ...overrides,
  };
}

function reasonOf(call: unknown, options = {}): FilterReason | 'kept' {
  const result = filterCalls([call], options);
  if (result.kept.length === 1) return 'kept';
  const entry = Object.entries(result.dropped).find(([, count]) => count === 1);
  assert.ok(entry, 'exactly one reason counted');
  return entry[0] as FilterReason;
}

test('keeps good calls: tool calls, plain text, JSON that fits its schema', () => {
  assert.equal(reasonOf(createTestCallRecord()), 'kept');
  assert.equal(reasonOf(textCall('a', 'complaint')), 'kept');
  assert.equal(reasonOf(textCall('b', '{"order_id":"K4G-7078-20","quantity":4,"note":null}', {}, { response_format: schemaFormat })), 'kept');
  assert.equal(reasonOf(textCall('c', '{"a":1}', {}, { response_format: { type: 'json_object' } })), 'kept');
});

test('drops errors, cancellations, truncated answers and refusals', () => {
  assert.equal(reasonOf(textCall('e', null, { status: 'error', errorClass: 'upstream_5xx', response: null })), 'error');
  assert.equal(reasonOf(textCall('c', 'partial', { status: 'cancelled' })), 'cancelled');
  assert.equal(reasonOf(textCall('t', '{"order_id":"K4', { finishReason: 'length' })), 'truncated');
  const refused = textCall('r', null);
  refused.response = { choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' }, finish_reason: 'stop' }] };
  assert.equal(reasonOf(refused), 'refusal');
  assert.equal(reasonOf(textCall('r2', "I'm sorry, but I can't help with that request.")), 'refusal');
  assert.equal(reasonOf(textCall('r3', 'Sorry, I cannot assist with this.')), 'refusal');
  // Conservative: a refusal phrase that is not the whole (short) answer's opening is kept.
  assert.equal(reasonOf(textCall('k', 'Your order shipped. I cannot change the address now, but support can.')), 'kept');
});

test('drops answers that fail their own response_format', () => {
  const format = { response_format: schemaFormat };
  assert.equal(reasonOf(textCall('j1', 'Sure! Here it is: {"order_id":"x"}', {}, format)), 'invalid_response_format');
  assert.equal(reasonOf(textCall('j2', '{"order_id":"K4G","quantity":"4","note":null}', {}, format)), 'invalid_response_format');
  assert.equal(reasonOf(textCall('j3', '{"order_id":"K4G","quantity":4}', {}, format)), 'invalid_response_format');
  assert.equal(reasonOf(textCall('j4', '{"order_id":"K4G","quantity":0,"note":null}', {}, format)), 'invalid_response_format');
  assert.equal(reasonOf(textCall('j5', '{"order_id":"K4G","quantity":2,"note":null,"extra":1}', {}, format)), 'invalid_response_format');
  assert.equal(reasonOf(textCall('j6', '[1,2]', {}, { response_format: { type: 'json_object' } })), 'invalid_response_format');
  const badArguments = createTestCallRecord({ id: 'args' });
  badArguments.response = { choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'record_invoice', arguments: '{"number":' } }] }, finish_reason: 'tool_calls' }] };
  assert.equal(reasonOf(badArguments), 'invalid_tool_arguments');
});

test('bad input is skipped with a counted reason, never a crash', () => {
  const huge = textCall('huge', 'ok', {}, { messages: [{ role: 'user', content: 'x'.repeat(300_000) }] });
  const binary = textCall('bin', 'ok', {}, { messages: [{ role: 'user', content: `PK\u0003\u0004\u0000\u0000binary` }] });
  const controls = textCall('ctl', 'ok', {}, { messages: [{ role: 'user', content: `${'\u0001\u0002\u0003\u0010'.repeat(10)}${'a'.repeat(200)}` }] });
  const mojibake = textCall('fffd', 'ok', {}, { messages: [{ role: 'user', content: 'Caf\uFFFD cr\uFFFDme br\uFFFDl\uFFFDe, order 12' }] });
  const surrogate = textCall('sur', 'ok', {}, { messages: [{ role: 'user', content: 'cut emoji \uD83D' }] });
  const inputs: unknown[] = [
    null,
    42,
    'a string',
    [],
    {},
    { id: 'no-fields' },
    textCall('no-messages', 'ok', {}, { messages: [] }),
    textCall('messages-not-array', 'ok', {}, { messages: 'hello' }),
    textCall('content-number', 'ok', {}, { messages: [{ role: 'user', content: 42 }] }),
    textCall('missing-content', 'ok', {}, { messages: [{ role: 'user' }] }),
    textCall('bad-role', 'ok', {}, { messages: [{ role: 'wizard', content: 'hi' }] }),
    textCall('no-output', null),
    textCall('empty-output', '   '),
    textCall('no-response', 'ok', { response: null }),
    textCall('choices-junk', 'ok', { response: { choices: 'nope' } }),
    textCall('tool-no-id', 'ok', {}, { messages: [{ role: 'tool', content: '{}' }] }),
    huge,
    binary,
    controls,
    mojibake,
    surrogate,
  ];
  const result = filterCalls(inputs);
  assert.equal(result.kept.length, 0);
  assert.equal(result.dropped.malformed, 16);
  assert.equal(result.dropped.too_large, 1);
  assert.equal(result.dropped.binary_junk, 2);
  assert.equal(result.dropped.non_utf8, 2);
  assert.deepEqual(result.droppedIds.too_large, ['huge']);
  assert.deepEqual(result.droppedIds.malformed.slice(0, 6), ['#0', '#1', '#2', '#3', '#4', 'no-fields']);
  assert.equal(Object.values(result.dropped).reduce((sum, count) => sum + count, 0), inputs.length);
  // A single U+FFFD in a long text is kept: one mis-decoded character is not a broken call.
  assert.equal(reasonOf(textCall('one', 'ok', {}, { messages: [{ role: 'user', content: `${'fine text '.repeat(30)}\uFFFD` }] })), 'kept');
  assert.equal(reasonOf(huge, { maxChars: 400_000 }), 'kept');
});
