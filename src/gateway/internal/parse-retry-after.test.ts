import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRetryAfterMs } from './parse-retry-after.ts';

test('reads Retry-After as seconds or an HTTP date, and retry-after-ms first', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  assert.equal(parseRetryAfterMs({ 'retry-after': '2' }, now), 2000);
  assert.equal(parseRetryAfterMs({ 'retry-after': '0.5' }, now), 500);
  assert.equal(parseRetryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:28:03 GMT' }, now), 3000);
  assert.equal(parseRetryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:27:00 GMT' }, now), 0, 'a date in the past means now');
  assert.equal(parseRetryAfterMs({ 'retry-after-ms': '150.2', 'retry-after': '9' }, now), 151);
  assert.equal(parseRetryAfterMs({ 'retry-after': ['4', '7'] }, now), 4000);
});

test('ignores absent and unreadable values', () => {
  for (const value of [undefined, '', '  ', '-1', 'soon', '1e3', 'Wed, 99 Foo 2015 99:00:00 GMT']) {
    assert.equal(parseRetryAfterMs({ 'retry-after': value }), undefined, String(value));
  }
  assert.equal(parseRetryAfterMs({ 'retry-after-ms': 'x' }), undefined);
});
