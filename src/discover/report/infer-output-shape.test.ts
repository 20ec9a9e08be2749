import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { CallRecord } from '../../contracts/call-record.ts';
import { createTestCallRecord } from '../../store/internal/call-record-fixture.ts';
import { countActions, inferOutputShape } from './infer-output-shape.ts';
import { createSimulatedTraffic, type SimulatedTraffic } from './internal/simulated-call-records.ts';

function completion(message: Record<string, unknown>, finishReason = 'stop'): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model: 'gpt-4.1-mini',
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, annotations: [], ...message }, logprobs: null, finish_reason: finishReason }],
  };
}

function contentCall(id: string, content: string, overrides: Partial<CallRecord> = {}): CallRecord {
  return createTestCallRecord({ id, response: completion({ content }), finishReason: 'stop', ...overrides });
}

function toolCall(id: string, calls: Array<[string, string]>): CallRecord {
  const toolCalls = calls.map(([name, args], index) => ({ id: `call_${id}_${index}`, type: 'function', function: { name, arguments: args } }));
  return createTestCallRecord({ id, response: completion({ content: null, tool_calls: toolCalls }, 'tool_calls') });
}

describe('inferOutputShape on hand-made records', () => {
  test('merges JSON: null unions, required keys, nested objects and arrays, integer vs number, enums', () => {
    const outputs = [
      { name: 'Ada', phone: null, age: 36, score: 1, status: 'open', address: { city: 'Paris' }, tags: ['a'] },
      { name: 'Lin', phone: '+44 20 7946 0958', age: 41, score: 2.5, status: 'closed', address: { city: 'Oslo', zip: '0150' }, tags: [] },
      { name: 'Sam', phone: null, age: 29, score: 3, status: 'open', address: { city: 'Rome' }, tags: ['b', 'c'] },
      { name: 'Kim', phone: '555', age: 50, score: 4, status: 'open', address: { city: 'Lima' }, tags: ['a'], extra: true },
      { name: 'Ola', phone: null, age: 33, score: 5, status: 'closed', address: { city: 'Kyiv' }, tags: ['c'] },
      { name: 'Eve', phone: null, age: 22, score: 6, status: 'closed', address: { city: 'Baku' }, tags: ['a'] },
    ];
    const shape = inferOutputShape(outputs.map((output, index) => contentCall(`j${index}`, JSON.stringify(output))));
    assert.equal(shape.kind, 'json');
    assert.equal(shape.jsonValidShare, 1);
    assert.deepEqual(shape.jsonSchema, {
      type: 'object',
      properties: {
        name: { type: 'string' },
        phone: { type: ['string', 'null'] },
        age: { type: 'integer' },
        score: { type: 'number' },
        status: { type: 'string', enum: ['closed', 'open'] },
        address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } }, required: ['city'] },
        // 6 strings over 3 values is under 3 per value: not taken for a closed set.
        tags: { type: 'array', items: { type: 'string' } },
        extra: { type: 'boolean' },
      },
      required: ['name', 'phone', 'age', 'score', 'status', 'address', 'tags'],
    });
    assert.equal(shape.textVariability, null);
  });

  test('JSON asked for but not returned counts against validity; fenced JSON parses', () => {
    const asksJson = { request: { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } } };
    const shape = inferOutputShape([
      contentCall('a', '```json\n{"ok":true}\n```', asksJson),
      contentCall('b', '{"ok":false}', asksJson),
      contentCall('c', 'sorry, no JSON', asksJson),
      contentCall('d', '{"ok":true}', asksJson),
    ]);
    assert.equal(shape.kind, 'json');
    assert.equal(shape.jsonValidShare, 0.75);
    assert.deepEqual(shape.jsonSchema, { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] });
  });

  test('tool profile: per-tool share, merged arguments, parallel share, text replies', () => {
    const shape = inferOutputShape([
      toolCall('1', [['lookup', '{"id":"A1"}']]),
      toolCall('2', [['lookup', '{"id":"A2"}'], ['refund', '{"id":"A2","cents":500}']]),
      toolCall('3', [['refund', '{"id":"A3","cents":120}']]),
      contentCall('4', 'Done.'),
    ]);
    assert.equal(shape.kind, 'mixed');
    const profile = shape.toolProfile;
    assert.ok(profile);
    assert.equal(profile.toolCallShare, 0.75);
    assert.equal(profile.parallelShare, 1 / 3);
    assert.deepEqual(profile.tools.map((tool) => [tool.name, tool.share]), [['lookup', 2 / 3], ['refund', 2 / 3]]);
    assert.deepEqual(profile.tools[1]?.argumentsSchema, { type: 'object', properties: { id: { type: 'string' }, cents: { type: 'integer' } }, required: ['id', 'cents'] });
  });

  test('lengths use tokensOut, else a rough count; distinct share; calls without a response are left out', () => {
    const shape = inferOutputShape([
      contentCall('a', 'yes', { tokensOut: 1 }),
      contentCall('b', 'yes', { tokensOut: 1 }),
      contentCall('c', 'a'.repeat(40), { tokensOut: null }),
      createTestCallRecord({ id: 'err', status: 'error', response: null, tokensOut: null }),
    ]);
    assert.deepEqual(shape.length, { p50: 1, p90: 10, max: 10 });
    assert.equal(shape.distinctShare, 2 / 3);
  });

  test('countActions: tool names (parallel joined with +) or reply', () => {
    const actions = countActions([toolCall('1', [['b', '{}'], ['a', '{}']]), toolCall('2', [['a', '{}']]), contentCall('3', 'hi'), contentCall('4', 'ok')]);
    assert.deepEqual(actions, [
      { action: 'reply', calls: 2 },
      { action: 'a', calls: 1 },
      { action: 'a+b', calls: 1 },
    ]);
  });
});

describe('inferOutputShape on simulator traffic', () => {
  let traffic: SimulatedTraffic;
  before(async () => {
    traffic = await createSimulatedTraffic({ episodesPerAgent: 60, seed: 'infer-output-shape' });
  });

  test('extract-contact: an object with name, email, phone as strings or null, all required', () => {
    const shape = inferOutputShape(traffic.callsOf('support/extract-contact'));
    assert.equal(shape.kind, 'json');
    assert.equal(shape.jsonValidShare, 1);
    const schema = shape.jsonSchema as { type: string; properties: Record<string, { type: string | string[] }>; required: string[] };
    assert.equal(schema.type, 'object');
    assert.deepEqual(Object.keys(schema.properties).sort(), ['email', 'name', 'phone']);
    assert.deepEqual([...schema.required].sort(), ['email', 'name', 'phone']);
    for (const field of ['name', 'email', 'phone']) {
      const type = schema.properties[field]?.type;
      assert.ok(type === 'string' || (Array.isArray(type) && type.includes('string') && type.every((member) => member === 'string' || member === 'null')), `${field}: ${JSON.stringify(type)}`);
    }
    // The simulator leaves some contact details out of the message: they come back as null.
    assert.deepEqual(schema.properties.email?.type, ['string', 'null']);
  });

  test('rerank-tables: its JSON answers merge to {tables: string[]}', () => {
    const shape = inferOutputShape(traffic.callsOf('query/rerank-tables'));
    const schema = shape.jsonSchema as { type: string; properties: { tables: { type: string; items: { type: string } } }; required: string[] };
    assert.equal(schema.type, 'object');
    assert.deepEqual(Object.keys(schema.properties), ['tables']);
    assert.deepEqual(schema.required, ['tables']);
    assert.equal(schema.properties.tables.type, 'array');
    assert.equal(schema.properties.tables.items.type, 'string');
    assert.equal(shape.jsonValidShare, 1);
  });

  test('extract-order: quantity is an integer', () => {
    const schema = inferOutputShape(traffic.callsOf('support/extract-order')).jsonSchema as { properties: Record<string, unknown> };
    assert.deepEqual(schema.properties.quantity, { type: 'integer' });
  });

  test('choose-tool: every answer calls one of the offered tools, with argument schemas', () => {
    const task = traffic.tasks.find((candidate) => candidate.id === 'support/choose-tool');
    const shape = inferOutputShape(traffic.callsOf('support/choose-tool'));
    assert.equal(shape.kind, 'tool_calls');
    const profile = shape.toolProfile;
    assert.ok(profile && task);
    assert.equal(profile.toolCallShare, 1);
    assert.equal(profile.parallelShare, 0);
    assert.ok(profile.tools.length >= 3);
    for (const tool of profile.tools) assert.ok(task.tools.includes(tool.name), tool.name);
    assert.ok(Math.abs(profile.tools.reduce((sum, tool) => sum + tool.share, 0) - 1) < 1e-9);
    const lookup = profile.tools.find((tool) => tool.name === 'lookup_order');
    assert.deepEqual((lookup?.argumentsSchema as { properties: Record<string, unknown> }).properties.order_id, { type: 'string' });
  });

  test('classify-intent: a closed set of intent labels', () => {
    const calls = traffic.callsOf('support/classify-intent');
    const shape = inferOutputShape(calls);
    assert.equal(shape.kind, 'text');
    const labels = shape.labels ?? [];
    assert.ok(labels.length >= 4 && labels.length <= 10, JSON.stringify(labels));
    assert.equal(labels.reduce((sum, label) => sum + label.count, 0), calls.length);
    assert.ok(labels.some((label) => label.value === 'refund_request'));
  });

  test('research and chat: open-ended text, high variability and novelty; templated text is low novelty', () => {
    for (const task of ['query/research', 'support/chat']) {
      const shape = inferOutputShape(traffic.callsOf(task));
      assert.equal(shape.kind, 'text', task);
      assert.equal(shape.labels, undefined, task);
      assert.ok((shape.textVariability ?? 0) > 0.6, `${task} variability ${shape.textVariability}`);
      assert.ok((shape.textNovelty ?? 0) >= 0.3, `${task} novelty ${shape.textNovelty}`);
    }
    for (const task of ['support/summarize-thread', 'query/write-sql', 'query/fix-sql']) {
      const shape = inferOutputShape(traffic.callsOf(task));
      assert.ok((shape.textNovelty ?? 1) < 0.3, `${task} novelty ${shape.textNovelty}`);
    }
  });

  test('toolloop next-step: tool calls and replies, broken down by action', () => {
    const calls = traffic.callsOf('toolloop/next-step');
    const shape = inferOutputShape(calls);
    assert.equal(shape.kind, 'mixed');
    assert.ok((shape.toolProfile?.toolCallShare ?? 0) > 0.5);
    const actions = countActions(calls);
    assert.ok(actions.some((action) => action.action === 'reply'));
    assert.ok(actions.some((action) => action.action === 'search_flights'));
    assert.equal(actions.reduce((sum, action) => sum + action.calls, 0), calls.length);
  });
});
