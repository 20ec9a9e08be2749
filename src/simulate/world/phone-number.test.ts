import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../random.ts';
import { phoneCountries, phoneNumber } from './phone-number.ts';

const callingCodes: Record<string, string> = { US: '1', GB: '44', DE: '49', FR: '33', IN: '91', BR: '55', NL: '31', ES: '34' };

/**
 * The national significant number — what libphonenumber validates — recovered from a written number by
 * dropping punctuation, the "+CC"/"00CC" prefix or the trunk prefix, and a French "(0)".
 */
function nationalSignificantNumber(value: string, country: string): string {
  const code = callingCodes[country]!;
  const withoutOptionalZero = value.replace('(0)', '');
  const digitsOnly = withoutOptionalZero.replace(/\D/g, '');
  if (withoutOptionalZero.startsWith('+')) return digitsOnly.slice(code.length);
  if (withoutOptionalZero.startsWith('00')) return digitsOnly.slice(2 + code.length);
  if (country === 'US' && digitsOnly.length === 11) return digitsOnly.slice(1);
  if (['GB', 'DE', 'FR', 'NL', 'IN'].includes(country) && digitsOnly.startsWith('0')) return digitsOnly.slice(1);
  return digitsOnly;
}

/** Ranges each generator promises, taken from the countries' numbering plans (libphonenumber metadata). */
const validNumbers: Record<string, RegExp> = {
  US: /^(201|202|206|212|213|303|305|312|404|415|503|512|602|617|646|702|713|718|773|801|818|917|919|972)[2-9]\d{6}$/,
  GB: /^(7[1-3]\d{8}|20[78]\d{7})$/,
  DE: /^(15[12579]\d{8}|17\d{8}|(30|89)[2-9]\d{7})$/,
  FR: /^(6[0-24-8]\d{7}|7[3-9]\d{7}|1[45]\d{7})$/,
  IN: /^(9\d|70|8[45])\d{8}$/,
  BR: /^(11|12|19|21|24|27|31|41|47|48|51|61|62|71|81|85|91)9[6-9]\d{7}$/,
  NL: /^(6[1-5]\d{7}|(20|10)[2-9]\d{6})$/,
  ES: /^(6\d{8}|9[135][2-9]\d{6})$/,
};

/** How people write them: digits, spaces, and the punctuation habits of each country. */
const writtenShapes: Record<string, RegExp> = {
  US: /^(\+1 \d{3} \d{3} \d{4}|\+1 \(\d{3}\) \d{3}-\d{4}|\+1-\d{3}-\d{3}-\d{4}|\+1\d{10}|\(\d{3}\) \d{3}-\d{4}|\d{3}-\d{3}-\d{4}|\d{3}\.\d{3}\.\d{4}|1-\d{3}-\d{3}-\d{4})$/,
  GB: /^(\+44 ?|0044 |0)(7\d{3} ?\d{6}|20 ?\d{4} ?\d{4})$/,
  DE: /^(\+49 ?|0049 |0)\d{2,3}[ /]?\d{7,8}$/,
  FR: /^(\+33 ?(\(0\))?|0)\d([ .]?\d{2}){4}$/,
  IN: /^(\+91[ -]?|0)?\d{5} ?\d{5}$/,
  BR: /^(\+55 ?)?(\(\d{2}\)|\d{2}) ?\d{5}[- ]?\d{4}$/,
  NL: /^(\+31 ?|0031 |0)(6[ -]?\d{8}|\d{2}[ -]?\d{3} ?\d{4})$/,
  ES: /^(\+34 ?|0034 )?\d{2,3}( ?\d{2,3}){2,3}$/,
};

describe('phoneNumber', () => {
  it('writes valid numbers in national and international shapes for every country', () => {
    const random = createRandom('phones');
    for (const [country] of phoneCountries) {
      let international = 0;
      for (let index = 0; index < 1500; index += 1) {
        const phone = phoneNumber(random, country);
        assert.equal(phone.country, country);
        assert.match(phone.value, writtenShapes[country]!, `${country} shape`);
        assert.match(nationalSignificantNumber(phone.value, country), validNumbers[country]!, `${country} ${phone.value}`);
        if (/^(\+|00)/.test(phone.value)) international += 1;
      }
      assert.ok(international > 300 && international < 1000, `${country} international ${international}`);
    }
  });

  it('never uses a US service exchange (N11) or the fictional 555', () => {
    const random = createRandom('nanp');
    for (let index = 0; index < 3000; index += 1) {
      const exchange = nationalSignificantNumber(phoneNumber(random, 'US').value, 'US').slice(3, 6);
      assert.ok(exchange.slice(1) !== '11' && exchange !== '555', exchange);
    }
  });

  it('spreads over several countries when none is asked for, reproducibly', () => {
    const draw = (seed: string) => {
      const random = createRandom(seed);
      return Array.from({ length: 400 }, () => phoneNumber(random));
    };
    const phones = draw('mix');
    assert.deepEqual(phones, draw('mix'));
    assert.ok(new Set(phones.map((phone) => phone.country)).size === phoneCountries.length);
    assert.throws(() => phoneNumber(createRandom(1), 'XX'), RangeError);
  });
});
