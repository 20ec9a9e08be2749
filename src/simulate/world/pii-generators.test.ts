import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import { createRandom } from '../random.ts';
import type { Random } from '../random.ts';
import type { PiiKind } from '../simulated-task.ts';
import {
  apiKey, cardNumber, dateOfBirth, emailAddress, iban, ibanValid, ipAddress, luhnValid, nationalId, personName,
  phoneNumber, piiValue, streetAddress,
} from './pii-generators.ts';
import { piiKinds } from './pii-plan.ts';
import { valuePools } from './value-pools.ts';

/** One draw of every generator, as a record that can be compared by value. */
function drawAll(random: Random) {
  return {
    name: personName(random, 'train'),
    email: emailAddress(random, 'eval'),
    phone: phoneNumber(random),
    iban: iban(random),
    card: cardNumber(random),
    address: streetAddress(random, 'train'),
    key: apiKey(random),
    birth: dateOfBirth(random),
    id: nationalId(random),
    ip: ipAddress(random),
  };
}

describe('determinism', () => {
  it('gives the same values for the same seed, byte for byte, and others for another seed', () => {
    const draw = (seed: string) => JSON.stringify(Array.from({ length: 200 }, ((random) => () => drawAll(random))(createRandom(seed))));
    assert.equal(draw('seed-1'), draw('seed-1'));
    assert.notEqual(draw('seed-1'), draw('seed-2'));
  });

  it('keeps forks independent: extra draws in one stream never shift another', () => {
    const quiet = createRandom('root');
    const busy = createRandom('root');
    const busyNames = busy.fork('names');
    for (let index = 0; index < 37; index += 1) personName(busyNames, 'train');
    assert.deepEqual(drawAll(quiet.fork('values')), drawAll(busy.fork('values')));
  });
});

describe('sources of randomness', () => {
  it('never touches Math.random or the clock', (test) => {
    test.mock.method(Math, 'random', () => assert.fail('Math.random used'));
    test.mock.method(Date, 'now', () => assert.fail('Date.now used'));
    const random = createRandom('pure');
    for (let index = 0; index < 500; index += 1) drawAll(random);
  });
});

describe('distribution', () => {
  it('spreads default draws over several countries per kind', () => {
    const random = createRandom('countries');
    const countries = (draw: () => { country: string }) => new Set(Array.from({ length: 2000 }, () => draw().country));
    assert.equal(countries(() => phoneNumber(random)).size, 8);
    assert.equal(countries(() => iban(random)).size, 7);
    assert.equal(countries(() => streetAddress(random, 'eval')).size, 10);
    assert.equal(countries(() => nationalId(random)).size, 2);
  });
});

describe('personName and emailAddress', () => {
  it('draws names only from the split asked for', () => {
    const random = createRandom('names');
    for (const split of ['train', 'eval'] as const) {
      const pools = valuePools(split);
      for (let index = 0; index < 2000; index += 1) {
        const [first, last, ...rest] = personName(random, split).split(' ');
        assert.deepEqual(rest, []);
        assert.ok(pools.firstNames.includes(first!) && pools.lastNames.includes(last!), `${first} ${last}`);
      }
    }
  });

  it('derives ASCII addresses from the name, on the split\'s domains, in several styles', () => {
    const random = createRandom('emails');
    const styles = new Set<string>();
    for (let index = 0; index < 2000; index += 1) {
      const email = emailAddress(random, 'eval', 'Léa O\'Brien-Dubois');
      assert.match(email, /^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}$/, email);
      const [local, domain] = email.split('@') as [string, string];
      assert.ok(valuePools('eval').emailDomains.includes(domain));
      assert.ok(local.includes('lea') || local.includes('obriendubois') || /^l[._]?o?/.test(local), local);
      styles.add(local.replace(/\d+/g, 'N'));
    }
    assert.ok(styles.size >= 6, [...styles].join(' '));
  });
});

describe('streetAddress', () => {
  const shapes: Record<string, RegExp> = {
    US: /^\d{1,4} [^,\n]+(, |\n)[^,\n]+, [A-Z]{2} \d{5}$/,
    GB: /^\d+ [^,\n]+(, |\n)[^,\n]+ [A-Z]{1,2}\d{1,2} \d[A-Z]{2}$/,
    DE: /^[^,\n]+ \d+(, |\n)\d{5} .+$/,
    FR: /^\d+ [^,\n]+(, |\n)\d{5} .+$/,
    IN: /^\d+, [^,\n]+(, |\n)[^,\n]+ \d{6}$/,
    BR: /^[^,\n]+, \d+(, |\n)[^,\n]+ - [A-Z]{2}(, |\n)\d{5}-\d{3}$/,
    NL: /^[^,\n]+ \d+(, |\n)\d{4} [A-Z]{2} .+$/,
    ES: /^[^,\n]+, \d+(, |\n)\d{5} .+$/,
    IT: /^[^,\n]+ \d+(, |\n)\d{5} .+$/,
    BE: /^[^,\n]+ \d+(, |\n)\d{4} .+$/,
  };

  it('writes each country\'s order and postcode shape, from the split\'s own cities', () => {
    const random = createRandom('addresses');
    for (const split of ['train', 'eval'] as const) {
      const cities = valuePools(split).cities.map((entry) => entry.city);
      let multiLine = 0;
      for (const country of Object.keys(shapes)) {
        for (let index = 0; index < 300; index += 1) {
          const address = streetAddress(random, split, country);
          assert.equal(address.country, country);
          assert.match(address.value, shapes[country]!, address.value);
          assert.ok(cities.some((city) => address.value.includes(city)), address.value);
          if (address.value.includes('\n')) multiLine += 1;
        }
      }
      assert.ok(multiLine > 200 && multiLine < 800, `multi-line ${multiLine}`);
    }
  });
});

describe('apiKey', () => {
  it('draws every provider\'s shape', () => {
    const random = createRandom('keys');
    const shapes: Array<[string, RegExp]> = [
      ['openai', /^sk-proj-[A-Za-z0-9_-]{48,74}T3BlbkFJ[A-Za-z0-9_-]{48,74}$/],
      ['anthropic', /^sk-ant-api03-[A-Za-z0-9_-]{93}AA$/],
      ['github', /^ghp_[A-Za-z0-9]{36}$/],
      ['aws', /^AKIA[A-Z2-7]{16}$/],
      ['stripe', /^sk_live_([A-Za-z0-9]{24}|[A-Za-z0-9]{99})$/],
      ['slack', /^xoxb-\d{10,13}-\d{10,13}-[A-Za-z0-9]{24}$/],
    ];
    const seen = new Set<string>();
    for (let index = 0; index < 2000; index += 1) {
      const key = apiKey(random);
      const match = shapes.find(([, shape]) => shape.test(key));
      assert.ok(match, key);
      seen.add(match[0]);
    }
    assert.equal(seen.size, shapes.length);
  });
});

describe('dateOfBirth', () => {
  it('draws real calendar dates between 1945 and 2006 in several formats', () => {
    const random = createRandom('births');
    const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
    const formats = new Set<string>();
    for (let index = 0; index < 3000; index += 1) {
      const text = dateOfBirth(random);
      let parts: [number, number, number] | undefined;
      let match: RegExpMatchArray | null;
      if ((match = text.match(/^(\d{4})-(\d{2})-(\d{2})$/))) parts = [Number(match[1]), Number(match[2]), Number(match[3])];
      else if ((match = text.match(/^(\d{2})\.(\d{2})\.(\d{4})$/))) parts = [Number(match[3]), Number(match[2]), Number(match[1])];
      else if ((match = text.match(/^([A-Z][a-z]+) (\d{1,2}), (\d{4})$/))) parts = [Number(match[3]), months.indexOf(match[1]!) + 1, Number(match[2])];
      else if ((match = text.match(/^(\d{1,2}) ([A-Z][a-z]+) (\d{4})$/))) parts = [Number(match[3]), months.indexOf(match[2]!) + 1, Number(match[1])];
      else if ((match = text.match(/^(\d{2})\/(\d{2})\/(\d{4})$/))) {
        // Day-first or month-first is ambiguous; either reading must be a real date.
        const [first, second, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
        parts = first > 12 ? [year, second, first] : [year, first, second];
      }
      assert.ok(parts, text);
      const [year, month, day] = parts;
      formats.add(text.replace(/\d/g, '9').replace(/[A-Z][a-z]+/, 'Month'));
      assert.ok(year >= 1945 && year <= 2006 && month >= 1 && month <= 12, text);
      const date = new Date(Date.UTC(year, month - 1, day));
      assert.equal(date.getUTCDate(), day, text);
    }
    assert.ok(formats.size >= 5, [...formats].join(' '));
  });
});

describe('nationalId', () => {
  it('never draws an invalid SSN area, group or serial, and writes valid UK NINO prefixes', () => {
    const random = createRandom('ids');
    const countries = new Set<string>();
    for (let index = 0; index < 5000; index += 1) {
      const { value, country } = nationalId(random);
      countries.add(country);
      if (country === 'US') {
        const match = value.match(/^(\d{3})-?(\d{2})-?(\d{4})$/);
        assert.ok(match, value);
        const area = Number(match[1]);
        assert.ok(area !== 0 && area !== 666 && area < 900, value);
        assert.ok(match[2] !== '00' && match[3] !== '0000', value);
      } else {
        assert.equal(country, 'GB');
        const compact = value.replace(/ /g, '');
        assert.match(compact, /^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/, value);
        assert.ok(!['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(compact.slice(0, 2)), value);
      }
    }
    assert.deepEqual([...countries].sort(), ['GB', 'US']);
  });
});

describe('ipAddress', () => {
  it('draws public IPv4 addresses and some IPv6', () => {
    const random = createRandom('ips');
    let version6 = 0;
    for (let index = 0; index < 3000; index += 1) {
      const address = ipAddress(random);
      const version = isIP(address);
      assert.ok(version === 4 || version === 6, address);
      if (version === 6) version6 += 1;
      else assert.ok(!/^(10|127|192|172|169|100)\./.test(address), address);
    }
    assert.ok(version6 > 400 && version6 < 900, `IPv6 ${version6}`);
  });
});

describe('piiValue', () => {
  it('draws every kind with the checks its kind implies', () => {
    const random = createRandom('any-kind');
    const withCountry = new Set<PiiKind>(['phone', 'iban', 'street_address', 'national_id']);
    for (const kind of piiKinds) {
      for (let index = 0; index < 100; index += 1) {
        const planted = piiValue(random, 'eval', kind);
        assert.equal(planted.kind, kind);
        assert.ok(planted.value.length > 0);
        assert.equal(planted.country !== undefined, withCountry.has(kind), kind);
        if (kind === 'card_number') assert.ok(luhnValid(planted.value));
        if (kind === 'iban') assert.ok(ibanValid(planted.value));
      }
    }
  });
});
