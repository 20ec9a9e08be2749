import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseMetric } from './choose-metric.ts';

const text = (content: string | null) => ({ content, toolCalls: [] });
const sqlExecutor = async () => [];

test('tool calls win over everything but a forced metric', () => {
  const reference = { content: '{"a":1}', toolCalls: [{ name: 'f', arguments: '{}' }] };
  assert.equal(chooseMetric(reference, { responseFormat: { type: 'json_object' } }), 'tool_call');
  assert.equal(chooseMetric(reference, { metric: 'exact' }), 'exact');
});

test('json from the response_format or from the reference content', () => {
  assert.equal(chooseMetric(text('whatever'), { responseFormat: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } }), 'json');
  assert.equal(chooseMetric(text('yes'), { responseFormat: { type: 'json_object' } }), 'json');
  assert.equal(chooseMetric(text(' {"a": [1, 2]} ')), 'json');
  assert.equal(chooseMetric(text('[1, 2]')), 'json');
  assert.equal(chooseMetric(text('{not json, just braces and enough words to be free text}')), 'text_similarity');
  assert.equal(chooseMetric(text('42'), { responseFormat: { type: 'text' } }), 'label');
});

test('SQL by its look, with or without an executor', () => {
  assert.equal(chooseMetric(text('SELECT name FROM customers WHERE city = \'Oslo\''), { sqlExecutor }), 'sql_execution');
  assert.equal(chooseMetric(text('with t as (select 1) select * from t'), { sqlExecutor }), 'sql_execution');
  assert.equal(chooseMetric(text('Here is the query:\n```sql\nSELECT 1\n```'), { sqlExecutor }), 'sql_execution');
  // Without one the SQL metric falls back to text match — never to chrF.
  assert.equal(chooseMetric(text('SELECT name FROM customers WHERE city = \'Oslo\'')), 'sql_execution');
  assert.equal(chooseMetric(text('Selection of the best candidates follows below, as requested.')), 'text_similarity');
});

test('labels: one line, at most 4 words and 40 characters', () => {
  assert.equal(chooseMetric(text('billing')), 'label');
  assert.equal(chooseMetric(text('not a billing issue')), 'label');
  assert.equal(chooseMetric(text('not really a billing issue')), 'text_similarity');
  assert.equal(chooseMetric(text('Pneumonoultramicroscopicsilicovolcanoconiosis')), 'text_similarity');
  assert.equal(chooseMetric(text('yes\nno')), 'text_similarity');
  assert.equal(chooseMetric(text(null)), 'label');
});
