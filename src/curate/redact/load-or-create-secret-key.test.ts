import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadOrCreateSecretKey } from './load-or-create-secret-key.ts';

test('creates the key once, private to its owner, and reads the same key back', () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'understudy-key-'));
  try {
    const dataDir = path.join(parent, 'data');
    const first = loadOrCreateSecretKey(dataDir, {});
    assert.equal(first.length, 32);
    assert.deepEqual(loadOrCreateSecretKey(dataDir, {}), first);
    assert.equal(statSync(path.join(dataDir, 'secret.key')).mode & 0o777, 0o600);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    writeFileSync(path.join(dataDir, 'secret.key'), 'too short');
    assert.throws(() => loadOrCreateSecretKey(dataDir, {}), { code: 'config_invalid' });
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('the environment variable wins and is validated', () => {
  const key = Buffer.alloc(32, 3);
  assert.deepEqual(loadOrCreateSecretKey('/nonexistent/never-created', { UNDERSTUDY_SECRET_KEY: key.toString('base64') }), key);
  assert.throws(() => loadOrCreateSecretKey('/nonexistent', { UNDERSTUDY_SECRET_KEY: Buffer.alloc(16).toString('base64') }), { code: 'config_invalid' });
});
