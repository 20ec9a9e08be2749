import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../random.ts';
import type { PiiKind } from '../simulated-task.ts';
import { maybe, piiKinds, piiRates, planPii } from './pii-plan.ts';
import type { PiiSetting } from './pii-plan.ts';

const allKinds: PiiKind[] = [
  'person_name', 'email', 'phone', 'iban', 'card_number', 'street_address', 'api_key', 'date_of_birth', 'national_id', 'ip_address',
];

describe('piiRates', () => {
  it('covers every kind in every setting with a probability, names commonest and keys rare in support', () => {
    assert.deepEqual([...piiKinds].sort(), [...allKinds].sort());
    for (const setting of Object.keys(piiRates) as PiiSetting[]) {
      for (const kind of allKinds) {
        const rate = piiRates[setting][kind];
        assert.ok(rate > 0 && rate < 1, `${setting}/${kind}`);
      }
    }
    const support = piiRates.support;
    assert.ok(support.person_name > support.email && support.email > support.iban && support.iban > support.api_key);
    assert.ok(support.api_key >= 0.005 && support.api_key <= 0.02);
  });
});

describe('maybe', () => {
  it('fires at the table rate, scaled by options.rate and capped at 1', () => {
    const random = createRandom('maybe');
    const trials = 40_000;
    const count = (kind: PiiKind, options = {}) => {
      let hits = 0;
      for (let index = 0; index < trials; index += 1) if (maybe(random, kind, options)) hits += 1;
      return hits / trials;
    };
    assert.ok(Math.abs(count('person_name') - 0.6) < 0.015);
    assert.ok(Math.abs(count('email', { setting: 'tool' }) - 0.25) < 0.015);
    assert.ok(Math.abs(count('iban', { rate: 3 }) - 0.12) < 0.01);
    assert.equal(count('person_name', { rate: 10 }), 1);
    assert.equal(count('api_key', { rate: 0 }), 0);
  });
});

describe('planPii', () => {
  it('is reproducible and draws exactly once per kind, whatever the outcome', () => {
    const plans = (seed: string) => {
      const random = createRandom(seed);
      return Array.from({ length: 300 }, () => planPii(random, { setting: 'support' }));
    };
    assert.deepEqual(plans('plan'), plans('plan'));
    const random = createRandom('aligned');
    const mirror = createRandom('aligned');
    planPii(random, { rate: 0.5 });
    for (let index = 0; index < piiKinds.length; index += 1) mirror.next();
    assert.equal(random.next(), mirror.next());
  });

  it('plans realistic mixes: names in most support messages, several kinds overall', () => {
    const random = createRandom('mix');
    const seen = new Map<PiiKind, number>();
    for (let index = 0; index < 5000; index += 1) for (const kind of planPii(random)) seen.set(kind, (seen.get(kind) ?? 0) + 1);
    assert.equal(seen.size, allKinds.length);
    assert.ok(seen.get('person_name')! > seen.get('card_number')! * 10);
  });
});
