import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectPhones } from './detect-phones.ts';

test('detectPhones finds international and national numbers of several countries', () => {
  const text = 'Call +44 20 7881 9400, or 801.698.3704, or my mobile 07320 406981, or +91-9214038295, or +5547983257339.';
  const values = detectPhones(text).map((finding) => finding.value);
  assert.deepEqual(values.sort(), ['+44 20 7881 9400', '+5547983257339', '+91-9214038295', '07320 406981', '801.698.3704'].sort());
});

test('detectPhones skips order ids, dates, decimals and short amounts', () => {
  const text = 'Order N7D-7151-66 shipped 2024-06-12; ratio 5.88235294117647; total 9700000 units; ref C2N-7503-43.';
  assert.deepEqual(detectPhones(text), []);
});

test('detectPhones keeps offsets into the text', () => {
  const text = 'My number is 9036619801.';
  const [finding] = detectPhones(text);
  assert.ok(finding);
  assert.equal(text.slice(finding.start, finding.end), '9036619801');
});
