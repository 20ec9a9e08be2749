import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectIpAddresses } from './detect-ip-addresses.ts';

test('detectIpAddresses finds IPv4 and full or shortened IPv6', () => {
  const text = 'Login from 83.14.201.7 and 2a02:1f:3a::b2:9 and 2600:1:22:333:4444:5:66:777.';
  assert.deepEqual(detectIpAddresses(text).map((finding) => finding.value), ['83.14.201.7', '2a02:1f:3a::b2:9', '2600:1:22:333:4444:5:66:777']);
});

test('detectIpAddresses skips version numbers, out-of-range octets and times', () => {
  assert.deepEqual(detectIpAddresses('Upgrade to v1.2.3.4 or version 10.0.0.1; 1.2.3.4.5; 256.1.1.1; 01.2.3.4; at 12:30:45; 3.14'), []);
});
