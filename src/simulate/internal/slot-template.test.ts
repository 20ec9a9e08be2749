import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillTemplate, matchTemplates, substituteSlot, templatePattern } from './slot-template.ts';

describe('slot templates', () => {
  it('reads back what it filled, with typed slots', () => {
    const template = 'Please cancel order {orderId} ({quantity} x {product}) today.';
    const text = `Hi! ${fillTemplate(template, { orderId: 'A1B-2345-67', quantity: '2', product: 'Lamp (large)' })} Thanks.`;
    const match = matchTemplates([template], text, { quantity: '\\d+' });
    assert.deepEqual(match, { index: 0, slots: { orderId: 'A1B-2345-67', quantity: '2', product: 'Lamp (large)' } });
  });

  it('requires a repeated slot to repeat its value', () => {
    const pattern = templatePattern('{name} and {name}.');
    assert.ok(pattern.test('Ann and Ann.'));
    assert.ok(!pattern.test('Ann and Bob.'));
  });

  it('throws on a slot without a value, a generator bug', () => {
    assert.throws(() => fillTemplate('Hello {name}.', {}), /no value/);
  });

  it('composes templates slot by slot', () => {
    assert.equal(substituteSlot('Where is {orderLine}?', 'orderLine', 'order {orderId}'), 'Where is order {orderId}?');
  });
});
