import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toGrammarSchema, toToolCallGrammarSchema } from './llama-grammar-schema.ts';

describe('toGrammarSchema', () => {
  test('keeps structure, rewrites anyOf and definitions, drops annotations and unenforceable assertions', () => {
    const result = toGrammarSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Ticket',
      type: 'object',
      properties: {
        id: { type: 'string', pattern: '^[A-Z]+$', maxLength: 8 },
        count: { type: 'integer', minimum: 0 },
        owner: { $ref: '#/definitions/person' },
        note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      },
      required: ['id', 'count'],
      additionalProperties: false,
      definitions: { person: { type: 'object', properties: { name: { type: 'string' } } } },
    });
    assert.equal(result.verdict, 'expressible');
    if (result.verdict !== 'expressible') return;
    const person = { properties: { name: { type: 'string' } }, type: 'object' };
    const ticket = { type: 'object', additionalProperties: false };
    const id = { type: 'string', maxLength: 8 };
    const count = { type: 'integer' };
    const owner = { $ref: '#/$defs/person' };
    const note = { oneOf: [{ type: 'string' }, { type: 'null' }] };
    assert.deepEqual(result.schema, {
      $defs: { person: { oneOf: [{ ...person, properties: {} }, person] } },
      oneOf: [
        { ...ticket, properties: { id, count } },
        { ...ticket, properties: { id, count, owner } },
        { ...ticket, properties: { id, count, note } },
        { ...ticket, properties: { id, count, owner, note } },
      ],
    });
    assert.deepEqual(result.droppedKeywords.sort(), ['minimum', 'pattern']);
  });

  test('splits a type list that mixes objects and primitives into alternatives', () => {
    const result = toGrammarSchema({ type: ['object', 'null'], properties: { a: { type: 'number' } } });
    assert.deepEqual(result, {
      verdict: 'expressible',
      schema: { oneOf: [{ oneOf: [{ type: 'object', properties: {} }, { type: 'object', properties: { a: { type: 'number' } } }] }, { type: 'null' }] },
      droppedKeywords: [],
    });
  });

  test('reports what a grammar cannot express, with the place in the schema', () => {
    assert.deepEqual(toGrammarSchema({ allOf: [{ type: 'string' }] }), { verdict: 'inexpressible', reason: '#: keyword "allOf" cannot be expressed as a grammar' });
    assert.deepEqual(toGrammarSchema({ type: 'object', properties: { a: { type: 'date' } } }), { verdict: 'inexpressible', reason: '#/properties/a: unsupported type "date"' });
    assert.equal(toGrammarSchema({ $ref: 'https://example.com/schema.json' }).verdict, 'inexpressible');
    assert.equal(toGrammarSchema({ enum: [{ a: 1 }] }).verdict, 'inexpressible');
    assert.equal(toGrammarSchema('string').verdict, 'inexpressible');
  });

  test('optional properties are optional in the grammar: one alternative per combination, in their listed order', () => {
    // node-llama-cpp makes every listed property mandatory; a tool call must not be forced to invent card_number.
    const booking = toGrammarSchema({
      type: 'object',
      properties: { city: { type: 'string' }, nights: { type: 'integer' }, card_number: { type: 'string' } },
      required: ['city', 'nights'],
    });
    assert.ok(booking.verdict === 'expressible');
    const variants = (booking.schema as unknown as { oneOf: Array<{ properties: Record<string, unknown> }> }).oneOf;
    assert.deepEqual(variants.map((variant) => Object.keys(variant.properties)), [['city', 'nights'], ['city', 'nights', 'card_number']]);
    const allRequired = toGrammarSchema({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] });
    assert.deepEqual(allRequired, { verdict: 'expressible', schema: { type: 'object', properties: { a: { type: 'string' } } }, droppedKeywords: [] });
    const many = toGrammarSchema({ type: 'object', properties: Object.fromEntries('abcdefgh'.split('').map((name) => [name, { type: 'string' }])), required: ['a'] });
    assert.ok(many.verdict === 'expressible');
    const manyVariants = (many.schema as unknown as { oneOf: Array<{ properties: Record<string, unknown> }> }).oneOf.map((variant) => Object.keys(variant.properties).join(''));
    assert.deepEqual(manyVariants, ['a', 'ab', 'ac', 'ad', 'ae', 'af', 'ag', 'ah', 'abcdefgh'], 'past six optional properties: none, each alone, all');
  });

  test('a tool set becomes one alternative per tool, name first', () => {
    const result = toToolCallGrammarSchema([{ name: 'a', parameters: { type: 'object', properties: { x: { type: 'string' } } } }, { name: 'b' }]);
    assert.equal(result.verdict, 'expressible');
    if (result.verdict !== 'expressible') return;
    const schema = result.schema as unknown as { oneOf: Array<{ properties: Record<string, unknown> }> };
    assert.deepEqual(schema.oneOf.map((alternative) => Object.keys(alternative.properties)), [['name', 'arguments'], ['name', 'arguments']]);
    assert.deepEqual(schema.oneOf[1]?.properties.name, { const: 'b' });
  });
});
