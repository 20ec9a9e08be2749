/**
 * Test support: fast-check generators that take a structurally valid JSON value (an OpenAI chat request, a call
 * record, an import line) and break it the ways real clients and log files do — wrong types, missing fields,
 * huge or non-finite numbers, NaN-ish strings, deep nesting, lone surrogates, nulls, extra and prototype keys —
 * and then serialise it, possibly with text-level damage (truncation, duplicate keys, trailing garbage).
 *
 * Values JSON.stringify cannot write (`1e999`, 20 000 levels of nesting) travel as marker strings and are
 * spliced into the text afterwards, so the generator never overflows the stack on the sending side.
 */
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const markerPattern = /"\\u0000(deep|raw):([^"\\]*)\\u0000"/g;

/** A string that `serializeJson` replaces by raw JSON text (`1e999`, `-0`, a 40-digit integer). */
function rawMarker(text: string): string {
  return `\u0000raw:${text}\u0000`;
}

/** A string that `serializeJson` replaces by `depth` nested arrays (`a`) or objects (`o`). */
function deepMarker(depth: number, kind: 'a' | 'o'): string {
  return `\u0000deep:${depth}${kind}\u0000`;
}

/** JSON text of `value`, with markers expanded. */
export function serializeJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(markerPattern, (_match, kind: string, argument: string) => {
    if (kind === 'raw') return argument;
    const depth = Number.parseInt(argument, 10);
    return argument.endsWith('a') ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  });
}

const rawNumberTexts = ['1e999', '-1e999', '-0', '1e-400', '123456789012345678901234567890', '0.0000000000000000000000001', '9007199254740993', '1E+2', '-9999999999999999999'];

/** Strings that look like something else or stress string handling. */
const trickyStringArb = fc.oneof(
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-Infinity', 'null', 'undefined', 'true', '0', '-1', '1e999', '0x1F', '[object Object]', '__proto__', '\u0000', '\ud800', '\udfff', 'a\ud800b', '\ufeff', '\u2028\u2029', '😀', '%00', '../../etc/passwd', '<script>alert(1)</script>', "'; DROP TABLE calls; --"),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer({ min: 1_000, max: 300_000 }).map((length) => 'x'.repeat(length)),
);

/** Any JSON value a careless or hostile client might put where another was expected. */
export const weirdValueArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 2 ** 53 + 2, 1e308, -1e308, 5e-324, [], {}) },
  { weight: 3, arbitrary: trickyStringArb },
  { weight: 2, arbitrary: fc.constantFrom(...rawNumberTexts).map(rawMarker) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom<'a' | 'o'>('a', 'o')).map(([depth, kind]) => deepMarker(depth, kind)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.double().map((value) => (Number.isFinite(value) ? value : rawMarker(String(value)))) },
);

/** Keys an attacker or a typo adds. */
const extraKeyArb = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'toString', 'hasOwnProperty', 'model ', 'Model', 'x'.repeat(5_000)), fc.string({ maxLength: 12 }));

type MutationOperation = 'delete' | 'replace' | 'add-key' | 'wrap-in-array' | 'set-null';

interface JsonMutation {
  /** Which child to descend into at each level (taken modulo the number of children). */
  steps: number[];
  operation: MutationOperation;
  value: Json;
  key: string;
}

const mutationArb: fc.Arbitrary<JsonMutation> = fc.record({
  steps: fc.array(fc.nat(), { maxLength: 6 }),
  operation: fc.constantFrom<MutationOperation>('delete', 'replace', 'replace', 'add-key', 'wrap-in-array', 'set-null'),
  value: weirdValueArb,
  key: extraKeyArb,
});

function childKeys(container: Json[] | { [key: string]: Json }): Array<string | number> {
  return Array.isArray(container) ? container.map((_item, index) => index) : Object.keys(container);
}

function isContainer(value: Json): value is Json[] | { [key: string]: Json } {
  return typeof value === 'object' && value !== null;
}

function setMember(container: Json[] | { [key: string]: Json }, key: string | number, value: Json): void {
  // defineProperty, so a `__proto__` key becomes an own property (as JSON.parse makes it) rather than the prototype.
  Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies one mutation to a deep copy of `value`. */
export function applyMutation(value: Json, mutation: JsonMutation): Json {
  const root: Json = structuredClone(value);
  if (!isContainer(root)) return mutation.operation === 'delete' ? null : mutation.value;
  let parent: Json[] | { [key: string]: Json } = root;
  let key: string | number | undefined;
  for (const step of mutation.steps) {
    const keys = childKeys(parent);
    if (keys.length === 0) break;
    const nextKey = keys[step % keys.length]!;
    const child = (parent as Record<string | number, Json>)[nextKey]!;
    key = nextKey;
    if (!isContainer(child) || step % 3 === 0) break;
    parent = child;
    key = undefined;
  }
  if (mutation.operation === 'add-key' || key === undefined) {
    if (Array.isArray(parent)) parent.push(mutation.value);
    else setMember(parent, mutation.key, mutation.value);
    return root;
  }
  if (mutation.operation === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (mutation.operation === 'replace') setMember(parent, key, mutation.value);
  else if (mutation.operation === 'set-null') setMember(parent, key, null);
  else setMember(parent, key, [(parent as Record<string | number, Json>)[key] ?? null]);
  return root;
}

/** `base` with 0–4 structural mutations (0 keeps it valid, so the valid path is fuzzed too). */
export function mutatedJsonArb(base: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc.tuple(base, fc.array(mutationArb, { maxLength: 4 })).map(([value, mutations]) => mutations.reduce(applyMutation, value));
}

type TextDamage = { kind: 'none' } | { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; text: string } | { kind: 'duplicate-key' } | { kind: 'trailing'; text: string } | { kind: 'leading'; text: string };

const textDamageArb: fc.Arbitrary<TextDamage> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<TextDamage>({ kind: 'none' }) },
  { weight: 2, arbitrary: fc.nat().map<TextDamage>((at) => ({ kind: 'truncate', at })) },
  { weight: 1, arbitrary: fc.record({ at: fc.nat(), text: fc.constantFrom(',', '}', ']', '"', '\\', ':', 'NaN', '\u0000', '\ud800', '/*c*/') }).map<TextDamage>((insert) => ({ kind: 'insert', ...insert })) },
  { weight: 1, arbitrary: fc.constant<TextDamage>({ kind: 'duplicate-key' }) },
  { weight: 1, arbitrary: fc.constantFrom(' garbage', '}', ']', '{}', '\n{"a":1}', ' \u0000').map<TextDamage>((text) => ({ kind: 'trailing', text })) },
  { weight: 1, arbitrary: fc.constantFrom('\ufeff', ' \t\n', ')]}\'\n').map<TextDamage>((text) => ({ kind: 'leading', text })) },
);

function damageText(text: string, damage: TextDamage): string {
  switch (damage.kind) {
    case 'none':
      return text;
    case 'truncate':
      return text.slice(0, damage.at % Math.max(1, text.length));
    case 'insert': {
      const at = damage.at % (text.length + 1);
      return `${text.slice(0, at)}${damage.text}${text.slice(at)}`;
    }
    case 'duplicate-key':
      // JSON.parse keeps the last duplicate; a schema must still see a well-typed value.
      return text.startsWith('{') && text.length > 2 ? `{"model":12,${text.slice(1)}` : text;
    case 'trailing':
      return `${text}${damage.text}`;
    case 'leading':
      return `${damage.text}${text}`;
  }
}

/** JSON text of a (possibly mutated) value, sometimes damaged at the text level. */
export function jsonTextArb(base: fc.Arbitrary<Json>): fc.Arbitrary<string> {
  return fc.tuple(mutatedJsonArb(base), textDamageArb).map(([value, damage]) => damageText(serializeJson(value), damage));
}

/** Bytes that are not JSON at all: random bytes (often invalid UTF-8), random text, random JSON of the wrong shape. */
export const garbageBodyArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom(new Uint8Array([0xc3, 0x28]), new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]), new Uint8Array([0xed, 0xa0, 0x80]), new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
  fc.constantFrom('', ' ', 'null', '[]', '"text"', '42', 'true', '{', '{"model":', '{}{}', '{"a":1}\n{"a":2}'),
);

export type { Json };
