import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { hashApiKeySecret } from './api-key-repository.ts';
import { storeTestEngines } from './internal/store-test-engines.ts';
import type { StoreTestLocation } from './internal/store-test-engines.ts';
import type { Store } from './store.ts';

for (const testEngine of storeTestEngines()) {
  describe(`api key repository (${testEngine.engine})`, { skip: testEngine.skip }, () => {
    let location: StoreTestLocation;
    let store: Store;

    beforeEach(async () => {
      location = await testEngine.createLocation();
      store = await location.open();
    });
    afterEach(() => location.dispose());

    it('creates a key with a usk_ secret, its project, and finds it by the secret', async () => {
      const { record, secret } = await store.apiKeys.create({ projectId: 'shop', name: 'checkout agent' });
      assert.match(secret, /^usk_[0-9A-Za-z]{40}$/);
      assert.equal(record.prefix, secret.slice(0, 12));
      assert.equal(record.projectId, 'shop');
      assert.equal(record.name, 'checkout agent');
      assert.equal(record.revokedAt, null);
      assert.deepEqual(
        (await store.projects.list()).map((project) => project.id),
        ['shop'],
      );
      assert.deepEqual(await store.apiKeys.findBySecret(secret), record);
      // Change the last character to one it is not (a fixed 'x' matched the real secret 1 time in 62).
      const altered = `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`;
      assert.equal(await store.apiKeys.findBySecret(altered), undefined);
      assert.equal(await store.apiKeys.findBySecret(''), undefined);
    });

    it('never stores the secret, only its SHA-256', async () => {
      const { record, secret } = await store.apiKeys.create({ projectId: 'shop', name: 'k' });
      const rows = await store.db.selectFrom('api_keys').selectAll().execute();
      assert.equal(rows.length, 1);
      const secretTail = secret.slice(12);
      for (const [column, value] of Object.entries(rows[0] ?? {})) {
        assert.ok(!String(value).includes(secretTail), `column ${column} holds part of the secret`);
      }
      assert.equal(rows[0]?.secret_hash, createHash('sha256').update(secret).digest('hex'));
      assert.equal(hashApiKeySecret(secret), rows[0]?.secret_hash);
      assert.equal(rows[0]?.id, record.id);
    });

    it('gives every key a different secret and id', async () => {
      const created = await Promise.all(Array.from({ length: 20 }, (_, index) => store.apiKeys.create({ projectId: 'shop', name: `k${index}` })));
      assert.equal(new Set(created.map((key) => key.secret)).size, 20);
      assert.equal(new Set(created.map((key) => key.record.id)).size, 20);
    });

    it('lists active keys by default, revoked ones on request, filtered by project', async () => {
      const first = await store.apiKeys.create({ projectId: 'shop', name: 'one' });
      const second = await store.apiKeys.create({ projectId: 'shop', name: 'two' });
      const other = await store.apiKeys.create({ projectId: 'blog', name: 'three' });
      await store.apiKeys.revoke(second.record.id);
      const names = (keys: { name: string }[]): string[] => keys.map((key) => key.name).sort();
      assert.deepEqual(names(await store.apiKeys.list()), ['one', 'three']);
      assert.deepEqual(names(await store.apiKeys.list({ includeRevoked: true })), ['one', 'three', 'two']);
      assert.deepEqual(names(await store.apiKeys.list({ projectId: 'shop', includeRevoked: true })), ['one', 'two']);
      assert.deepEqual(names(await store.apiKeys.list({ projectId: 'blog' })), ['three']);
      assert.equal(first.record.projectId, 'shop');
      assert.equal(other.record.projectId, 'blog');
    });

    it('revokes by id, by displayed prefix, by a shorter prefix and by full secret', async () => {
      const byId = await store.apiKeys.create({ projectId: 'shop', name: 'by id' });
      const byPrefix = await store.apiKeys.create({ projectId: 'shop', name: 'by prefix' });
      const byShortPrefix = await store.apiKeys.create({ projectId: 'shop', name: 'by short prefix' });
      const bySecret = await store.apiKeys.create({ projectId: 'shop', name: 'by secret' });

      const revoked = await store.apiKeys.revoke(byId.record.id);
      assert.equal(revoked?.id, byId.record.id);
      assert.equal(typeof revoked?.revokedAt, 'number');
      assert.equal((await store.apiKeys.revoke(byPrefix.record.prefix))?.id, byPrefix.record.id);
      assert.equal((await store.apiKeys.revoke(byShortPrefix.secret.slice(0, 9)))?.id, byShortPrefix.record.id);
      assert.equal((await store.apiKeys.revoke(bySecret.secret))?.id, bySecret.record.id);
      assert.deepEqual(await store.apiKeys.list(), []);

      // A revoked key is still found by its secret so the gateway can say "revoked" rather than "unknown".
      const found = await store.apiKeys.findBySecret(byId.secret);
      assert.equal(found?.revokedAt, revoked?.revokedAt);
      // Revoking again keeps the first revocation time.
      assert.equal((await store.apiKeys.revoke(byId.record.id))?.revokedAt, revoked?.revokedAt);
    });

    it('refuses prefixes that are too short, unknown or ambiguous', async () => {
      const key = await store.apiKeys.create({ projectId: 'shop', name: 'k' });
      assert.equal(await store.apiKeys.revoke('usk_'), undefined);
      assert.equal(await store.apiKeys.revoke(key.secret.slice(0, 7)), undefined);
      assert.equal(await store.apiKeys.revoke('usk_zzzzzzzz'), undefined);
      assert.equal(await store.apiKeys.revoke(`${key.secret.slice(0, 13)}`), undefined);
      assert.equal(await store.apiKeys.revoke('nope'), undefined);

      // Two keys sharing a displayed prefix can only be made by hand; the store must not pick one at random.
      await store.db
        .insertInto('api_keys')
        .values({
          id: 'key_twin',
          project_id: 'shop',
          name: 'twin',
          prefix: key.record.prefix,
          secret_hash: hashApiKeySecret('usk_twin'),
          created_at: Date.now(),
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
      await assert.rejects(store.apiKeys.revoke(key.record.prefix), { code: 'invalid_request' });
      assert.equal((await store.apiKeys.findBySecret(key.secret))?.revokedAt, null);
    });

    it('stores per-key limits at creation, changes and clears them, and leaves absent ones alone', async () => {
      const plain = await store.apiKeys.create({ projectId: 'shop', name: 'plain' });
      assert.equal(plain.record.rateLimitPerMinute, null);
      assert.equal(plain.record.maxBodyBytes, null);
      const limited = await store.apiKeys.create({ projectId: 'shop', name: 'limited', rateLimitPerMinute: 30, maxBodyBytes: 4_096 });
      assert.equal(limited.record.rateLimitPerMinute, 30);
      assert.equal(limited.record.maxBodyBytes, 4_096);
      assert.deepEqual(await store.apiKeys.findBySecret(limited.secret), limited.record);

      const raised = await store.apiKeys.setLimits(limited.record.prefix, { rateLimitPerMinute: 600 });
      assert.equal(raised?.rateLimitPerMinute, 600);
      assert.equal(raised?.maxBodyBytes, 4_096, 'an absent field is left as it was');
      const cleared = await store.apiKeys.setLimits(limited.record.id, { maxBodyBytes: null });
      assert.deepEqual([cleared?.rateLimitPerMinute, cleared?.maxBodyBytes], [600, null]);
      assert.deepEqual(await store.apiKeys.findBySecret(limited.secret), cleared);
      // A body limit above 2^31 survives the bigint column on both engines as a number.
      await store.apiKeys.setLimits(plain.record.id, { maxBodyBytes: 5 * 2 ** 30 });
      assert.equal((await store.apiKeys.findBySecret(plain.secret))?.maxBodyBytes, 5 * 2 ** 30);
      assert.equal((await store.apiKeys.list()).find((key) => key.id === limited.record.id)?.rateLimitPerMinute, 600);
    });

    it('refuses limits that are not positive whole numbers, and unknown keys', async () => {
      const key = await store.apiKeys.create({ projectId: 'shop', name: 'k' });
      await assert.rejects(store.apiKeys.setLimits(key.record.id, { rateLimitPerMinute: 0 }), { code: 'invalid_request' });
      await assert.rejects(store.apiKeys.setLimits(key.record.id, { maxBodyBytes: 1.5 }), { code: 'invalid_request' });
      await assert.rejects(store.apiKeys.create({ projectId: 'shop', name: 'bad', rateLimitPerMinute: -3 }), { code: 'invalid_request' });
      assert.equal(await store.apiKeys.setLimits('key_missing', { rateLimitPerMinute: 5 }), undefined);
      assert.equal((await store.apiKeys.findBySecret(key.secret))?.rateLimitPerMinute, null);
    });

    it('marks keys used, only ever moving the time forward', async () => {
      const first = await store.apiKeys.create({ projectId: 'shop', name: 'one' });
      const second = await store.apiKeys.create({ projectId: 'shop', name: 'two' });
      await store.apiKeys.markUsed([first.record.id, second.record.id, first.record.id], 5_000);
      await store.apiKeys.markUsed([first.record.id], 4_000);
      await store.apiKeys.markUsed([second.record.id], 6_000);
      await store.apiKeys.markUsed([], 7_000);
      assert.equal((await store.apiKeys.findBySecret(first.secret))?.lastUsedAt, 5_000);
      assert.equal((await store.apiKeys.findBySecret(second.secret))?.lastUsedAt, 6_000);
    });
  });
}
