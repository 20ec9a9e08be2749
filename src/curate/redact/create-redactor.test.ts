import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRedactor } from './create-redactor.ts';

const secretKey = Buffer.alloc(32, 9);
const text = 'Hi, my name is Daniel Girard (daniel.girard@acme-corp.com, +44 20 7946 0958). Card 4111 1111 1111 1111, key ghp_abcdefghijklmnopqrstuvwxyz0123456789.';

test('surrogates are consistent within a scope, across redactors, and differ across scopes', () => {
  const first = createRedactor({ scope: 'p1', secretKey }).redactText(text);
  const again = createRedactor({ scope: 'p1', secretKey }).redactText(text);
  const other = createRedactor({ scope: 'p2', secretKey }).redactText(text);
  assert.equal(first, again);
  assert.notEqual(first, other);
  for (const value of ['Daniel', 'Girard', 'daniel.girard', '7946 0958', '4111 1111 1111 1111', 'ghp_']) assert.ok(!first.includes(value), value);
  assert.match(first, /<API_KEY_1>/);
});

test('name tokens map one by one, so a later lone first name stays consistent', () => {
  const redactor = createRedactor({ scope: 'p1', secretKey });
  const full = redactor.redactText('My name is Daniel Girard.');
  const alone = redactor.redactText('Dear Daniel, thanks.');
  const fakeFirst = /My name is (\S+) /.exec(full)?.[1];
  assert.ok(fakeFirst !== undefined && fakeFirst !== 'Daniel');
  assert.equal(alone, `Dear ${fakeFirst}, thanks.`);
  const mappings = redactor.takeNewMappings();
  assert.deepEqual(mappings.map((mapping) => mapping.real), ['Daniel', 'Girard']);
  assert.deepEqual(redactor.takeNewMappings(), [], 'each mapping is handed over once');
});

test('placeholder mode numbers values per scope and kind; secrets are placeholders in both modes', () => {
  const redactor = createRedactor({ scope: 'p1', secretKey, mode: 'placeholder' });
  assert.equal(redactor.redactText('Email a@acme.io or b@acme.io, then a@acme.io'), 'Email <EMAIL_1> or <EMAIL_2>, then <EMAIL_1>');
  assert.equal(redactor.redactText('Key sk-proj-Zq8XcV2bN4mL6kJ0hG3fD5sA7pO9iU1yT2rE4wQ6'), 'Key <API_KEY_1>');
  const mappings = redactor.takeNewMappings();
  assert.equal(mappings.find((mapping) => mapping.kind === 'api_key')?.real, null, 'a secret is never kept');
  // A redactor seeded with the scope's stored mappings continues the numbering.
  const restarted = createRedactor({ scope: 'p1', secretKey, mode: 'placeholder', known: mappings });
  assert.equal(restarted.redactText('b@acme.io and c@acme.io'), '<EMAIL_2> and <EMAIL_3>');
});

test('JSON text stays valid JSON, escapes included', () => {
  const redactor = createRedactor({ scope: 'p1', secretKey });
  const json = JSON.stringify({ full_name: 'Léa Dubois', address: '12 High Street\nLeeds LS6 2AB', email: 'lea.dubois@orange.fr', date_of_birth: '1987-03-14' });
  const redacted = redactor.redactText(json);
  const parsed = JSON.parse(redacted) as Record<string, string>;
  assert.notEqual(parsed.full_name, 'Léa Dubois');
  assert.match(parsed.address ?? '', /^\d+ \w+ Street\n\w+ [A-Z]{2}\d \d[A-Z]{2}$/);
  assert.match(parsed.date_of_birth ?? '', /^\d{4}-\d{2}-\d{2}$/);
  assert.notEqual(parsed.date_of_birth, '1987-03-14');
  assert.throws(() => createRedactor({ scope: 'p1', secretKey: Buffer.alloc(16) }), { code: 'config_invalid' });
});
