import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectApiKeys, shannonEntropy } from './detect-api-keys.ts';
import { detectJwts } from './detect-jwts.ts';
import { detectPrivateKeys } from './detect-private-keys.ts';
import { detectUrlCredentials } from './detect-url-credentials.ts';

test('detectApiKeys finds vendor prefixes', () => {
  const keys = [
    'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcdT3BlbkFJxyz',
    'sk-ant-api03-QvICioD2HcRt9jb9tskzk-7DxDC-sFX45ysjIWTbWPYm7Wwc5FUtIx5od0M8gnpqAA',
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    'AKIAIOSFODNN7EXAMPLE',
    'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    'hf_abcdefghijklmnopqrstuvwxyzABCDEF',
    'glpat-abcdefghij0123456789',
  ];
  for (const key of keys) {
    const findings = detectApiKeys(`key: ${key}.`);
    assert.equal(findings[0]?.value, key, key);
  }
});

test('detectApiKeys uses entropy for unprefixed tokens but not for hashes, UUIDs or words', () => {
  assert.ok(shannonEntropy('aaaa') === 0);
  assert.equal(detectApiKeys('token Zx8Qm2LpV7nR4tYw9KdB3sHfJ6uCgE1a')[0]?.detector, 'api_key:entropy');
  const negatives = 'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 uuid 123e4567-e89b-12d3-a456-426614174000 the scikit-learn sk-learn package';
  assert.deepEqual(detectApiKeys(negatives), []);
});

test('detectJwts needs a header that decodes to JSON with alg', () => {
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
  const payload = Buffer.from('{"sub":"1234567890"}').toString('base64url');
  const token = `${header}.${payload}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`;
  assert.equal(detectJwts(`Bearer ${token}`)[0]?.value, token);
  const fakeHeader = Buffer.from('{"typ":"JWT","x":1}').toString('base64url');
  assert.deepEqual(detectJwts(`${fakeHeader}.${payload}.abc`), []);
});

test('detectPrivateKeys finds PEM blocks, also with JSON-escaped newlines', () => {
  const pem = '-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\\n-----END RSA PRIVATE KEY-----';
  assert.equal(detectPrivateKeys(`{"key":"${pem}"}`)[0]?.value, pem);
  assert.deepEqual(detectPrivateKeys('-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----'), []);
});

test('detectUrlCredentials flags user:password in URLs and nothing else', () => {
  assert.equal(detectUrlCredentials('postgres://admin:s3cr3t@db.internal:5432/app')[0]?.value, 'admin:s3cr3t');
  assert.deepEqual(detectUrlCredentials('https://example.com/a:b@c and https://user@example.com'), []);
});
