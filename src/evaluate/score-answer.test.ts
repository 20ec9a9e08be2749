import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createSqliteExecutor } from './create-sqlite-executor.ts';
import { scoreAnswer } from './score-answer.ts';

const text = (content: string) => ({ content, toolCalls: [] });

test('dispatches on the shape: label, JSON, free text, tool calls, SQL', async () => {
  assert.equal((await scoreAnswer(text('Billing'), text('billing'))).metric, 'label');
  assert.equal((await scoreAnswer(text('{"a":1}'), text('{"a":1}'))).metric, 'json');
  assert.equal((await scoreAnswer(text('A long answer that goes on for a while.'), text('Something else entirely.'))).metric, 'text_similarity');
  const call = { content: null, toolCalls: [{ name: 'f', arguments: '{}' }] };
  const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }];
  assert.deepEqual(await scoreAnswer(call, call, { tools }), { metric: 'tool_call', correct: true, score: 1, valid: true, fields: { total: 1, matched: 1, mismatched: [] } });
  const sqlExecutor = createSqliteExecutor(new Database(':memory:'));
  const sql = await scoreAnswer(text('SELECT 1 + 1'), text('SELECT 2'), { sqlExecutor });
  assert.deepEqual({ metric: sql.metric, correct: sql.correct }, { metric: 'sql_execution', correct: true });
});

test('a forced metric is used as given', async () => {
  const score = await scoreAnswer(text('Billing'), text('billing'), { metric: 'exact' });
  assert.deepEqual({ metric: score.metric, correct: score.correct }, { metric: 'exact', correct: false });
});

test('bad answers and bad schemas are results, never throws', async () => {
  const responseFormat = { type: 'json_schema', json_schema: { name: 'bad', schema: { type: 42 } } };
  const score = await scoreAnswer(text('{"a":1}'), text('not json'), { responseFormat });
  assert.deepEqual({ metric: score.metric, correct: score.correct, valid: score.valid }, { metric: 'json', correct: false, valid: false });
});
