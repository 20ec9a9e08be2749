import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { maxJsonNesting, parseJsonBody } from './request-body.ts';

const anyObject = z.looseObject({});

function nested(depth: number): string {
  return `{"model":"m","metadata":{"understudy_task":"t"},"deep":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
}

test('a body nested deeper than the limit is a 400 invalid_request, not a stack overflow later (found by the gateway fuzzer)', () => {
  // The outer object is level 1, so depth - 1 arrays bring it to `depth`.
  assert.doesNotThrow(() => parseJsonBody(nested(maxJsonNesting), anyObject));
  assert.throws(() => parseJsonBody(nested(maxJsonNesting + 1), anyObject), (error: { code?: string; message?: string }) => error.code === 'invalid_request' && /more than 256 levels/.test(error.message ?? ''));
  // Deep enough to overflow JSON.stringify's recursion if it got through.
  assert.throws(() => parseJsonBody(nested(20_000), anyObject), { code: 'invalid_request' });
});

test('brackets inside strings, escaped quotes included, do not count as nesting', () => {
  const text = JSON.stringify({ model: 'm', content: `say "${'['.repeat(1000)}" and \\"{{{${'{'.repeat(1000)}` });
  const parsed = parseJsonBody(text, anyObject) as { content: string };
  assert.ok(parsed.content.startsWith('say "['));
});
