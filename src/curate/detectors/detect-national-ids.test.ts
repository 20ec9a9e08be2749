import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectNationalIds } from './detect-national-ids.ts';

test('detectNationalIds finds dashed SSNs, cued bare SSNs and UK NINOs', () => {
  const text = 'SSN 123-45-6789; my SSN: 078051120; NI number JG 12 34 56 C and AB123456D.';
  assert.deepEqual(detectNationalIds(text).map((finding) => finding.value).sort(), ['078051120', '123-45-6789', 'AB123456D', 'JG 12 34 56 C'].sort());
});

test('detectNationalIds skips unissuable SSNs, bare nine digits without a cue and excluded NINO prefixes', () => {
  assert.deepEqual(detectNationalIds('000-12-3456 666-12-3456 900-12-3456 123-00-4567 order 123456789 GB123456A'), []);
});
