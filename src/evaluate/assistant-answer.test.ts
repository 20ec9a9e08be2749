import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerFromMessage } from './assistant-answer.ts';

test('reads an OpenAI assistant message with tool calls', () => {
  const message = {
    role: 'assistant',
    content: null,
    refusal: null,
    tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
  };
  assert.deepEqual(answerFromMessage(message), { content: null, toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
});

test('joins text content parts and keeps string content as is', () => {
  assert.deepEqual(answerFromMessage({ content: [{ type: 'text', text: 'Hel' }, { type: 'text', text: 'lo' }] }), { content: 'Hello', toolCalls: [] });
  assert.deepEqual(answerFromMessage({ content: ' hi ' }), { content: ' hi ', toolCalls: [] });
});
