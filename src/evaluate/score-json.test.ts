import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreJson } from './score-json.ts';

const text = (content: string | null) => ({ content, toolCalls: [] });

test('key order, number spelling, surrounding spaces and Unicode form do not matter', () => {
  const score = scoreJson(text('{"name":"Zoë","count":10,"tags":["a"]}'), text('\n{ "tags": [" a "], "count": 1.0e1, "name": "Zoe\u0308" }\n'));
  assert.deepEqual({ correct: score.correct, score: score.score, valid: score.valid }, { correct: true, score: 1, valid: true });
  assert.deepEqual(score.fields, { total: 3, matched: 3, mismatched: [] });
});

test('case, types and null-versus-absent count', () => {
  assert.equal(scoreJson(text('{"a":"Yes"}'), text('{"a":"yes"}')).correct, false);
  assert.equal(scoreJson(text('{"a":5}'), text('{"a":"5"}')).correct, false);
  assert.equal(scoreJson(text('{"a":1,"b":null}'), text('{"a":1}')).correct, false);
});

test('field-level accuracy over the reference leaves, with JSON pointers', () => {
  const reference = text('{"customer":{"name":"Ann","city":"Oslo"},"items":[{"sku":"A1","qty":2},{"sku":"B/2","qty":1}],"urgent":false}');
  const candidate = text('{"customer":{"name":"Ann","city":"Bergen"},"items":[{"sku":"A1","qty":2},{"sku":"B/2","qty":3}],"urgent":false}');
  const score = scoreJson(reference, candidate);
  assert.equal(score.correct, false);
  assert.equal(score.score, 5 / 7);
  assert.deepEqual(score.fields, { total: 7, matched: 5, mismatched: ['/customer/city', '/items/1/qty'] });
  assert.match(score.reason ?? '', /2 of 7 fields differ \(\/customer\/city: expected "Oslo", got "Bergen"\)/);
});

test('pointer segments are escaped (RFC 6901)', () => {
  const score = scoreJson(text('{"a/b":{"c~d":1}}'), text('{"a/b":{"c~d":2}}'));
  assert.deepEqual(score.fields?.mismatched, ['/a~1b/c~0d']);
});

test('arrays compare positionally; missing and extra elements are reported', () => {
  const reordered = scoreJson(text('["x","y"]'), text('["y","x"]'));
  assert.equal(reordered.correct, false);
  assert.equal(reordered.score, 0);
  const shorter = scoreJson(text('[1,2,3]'), text('[1,2]'));
  assert.deepEqual(shorter.fields, { total: 3, matched: 2, mismatched: ['/2'] });
  const longer = scoreJson(text('[1,2]'), text('[1,2,3]'));
  assert.equal(longer.correct, false);
  assert.equal(longer.score, 1);
  assert.deepEqual(longer.fields?.unexpected, ['/2']);
});

test('extra fields make the answer incorrect without lowering field accuracy', () => {
  const score = scoreJson(text('{"a":1}'), text('{"a":1,"b":{"c":2}}'));
  assert.equal(score.correct, false);
  assert.equal(score.score, 1);
  assert.deepEqual(score.fields, { total: 1, matched: 1, mismatched: [], unexpected: ['/b/c'] });
  assert.match(score.reason ?? '', /unexpected field \/b\/c/);
});

test('empty containers are fields of their own', () => {
  assert.equal(scoreJson(text('{"a":{},"b":[]}'), text('{"a":{},"b":[]}')).correct, true);
  const score = scoreJson(text('{"a":{},"b":[]}'), text('{"a":{"x":1},"b":[]}'));
  assert.deepEqual(score.fields, { total: 2, matched: 1, mismatched: ['/a'], unexpected: ['/a/x'] });
});

test('a candidate that is not JSON scores 0 and is invalid', () => {
  const score = scoreJson(text('{"a":1}'), text('Sure! {"a":1}'));
  assert.deepEqual({ correct: score.correct, score: score.score, valid: score.valid }, { correct: false, score: 0, valid: false });
  assert.match(score.reason ?? '', /candidate is not valid JSON/);
});

test('a reference that is not JSON is reported, not thrown', () => {
  const score = scoreJson(text('{"a":'), text('{"a":1}'));
  assert.equal(score.correct, false);
  assert.match(score.reason ?? '', /reference is not valid JSON/);
});

test('valid follows the response_format schema; correctness is separate', () => {
  const responseFormat = {
    type: 'json_schema',
    json_schema: { name: 'r', schema: { type: 'object', properties: { a: { type: 'integer', maximum: 3 } }, required: ['a'], additionalProperties: false } },
  };
  const equalButInvalid = scoreJson(text('{"a":5}'), text('{"a":5}'), { responseFormat });
  assert.equal(equalButInvalid.correct, true);
  assert.equal(equalButInvalid.valid, false);
  assert.match(equalButInvalid.reason ?? '', /\/a must be <= 3/);
  const validButWrong = scoreJson(text('{"a":1}'), text('{"a":2}'), { responseFormat });
  assert.deepEqual({ correct: validButWrong.correct, valid: validButWrong.valid }, { correct: false, valid: true });
  const brokenSchema = { type: 'json_schema', json_schema: { name: 'broken', schema: { required: 'a' } } };
  const score = scoreJson(text('{"a":1}'), text('{"a":1}'), { responseFormat: brokenSchema });
  assert.equal(score.valid, false);
  assert.match(score.reason ?? '', /"broken" cannot be compiled/);
});

test('a tool call where JSON text was expected is wrong', () => {
  const score = scoreJson(text('{"a":1}'), { content: null, toolCalls: [{ name: 'f', arguments: '{"a":1}' }] });
  assert.equal(score.correct, false);
  assert.match(score.reason ?? '', /candidate called f/);
});
