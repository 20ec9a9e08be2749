import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateAnswer } from './validate-answer.ts';

const ticketFormat = {
  type: 'json_schema',
  json_schema: {
    name: 'ticket',
    strict: true,
    schema: {
      type: 'object',
      properties: { category: { type: 'string', enum: ['billing', 'shipping'] }, priority: { type: 'integer' }, due: { type: 'string', format: 'date' } },
      required: ['category', 'priority'],
      additionalProperties: false,
    },
  },
};

const text = (content: string | null) => ({ content, toolCalls: [] });

test('json_schema: a matching object is valid', () => {
  assert.deepEqual(validateAnswer(text('{"category":"billing","priority":2,"due":"2026-01-31"}\n'), { responseFormat: ticketFormat }), { valid: true });
});

test('json_schema: schema violations are invalid with the failing path in the reason', () => {
  const wrongEnum = validateAnswer(text('{"category":"refund","priority":2}'), { responseFormat: ticketFormat });
  assert.equal(wrongEnum.valid, false);
  assert.match(wrongEnum.reason ?? '', /\/category must be equal to one of the allowed values/);
  const extraKey = validateAnswer(text('{"category":"billing","priority":2,"note":"x"}'), { responseFormat: ticketFormat });
  assert.match(extraKey.reason ?? '', /additional properties \(note\)/);
  const missing = validateAnswer(text('{"category":"billing"}'), { responseFormat: ticketFormat });
  assert.match(missing.reason ?? '', /required property 'priority'/);
});

test('json_schema: formats are checked (ajv-formats)', () => {
  const result = validateAnswer(text('{"category":"billing","priority":2,"due":"next week"}'), { responseFormat: ticketFormat });
  assert.equal(result.valid, false);
  assert.match(result.reason ?? '', /must match format "date"/);
});

test('json_schema: unparseable content is invalid', () => {
  const result = validateAnswer(text('```json\n{"category":"billing","priority":2}\n```'), { responseFormat: ticketFormat });
  assert.equal(result.valid, false);
  assert.match(result.reason ?? '', /not valid JSON/);
});

test('a schema ajv cannot compile gives invalid with a reason naming the schema, never a throw', () => {
  const broken = { type: 'json_schema', json_schema: { name: 'broken', schema: { type: 'strng' } } };
  const result = validateAnswer(text('"x"'), { responseFormat: broken });
  assert.equal(result.valid, false);
  assert.match(result.reason ?? '', /response_format schema "broken" cannot be compiled/);
  // A dangling $ref is also a compile failure, and the cache must return the same verdict the second time.
  const dangling = { type: 'json_schema', json_schema: { name: 'dangling', schema: { $ref: '#/definitions/missing' } } };
  for (let round = 0; round < 2; round += 1) assert.match(validateAnswer(text('{}'), { responseFormat: dangling }).reason ?? '', /"dangling" cannot be compiled/);
});

test('unknown keywords are ignored and draft 2020-12 schemas are understood', () => {
  const vendor = { type: 'json_schema', json_schema: { name: 'v', schema: { type: 'object', 'x-order': 1, properties: { a: { type: 'number' } } } } };
  assert.equal(validateAnswer(text('{"a":1}'), { responseFormat: vendor }).valid, true);
  const draft2020 = {
    type: 'json_schema',
    json_schema: { name: 'tuple', schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false } },
  };
  assert.equal(validateAnswer(text('["a", 1]'), { responseFormat: draft2020 }).valid, true);
  assert.equal(validateAnswer(text('["a", 1, 2]'), { responseFormat: draft2020 }).valid, false);
});

test('two schemas with the same $id do not collide', () => {
  const first = { type: 'json_schema', json_schema: { name: 'a', schema: { $id: 'https://example.com/s', type: 'string' } } };
  const second = { type: 'json_schema', json_schema: { name: 'b', schema: { $id: 'https://example.com/s', type: 'number' } } };
  assert.equal(validateAnswer(text('"x"'), { responseFormat: first }).valid, true);
  assert.equal(validateAnswer(text('3'), { responseFormat: second }).valid, true);
  assert.equal(validateAnswer(text('"x"'), { responseFormat: second }).valid, false);
});

test('json_object: any JSON object, nothing else', () => {
  const responseFormat = { type: 'json_object' };
  assert.equal(validateAnswer(text('{"anything": [1, 2]}'), { responseFormat }).valid, true);
  assert.equal(validateAnswer(text('[1, 2]'), { responseFormat }).valid, false);
  assert.equal(validateAnswer(text('{oops}'), { responseFormat }).valid, false);
});

test('text: any non-blank content; an empty answer is invalid', () => {
  assert.equal(validateAnswer(text('hello'), { responseFormat: { type: 'text' } }).valid, true);
  assert.equal(validateAnswer(text('{not json}'), {}).valid, true);
  assert.deepEqual(validateAnswer(text('  \n'), {}), { valid: false, reason: 'empty answer: no content and no tool calls' });
  assert.equal(validateAnswer(text(null), {}).valid, false);
});

test('tool calls: offered, parseable, an object, and valid against parameters', () => {
  const tools = [
    { type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { order_id: { type: 'string', pattern: '^ORD-\\d+$' } }, required: ['order_id'] } } },
    { type: 'function', function: { name: 'no_schema' } },
  ];
  const call = (name: string, args: string) => ({ content: null, toolCalls: [{ name, arguments: args }] });
  assert.deepEqual(validateAnswer(call('lookup_order', '{"order_id":"ORD-12"}'), { tools }), { valid: true });
  assert.deepEqual(validateAnswer(call('no_schema', '{"free": true}'), { tools }), { valid: true });
  assert.match(validateAnswer(call('lookup_order', '{"order_id":"12"}'), { tools }).reason ?? '', /arguments of lookup_order does not match the parameters schema of lookup_order: \/order_id must match pattern/);
  assert.match(validateAnswer(call('lookup_order', '{order_id: 1}'), { tools }).reason ?? '', /arguments of lookup_order are not valid JSON/);
  assert.match(validateAnswer(call('lookup_order', '["ORD-1"]'), { tools }).reason ?? '', /not a JSON object/);
  assert.match(validateAnswer(call('cancel_order', '{}'), { tools }).reason ?? '', /tool "cancel_order" was not offered \(offered: lookup_order, no_schema\)/);
  assert.match(validateAnswer(call('lookup_order', '{}'), { tools: null }).reason ?? '', /no tools offered/);
});

test('a tool whose parameters schema cannot compile makes its calls invalid', () => {
  const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'integr' } } } } }];
  const result = validateAnswer({ content: null, toolCalls: [{ name: 'f', arguments: '{"a":1}' }] }, { tools });
  assert.equal(result.valid, false);
  assert.match(result.reason ?? '', /the parameters schema of f cannot be compiled/);
});
