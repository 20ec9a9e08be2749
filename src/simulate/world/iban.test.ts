import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../random.ts';
import { dutchElevenTest, iban, ibanLengths, ibanValid, italianCin, ribKey, spanishControlDigits } from './iban.ts';

describe('ibanValid', () => {
  it('accepts the ISO 13616 registry examples and rejects a changed digit or wrong length', () => {
    for (const example of [
      'DE89370400440532013000', 'GB29 NWBK 6016 1331 9268 19', 'FR1420041010050500013M02606', 'NL91ABNA0417164300',
      'ES9121000418450200051332', 'IT60X0542811101000000123456', 'BE68539007547034',
    ]) {
      assert.ok(ibanValid(example), example);
    }
    assert.ok(!ibanValid('DE89370400440532013001'));
    assert.ok(!ibanValid('DE8937040044053201300'));
    assert.ok(!ibanValid('not an iban'));
  });
});

describe('national check digits', () => {
  it('reproduce the registry examples', () => {
    assert.equal(spanishControlDigits('2100', '0418', '0200051332'), '45');
    assert.equal(italianCin('05428', '11101', '000000123456'), 'X');
    assert.ok(dutchElevenTest('0417164300'));
    assert.equal(ribKey('20041', '01005', '0500013M026'), '06');
  });
});

describe('iban', () => {
  it('draws valid IBANs of the right length for every country, over thousands of draws', () => {
    const random = createRandom('ibans');
    const countries = new Map<string, number>();
    let grouped = 0;
    for (let index = 0; index < 7000; index += 1) {
      const { value, country } = iban(random);
      assert.ok(ibanValid(value), value);
      const compact = value.replace(/ /g, '');
      assert.equal(compact.slice(0, 2), country);
      assert.equal(compact.length, ibanLengths[country]);
      if (value !== compact) {
        grouped += 1;
        assert.match(value, /^([A-Z0-9]{4} )+[A-Z0-9]{1,4}$/);
      }
      if (country === 'BE') assert.equal(Number(compact.slice(4, 14)) % 97 || 97, Number(compact.slice(14)));
      if (country === 'NL') assert.ok(dutchElevenTest(compact.slice(8)), value);
      if (country === 'ES') assert.equal(compact.slice(12, 14), spanishControlDigits(compact.slice(4, 8), compact.slice(8, 12), compact.slice(14)));
      if (country === 'IT') assert.equal(compact[4], italianCin(compact.slice(5, 10), compact.slice(10, 15), compact.slice(15)));
      if (country === 'FR') assert.equal(compact.slice(25), ribKey(compact.slice(4, 9), compact.slice(9, 14), compact.slice(14, 25)));
      countries.set(country, (countries.get(country) ?? 0) + 1);
    }
    assert.deepEqual([...countries.keys()].sort(), ['BE', 'DE', 'ES', 'FR', 'GB', 'IT', 'NL']);
    assert.ok(grouped > 2800 && grouped < 4200, `grouped ${grouped}`);
  });

  it('honours a requested country and rejects an unknown one', () => {
    const random = createRandom('one-country');
    for (let index = 0; index < 50; index += 1) assert.equal(iban(random, 'IT').country, 'IT');
    assert.throws(() => iban(random, 'XX'), RangeError);
  });
});
