import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatCompletion, ChatCompletionToolCall } from '../../contracts/chat-completion.ts';
import type { ExpectedAnswer } from '../simulated-task.ts';
import { scoreAnswer } from './score-answer.ts';

function completionWith(content: string | null, toolCalls?: ChatCompletionToolCall[], finishReason = 'stop'): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model: 'gpt-4.1-mini',
    choices: [{ index: 0, message: { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: finishReason }],
  };
}

const call = (name: string, args: string): ChatCompletionToolCall => ({ id: `call_${name}`, type: 'function', function: { name, arguments: args } });

test('text is exact after trimming', () => {
  assert.equal(scoreAnswer({ kind: 'text', text: 'refund' }, completionWith(' refund\n')).correct, true);
  assert.equal(scoreAnswer({ kind: 'text', text: 'refund' }, completionWith('Refund')).correct, false);
});

test('json compares parsed values, whatever the key order', () => {
  const expected = { kind: 'json', value: { a: 1, b: ['x'] } } as const;
  assert.equal(scoreAnswer(expected, completionWith('{"b":["x"],"a":1}')).correct, true);
  assert.equal(scoreAnswer(expected, completionWith('{"a":1,"b":["y"]}')).correct, false);
  assert.deepEqual(scoreAnswer(expected, completionWith('not json')), { correct: false, reason: 'content is not JSON' });
});

test('tool calls match by name and parsed arguments, in any order', () => {
  const expected: ExpectedAnswer = {
    kind: 'tool_calls',
    calls: [
      { name: 'lookup', arguments: { id: 1 } },
      { name: 'notify', arguments: { to: 'a' } },
    ],
  };
  assert.equal(scoreAnswer(expected, completionWith(null, [call('notify', '{"to":"a"}'), call('lookup', '{ "id": 1 }')])).correct, true);
  assert.equal(scoreAnswer(expected, completionWith(null, [call('lookup', '{"id":1}')])).correct, false);
  assert.equal(scoreAnswer(expected, completionWith(null, [call('lookup', '{"id":2}'), call('notify', '{"to":"a"}')])).correct, false);
  assert.equal(scoreAnswer(expected, completionWith(null, [call('lookup', '{"id":1'), call('notify', '{"to":"a"}')])).correct, false);
});

test('sql uses the matcher on the reply, and is unscored without one', () => {
  const expected = { kind: 'sql', sql: 'SELECT 1', database: 'shop' } as const;
  const seen: string[] = [];
  const sqlMatcher = (database: string, candidate: string, gold: string) => {
    seen.push(`${database}|${candidate}|${gold}`);
    return { match: candidate === 'SELECT 1' };
  };
  assert.equal(scoreAnswer(expected, completionWith('SELECT 1'), { sqlMatcher }).correct, true);
  assert.deepEqual(seen, ['shop|SELECT 1|SELECT 1']);
  assert.equal(scoreAnswer(expected, completionWith('SELECT 2'), { sqlMatcher }).correct, false);
  assert.equal(scoreAnswer(expected, completionWith('SELECT 1')).correct, null);
  const throwing = () => {
    throw new Error('no such table');
  };
  assert.equal(scoreAnswer(expected, completionWith('SELECT * FROM nope'), { sqlMatcher: throwing }).correct, false);
});

test('open-ended calls are not scored; truncated answers are wrong', () => {
  assert.equal(scoreAnswer({ kind: 'open' }, completionWith('anything')).correct, null);
  assert.equal(scoreAnswer({ kind: 'text', text: 'refund' }, completionWith('refund', undefined, 'length')).correct, false);
});
