import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectPii } from './detect-pii.ts';

test('detectPii works inside JSON-escaped strings with offsets into the given string', () => {
  const text = JSON.stringify(JSON.stringify({ email: 'a.b@c.com', address: '167 Queens Road\nGlasgow G3 0DF', name: 'Chloé Romano' }));
  const findings = detectPii(text);
  for (const finding of findings) assert.equal(text.slice(finding.start, finding.end), finding.value);
  const kinds = findings.map((finding) => finding.kind);
  assert.ok(kinds.includes('email'));
  const address = findings.find((finding) => finding.kind === 'street_address');
  assert.equal(address?.value, '167 Queens Road\\\\nGlasgow G3 0DF');
  const asciiEscaped = '{"name":"Chlo\\u00e9 Romano"}';
  assert.equal(detectPii(asciiEscaped).find((finding) => finding.kind === 'person_name')?.value, 'Chlo\\u00e9 Romano');
});

test('detectPii resolves overlaps and filters kinds', () => {
  const text = 'Card 4263 8750 6922 3344, phone +44 20 7881 9400.';
  const findings = detectPii(text);
  assert.deepEqual(findings.map((finding) => finding.kind), ['card_number', 'phone']);
  assert.deepEqual(detectPii(text, { kinds: ['phone'] }).map((finding) => finding.value), ['+44 20 7881 9400']);
  for (let index = 1; index < findings.length; index += 1) assert.ok((findings[index - 1]?.end ?? 0) <= (findings[index]?.start ?? 0));
});
