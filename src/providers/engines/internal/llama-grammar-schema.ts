/**
 * Turns a caller's JSON Schema into the subset node-llama-cpp's grammar generator understands
 * (`GbnfJsonSchema`). node-llama-cpp silently treats keywords it does not know as "any value", so a schema
 * with `allOf` or `not` would be accepted and then not enforced; this check makes that an explicit failure.
 *
 * What is rewritten: `anyOf` → `oneOf` (a grammar alternation accepts the same strings), `definitions` →
 * `$defs` (and `#/definitions/x` references), `type: [...]` lists that include object/array → `oneOf`.
 * What is dropped: annotations (title, default, examples…) and value assertions a grammar cannot enforce
 * (`pattern`, `format` other than date/time/date-time, numeric bounds, `uniqueItems`); the grammar then
 * guarantees the structure (keys, types, enums, required properties) and the caller's validation checks the
 * rest. What fails: keywords that change the structure (`allOf`, `not`, `if`, `patternProperties`, …),
 * unknown types, non-primitive `const`/`enum` values and references outside `$defs`.
 */
import type { GbnfJsonSchema } from 'node-llama-cpp';

export type GrammarSchemaResult =
  | { verdict: 'expressible'; schema: GbnfJsonSchema; droppedKeywords: string[] }
  | { verdict: 'inexpressible'; reason: string };

type JsonObject = Record<string, unknown>;

const annotationKeywords = new Set([
  'title', 'default', 'examples', '$schema', '$id', '$comment', 'deprecated', 'readOnly', 'writeOnly', 'strict',
]);
const droppedAssertionKeywords = new Set([
  'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'uniqueItems',
  'contentEncoding', 'contentMediaType',
]);
const primitiveTypes = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const supportedFormats = new Set(['date-time', 'time', 'date']);
const keywordsByShape: Record<string, Set<string>> = {
  common: new Set(['type', 'description', 'const', 'enum', 'oneOf', 'anyOf', '$defs', 'definitions', '$ref', 'nullable']),
  string: new Set(['minLength', 'maxLength', 'format']),
  object: new Set(['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties']),
  array: new Set(['items', 'prefixItems', 'minItems', 'maxItems']),
};

class InexpressibleSchema extends Error {}

/** Checks and rewrites `schema` for the grammar; never throws for bad input (a result, as STYLE §6 asks). */
export function toGrammarSchema(schema: unknown): GrammarSchemaResult {
  const droppedKeywords = new Set<string>();
  try {
    const converted = convert(schema, '#', droppedKeywords);
    return { verdict: 'expressible', schema: converted as GbnfJsonSchema, droppedKeywords: [...droppedKeywords] };
  } catch (error) {
    if (error instanceof InexpressibleSchema) return { verdict: 'inexpressible', reason: error.message };
    throw error;
  }
}

/** The one-tool-call shape: `{"name": <tool>, "arguments": <its parameters>}`, one alternative per tool. */
export function toToolCallGrammarSchema(tools: Array<{ name: string; parameters?: Record<string, unknown> }>): GrammarSchemaResult {
  const alternatives: JsonObject[] = tools.map((tool) => ({
    type: 'object',
    properties: {
      name: { const: tool.name },
      arguments: tool.parameters ?? { type: 'object', properties: {}, additionalProperties: false },
    },
    required: ['name', 'arguments'],
    additionalProperties: false,
  }));
  const [only] = alternatives;
  return toGrammarSchema(alternatives.length === 1 ? only : { oneOf: alternatives });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function convert(schema: unknown, path: string, dropped: Set<string>): unknown {
  if (schema === true || (isObject(schema) && Object.keys(schema).length === 0)) {
    // "Any JSON value": node-llama-cpp has no schema for that, but a type list of every type is one.
    return { oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object' }, { type: 'array' }] };
  }
  if (!isObject(schema)) throw new InexpressibleSchema(`${path} is not a schema object`);

  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  for (const type of types) {
    if (typeof type !== 'string' || !(primitiveTypes.has(type) || type === 'object' || type === 'array')) {
      throw new InexpressibleSchema(`${path}: unsupported type ${JSON.stringify(type)}`);
    }
  }
  if (schema.nullable === true && !types.includes('null') && types.length > 0) types.push('null');

  const result: JsonObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (annotationKeywords.has(keyword)) continue;
    if (droppedAssertionKeywords.has(keyword) || (keyword === 'format' && !supportedFormats.has(String(value)))) {
      dropped.add(keyword);
      continue;
    }
    const known = [...Object.values(keywordsByShape)].some((keywords) => keywords.has(keyword));
    if (!known) throw new InexpressibleSchema(`${path}: keyword "${keyword}" cannot be expressed as a grammar`);
  }

  if (schema.description !== undefined) result.description = String(schema.description);
  const definitions = schema.$defs ?? schema.definitions;
  if (definitions !== undefined) {
    if (!isObject(definitions)) throw new InexpressibleSchema(`${path}/$defs is not an object`);
    result.$defs = Object.fromEntries(
      Object.entries(definitions).map(([name, definition]) => [name, convert(definition, `${path}/$defs/${name}`, dropped)]),
    );
  }

  if (schema.$ref !== undefined) {
    const reference = String(schema.$ref).replace(/^#\/definitions\//, '#/$defs/');
    if (!reference.startsWith('#/$defs/')) {
      throw new InexpressibleSchema(`${path}: reference ${JSON.stringify(schema.$ref)} is not into #/$defs`);
    }
    return { ...result, $ref: reference };
  }
  if (schema.const !== undefined) {
    if (!isPrimitive(schema.const)) throw new InexpressibleSchema(`${path}: const must be a string, number, boolean or null`);
    return { ...result, const: schema.const };
  }
  if (schema.enum !== undefined) {
    if (!Array.isArray(schema.enum) || schema.enum.length === 0 || !schema.enum.every(isPrimitive)) {
      throw new InexpressibleSchema(`${path}: enum must be a non-empty list of strings, numbers, booleans or null`);
    }
    return { ...result, enum: schema.enum };
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives !== undefined) {
    if (!Array.isArray(alternatives) || alternatives.length === 0) {
      throw new InexpressibleSchema(`${path}: oneOf/anyOf must be a non-empty list`);
    }
    if (types.length > 0) throw new InexpressibleSchema(`${path}: "type" next to oneOf/anyOf is not supported`);
    return {
      ...result,
      oneOf: alternatives.map((alternative, index) => convert(alternative, `${path}/oneOf/${index}`, dropped)),
    };
  }

  if (types.length === 0) {
    const { $defs, description } = result;
    return { ...convert(true, path, dropped) as JsonObject, ...($defs === undefined ? {} : { $defs }), ...(description === undefined ? {} : { description }) };
  }
  if (types.length > 1) {
    if (types.every((type) => primitiveTypes.has(String(type)))) return { ...result, type: types };
    const { description: _description, $defs: _definitions, nullable: _nullable, ...rest } = schema;
    return {
      ...result,
      oneOf: types.map((type, index) => convert({ ...rest, type }, `${path}/type/${index}`, dropped)),
    };
  }

  const [type] = types as string[];
  result.type = type;
  if (type === 'string') copyNumbers(schema, result, ['minLength', 'maxLength']);
  if (type === 'string' && typeof schema.format === 'string' && supportedFormats.has(schema.format)) result.format = schema.format;
  if (type === 'object') {
    convertObject(schema, result, path, dropped);
    return withOptionalProperties(result);
  }
  if (type === 'array') convertArray(schema, result, path, dropped);
  return result;
}

function copyNumbers(source: JsonObject, target: JsonObject, keywords: string[]): void {
  for (const keyword of keywords) {
    const value = source[keyword];
    if (value === undefined) continue;
    if (typeof value !== 'number') throw new InexpressibleSchema(`${keyword} must be a number`);
    target[keyword] = value;
  }
}

function convertObject(schema: JsonObject, result: JsonObject, path: string, dropped: Set<string>): void {
  if (schema.properties !== undefined) {
    if (!isObject(schema.properties)) throw new InexpressibleSchema(`${path}/properties is not an object`);
    result.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [name, convert(property, `${path}/properties/${name}`, dropped)]),
    );
  }
  if (schema.required !== undefined) {
    if (!Array.isArray(schema.required) || !schema.required.every((name) => typeof name === 'string')) {
      throw new InexpressibleSchema(`${path}/required must be a list of property names`);
    }
    result.required = schema.required;
  }
  const additional = schema.additionalProperties;
  if (additional !== undefined) {
    result.additionalProperties = typeof additional === 'boolean' ? additional : convert(additional, `${path}/additionalProperties`, dropped);
  }
  copyNumbers(schema, result, ['minProperties', 'maxProperties']);
}

/** Above this many optional properties, not every combination gets its own alternative (2^n grows fast). */
const maximumOptionalCombinations = 6;

/**
 * node-llama-cpp's grammar makes every listed property mandatory (its `required` has no effect), so a tool's
 * optional argument would be forced into every call and the model made to invent a value (a card number the
 * user never gave). An object with optional properties therefore becomes a `oneOf` of the same object with
 * each combination of its optional properties, in their listed order. With more than
 * `maximumOptionalCombinations` of them, the alternatives are: none, each one alone, and all of them.
 */
function withOptionalProperties(object: JsonObject): JsonObject {
  const { required, properties, $defs, description, ...rest } = object;
  const names = isObject(properties) ? Object.keys(properties) : [];
  const mandatory = new Set(Array.isArray(required) ? (required as string[]) : []);
  const optional = names.filter((name) => !mandatory.has(name));
  const outer = { ...($defs === undefined ? {} : { $defs }), ...(description === undefined ? {} : { description }) };
  if (optional.length === 0) return { ...outer, ...rest, ...(properties === undefined ? {} : { properties }) };
  const subsets: string[][] =
    optional.length <= maximumOptionalCombinations
      ? Array.from({ length: 2 ** optional.length }, (_, mask) => optional.filter((_, index) => (mask & (1 << index)) !== 0))
      : [[], ...optional.map((name) => [name]), optional];
  const variants = subsets.map((subset) => {
    const kept = new Set([...mandatory, ...subset]);
    return { ...rest, properties: Object.fromEntries(names.filter((name) => kept.has(name)).map((name) => [name, (properties as JsonObject)[name]])) };
  });
  return { ...outer, oneOf: variants };
}

function convertArray(schema: JsonObject, result: JsonObject, path: string, dropped: Set<string>): void {
  if (schema.items !== undefined) {
    if (Array.isArray(schema.items)) throw new InexpressibleSchema(`${path}/items: tuple form is not supported, use prefixItems`);
    result.items = convert(schema.items, `${path}/items`, dropped);
  }
  if (schema.prefixItems !== undefined) {
    if (!Array.isArray(schema.prefixItems)) throw new InexpressibleSchema(`${path}/prefixItems is not a list`);
    result.prefixItems = schema.prefixItems.map((item, index) => convert(item, `${path}/prefixItems/${index}`, dropped));
  }
  copyNumbers(schema, result, ['minItems', 'maxItems']);
}
