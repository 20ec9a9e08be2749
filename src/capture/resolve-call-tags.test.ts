import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatCompletionRequestSchema } from '../contracts/chat-completion.ts';
import { clean, maxTagLength, resolveCallTags } from './resolve-call-tags.ts';

const request = chatCompletionRequestSchema.parse({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Classify: "my card was charged twice"' }],
  user: 'user-1234',
  safety_identifier: 'hashed-5678',
  metadata: { understudy_task: 'ticket-triage', understudy_episode: 'run-42', understudy_user: 'meta-user' },
});

test('headers win over the body; body metadata is the fallback', () => {
  const headers = new Headers({ 'X-Understudy-Task': ' billing-triage ', 'x-understudy-episode': 'trace-9', 'x-understudy-user': 'u-header' });
  assert.deepEqual(resolveCallTags({ headers, request }), { task: 'billing-triage', episodeId: 'trace-9', endUserId: 'u-header' });
  assert.deepEqual(resolveCallTags({ request }), { task: 'ticket-triage', episodeId: 'run-42', endUserId: 'user-1234' });
});

test('end user: user, then safety_identifier, then metadata', () => {
  const { user: _user, ...withoutUser } = request;
  assert.equal(resolveCallTags({ request: withoutUser }).endUserId, 'hashed-5678');
  const { safety_identifier: _safety, ...withoutEither } = withoutUser;
  assert.equal(resolveCallTags({ request: withoutEither }).endUserId, 'meta-user');
});

test('an override (SDK option) wins; blank values fall through; nothing gives nulls', () => {
  const headers = new Headers({ 'x-understudy-task': '   ' });
  assert.deepEqual(resolveCallTags({ headers, request, override: { episodeId: 'sdk-episode' } }), {
    task: 'ticket-triage',
    episodeId: 'sdk-episode',
    endUserId: 'user-1234',
  });
  assert.deepEqual(resolveCallTags({ request: { metadata: null } }), { task: null, episodeId: null, endUserId: null });
  assert.deepEqual(resolveCallTags({ request: { user: 42, metadata: { understudy_task: 7 } } }), { task: null, episodeId: null, endUserId: null });
});

test('values are cut to 200 characters without splitting a surrogate pair', () => {
  assert.equal(clean('x'.repeat(500))?.length, maxTagLength);
  const emoji = `${'a'.repeat(maxTagLength - 1)}😀tail`;
  const cut = clean(emoji);
  assert.equal(cut, 'a'.repeat(maxTagLength - 1));
  assert.equal(clean(''), null);
  assert.equal(clean(undefined), null);
});
