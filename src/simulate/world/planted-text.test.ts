import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../random.ts';
import { piiValue } from './pii-generators.ts';
import { piiKinds } from './pii-plan.ts';
import { locatePlanted, PlantedText, toPiiSpans, writtenForms } from './planted-text.ts';
import type { PlantedSpan, PlantedValue } from './planted-text.ts';

function assertExact(text: string, spans: readonly PlantedSpan[]): void {
  for (const span of spans) assert.equal(text.slice(span.start, span.end), span.value, JSON.stringify(span));
}

/** Python's `json.dumps` default: every non-ASCII character as `\uXXXX`. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

describe('PlantedText', () => {
  it('records exact offsets as it builds', () => {
    const text = new PlantedText()
      .append('Hi, I am ')
      .plant('person_name', 'Léa Dubois')
      .append(' — reach me at ')
      .plant('phone', '+33 6 12 34 56 78', 'FR')
      .append('\nor ')
      .plant('email', 'lea.dubois@orange.fr');
    const spans = text.spans();
    assert.equal(spans.length, 3);
    assertExact(text.text, spans);
    assert.deepEqual(spans[0], { kind: 'person_name', value: 'Léa Dubois', start: 9, end: 19 });
    assert.equal(spans[1]!.country, 'FR');
    assert.ok(!('country' in spans[0]!));
    assert.deepEqual(text.planted()[1], { kind: 'phone', value: '+33 6 12 34 56 78', country: 'FR' });
    spans[0]!.start = 99;
    assert.equal(text.spans()[0]!.start, 9, 'spans() returns copies');
  });
});

describe('locatePlanted', () => {
  const awkward: PlantedValue[] = [
    { kind: 'street_address', value: '293 rue des Lilas\n33001 Bordeaux', country: 'FR' },
    { kind: 'person_name', value: 'Seán "Jack" O\'Brien' },
    { kind: 'api_key', value: 'sk-ant-api03-abc\\def_AA' },
    { kind: 'person_name', value: 'Zhou Xu' },
  ];

  it('finds values inside JSON.stringify output, escaped as JSON writes them', () => {
    const argumentsText = JSON.stringify({
      note: `Ship to "${awkward[0]!.value}"\n—thanks, ${awkward[1]!.value}`,
      nested: { key: awkward[2]!.value, list: ['ünïcödé', awkward[3]!.value, `\t${awkward[3]!.value}\u2028`] },
    });
    const spans = locatePlanted(argumentsText, awkward);
    assertExact(argumentsText, spans);
    assert.equal(spans.filter((span) => span.value.includes('Zhou Xu')).length, 2, 'every occurrence');
    for (const item of awkward) assert.ok(spans.some((span) => span.kind === item.kind && JSON.parse(`"${span.value}"`) === item.value), item.value);
    assert.equal(spans.find((span) => span.kind === 'street_address')!.country, 'FR');
    assert.ok(spans.every((span, index) => index === 0 || spans[index - 1]!.start <= span.start), 'ordered by offset');
  });

  it('finds values in ASCII-escaped JSON and in JSON carried inside a JSON string', () => {
    const inner = JSON.stringify({ customer: awkward[1]!.value, address: awkward[0]!.value, city: 'Zürich' });
    for (const text of [asciiJson({ customer: 'Léa Dubois' }), JSON.stringify({ payload: inner })]) {
      const planted: PlantedValue[] = [{ kind: 'person_name', value: 'Léa Dubois' }, ...awkward.slice(0, 2)];
      const spans = locatePlanted(text, planted);
      assert.ok(spans.length >= 1, text);
      assertExact(text, spans);
    }
    const doubly = JSON.stringify({ payload: inner });
    assert.equal(locatePlanted(doubly, awkward.slice(0, 2)).length, 2);
  });

  it('does not find a value inside a longer word, but does right after an escape', () => {
    const text = JSON.stringify({ a: 'Linda Lima', b: 'line\nLi', c: 'é\u00e9Li' });
    const spans = locatePlanted(text, [{ kind: 'person_name', value: 'Li' }]);
    assert.equal(spans.length, 1);
    assert.equal(text.slice(spans[0]!.start - 2, spans[0]!.start), '\\n');
    const ascii = asciiJson({ name: 'ÉLi' });
    assert.equal(locatePlanted(ascii, [{ kind: 'person_name', value: 'Li' }]).length, 1);
    assert.equal(locatePlanted('call 4111111111111111000', [{ kind: 'card_number', value: '4111111111111111' }]).length, 0);
  });

  it('reports a value inside a longer planted value once, by the longer span', () => {
    const text = 'Ship to: Ana Silva, Rua Augusta, 12 — thanks, Ana Silva';
    const spans = locatePlanted(text, [
      { kind: 'person_name', value: 'Ana Silva' },
      { kind: 'street_address', value: 'Ana Silva, Rua Augusta, 12', country: 'BR' },
    ]);
    assert.deepEqual(spans.map((span) => [span.kind, span.start]), [['street_address', 9], ['person_name', 46]]);
    assertExact(text, spans);
  });

  it('lists each written form once', () => {
    assert.deepEqual(writtenForms('plain'), ['plain']);
    assert.deepEqual(writtenForms('a"b'), ['a"b', 'a\\"b', 'a\\\\\\"b']);
    assert.ok(writtenForms('é').includes('\\u00e9'));
  });

  it('holds text.slice(start, end) === value for generated values in random JSON, over many draws', () => {
    const random = createRandom('planted-json');
    for (let round = 0; round < 500; round += 1) {
      const planted = piiKinds.map((kind) => piiValue(random, round % 2 === 0 ? 'train' : 'eval', kind));
      const builder = new PlantedText();
      for (const item of random.shuffle(planted)) {
        builder.append(random.pick([' ', '\n', ' "', ' «', ': ', '\t'])).plant(item.kind, item.value, item.country);
      }
      const content = builder.text;
      const contentSpans = locatePlanted(content, planted);
      for (const span of builder.spans()) {
        assert.ok(contentSpans.some((found) => found.start === span.start && found.end === span.end && found.kind === span.kind), span.value);
      }
      const argumentsText = JSON.stringify({ message: content, fields: Object.fromEntries(planted.map((item) => [item.kind, item.value])) });
      const argumentSpans = locatePlanted(argumentsText, planted);
      assertExact(argumentsText, argumentSpans);
      for (const item of planted) {
        assert.ok(argumentSpans.filter((span) => span.kind === item.kind).length >= 2, `${item.kind}: ${item.value}`);
      }
    }
  });
});

describe('toPiiSpans', () => {
  it('adds message and tool-call coordinates', () => {
    const spans: PlantedSpan[] = [
      { kind: 'email', value: 'a@b.com', start: 3, end: 10 },
      { kind: 'iban', value: 'BE68539007547034', country: 'BE', start: 20, end: 36 },
    ];
    assert.deepEqual(toPiiSpans(spans, 2, 'tool_arguments', 1), [
      { kind: 'email', value: 'a@b.com', messageIndex: 2, location: 'tool_arguments', toolCallIndex: 1, start: 3, end: 10 },
      { kind: 'iban', value: 'BE68539007547034', country: 'BE', messageIndex: 2, location: 'tool_arguments', toolCallIndex: 1, start: 20, end: 36 },
    ]);
    assert.ok(!('toolCallIndex' in toPiiSpans(spans, 0, 'content', 4)[0]!));
  });
});
