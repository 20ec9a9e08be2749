import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatParameterCount, formatTokenCount, parseByteSize, parseTokenCount } from './catalog-units.ts';

test('memory sizes: decimal units as GGUF repositories list them, IEC units when asked', () => {
  assert.deepEqual(parseByteSize('4GB'), { ok: true, value: 4e9 });
  assert.deepEqual(parseByteSize('512MB'), { ok: true, value: 512e6 });
  assert.deepEqual(parseByteSize('4gb'), { ok: true, value: 4e9 });
  assert.deepEqual(parseByteSize('4 G'), { ok: true, value: 4e9 });
  assert.deepEqual(parseByteSize('1.5GiB'), { ok: true, value: 1.5 * 2 ** 30 });
  assert.deepEqual(parseByteSize('800MiB'), { ok: true, value: 800 * 2 ** 20 });
  for (const bad of ['4', 'four GB', '4XB', '-1GB', '0GB', '', 'GB']) {
    const parsed = parseByteSize(bad);
    assert.equal(parsed.ok, false, `'${bad}' is rejected`);
    if (!parsed.ok) assert.match(parsed.reason, /memory size/);
  }
});

test('token counts: k is 1024 because context windows are powers of two', () => {
  assert.deepEqual(parseTokenCount('8k'), { ok: true, value: 8192 });
  assert.deepEqual(parseTokenCount('128k'), { ok: true, value: 131072 });
  assert.deepEqual(parseTokenCount('32K'), { ok: true, value: 32768 });
  assert.deepEqual(parseTokenCount('4096'), { ok: true, value: 4096 });
  assert.deepEqual(parseTokenCount('1m'), { ok: true, value: 1048576 });
  for (const bad of ['8kb', 'lots', '0', '-8k', '']) assert.equal(parseTokenCount(bad).ok, false, `'${bad}' is rejected`);
});

test('formatting for the table', () => {
  assert.equal(formatBytes(0.81e9), '810 MB');
  assert.equal(formatBytes(2.5e9), '2.50 GB');
  assert.equal(formatBytes(16.39e9), '16.4 GB');
  assert.equal(formatTokenCount(131072), '128k');
  assert.equal(formatTokenCount(32768), '32k');
  assert.equal(formatTokenCount(5000), '5000');
  assert.equal(formatParameterCount(135e6), '135M');
  assert.equal(formatParameterCount(1.23e9), '1.23B');
  assert.equal(formatParameterCount(8.2e9), '8.2B');
});
