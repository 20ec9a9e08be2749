import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectCardNumbers, passesLuhn } from './detect-card-numbers.ts';

test('detectCardNumbers finds Luhn-valid numbers with brand prefixes, spaced or not', () => {
  const text = 'Use 4263 8750 6922 3344 or 340503855820603 or 5555-5555-5555-4444.';
  assert.deepEqual(detectCardNumbers(text).map((finding) => [finding.value, finding.detector]), [
    ['4263 8750 6922 3344', 'card:visa'],
    ['340503855820603', 'card:amex'],
    ['5555-5555-5555-4444', 'card:mastercard'],
  ]);
});

test('detectCardNumbers rejects 16-digit non-Luhn numbers, unknown prefixes and digits inside longer runs', () => {
  assert.equal(passesLuhn('4263875069223345'), false);
  assert.deepEqual(detectCardNumbers('Tracking 4263875069223345 and 9999999999999995 and 14263875069223344123.'), []);
});
