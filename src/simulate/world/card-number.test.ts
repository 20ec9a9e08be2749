import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../random.ts';
import { cardNumber, luhnCheckDigit, luhnValid } from './card-number.ts';

describe('luhnValid', () => {
  it('accepts published test numbers and rejects a changed digit', () => {
    for (const number of ['4111 1111 1111 1111', '5555555555554444', '2223003122003222', '378282246310005', '4012-8888-8888-1881']) {
      assert.ok(luhnValid(number), number);
    }
    assert.ok(!luhnValid('4111111111111112'));
    assert.ok(!luhnValid('4111 abcd 1111 1111'));
    assert.equal(luhnCheckDigit('411111111111111'), '1');
  });
});

describe('cardNumber', () => {
  it('draws Luhn-valid numbers of the right brand prefixes and lengths, spaced and compact', () => {
    const random = createRandom('cards');
    const brands = new Map<string, number>();
    let spaced = 0;
    for (let index = 0; index < 5000; index += 1) {
      const value = cardNumber(random);
      assert.ok(luhnValid(value), value);
      const compact = value.replace(/ /g, '');
      if (compact !== value) {
        spaced += 1;
        assert.match(value, /^(\d{4} \d{4} \d{4} \d{4}|\d{4} \d{6} \d{5})$/);
      }
      let brand: string;
      if (/^4\d{15}$/.test(compact)) brand = 'visa';
      else if (/^5[1-5]\d{14}$/.test(compact)) brand = 'mastercard-5';
      else if (/^2\d{15}$/.test(compact) && Number(compact.slice(0, 4)) >= 2221 && Number(compact.slice(0, 4)) <= 2720) brand = 'mastercard-2';
      else if (/^3[47]\d{13}$/.test(compact)) brand = 'amex';
      else assert.fail(`unknown brand ${value}`);
      brands.set(brand, (brands.get(brand) ?? 0) + 1);
    }
    assert.deepEqual([...brands.keys()].sort(), ['amex', 'mastercard-2', 'mastercard-5', 'visa']);
    for (const count of brands.values()) assert.ok(count > 200, `brand count ${count}`);
    assert.ok(spaced > 1500 && spaced < 3500, `spaced ${spaced}`);
  });

  it('is reproducible per seed', () => {
    const draw = (seed: string) => Array.from({ length: 50 }, ((random) => () => cardNumber(random))(createRandom(seed)));
    assert.deepEqual(draw('x'), draw('x'));
    assert.notDeepEqual(draw('x'), draw('y'));
  });
});
