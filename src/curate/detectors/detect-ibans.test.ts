import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectIbans } from './detect-ibans.ts';

test('detectIbans finds grouped and compact IBANs cut to their country length', () => {
  const text = 'My IBAN is FR76 3006 6544 9220 7902 4455 189 - please. Or DE55100700000370989523, BE20539539497256 12.';
  assert.deepEqual(detectIbans(text).map((finding) => finding.value), [
    'FR76 3006 6544 9220 7902 4455 189',
    'DE55100700000370989523',
    'BE20539539497256',
  ]);
});

test('detectIbans rejects a wrong checksum, a wrong length and unknown countries', () => {
  assert.deepEqual(detectIbans('DE55100700000370989524 DE5510070000037098952 QQ55100700000370989523'), []);
});
