/**
 * Builds the smallest plausible value that satisfies a JSON schema's required structure. The fixed upstream
 * uses it for `json_schema` replies and tool-call arguments, so the official clients (and our validators)
 * see output that parses against what they asked for, without a model behind it.
 */

type JsonSchema = Record<string, unknown>;

/** Deep enough for any real request schema; stops runaway recursion through self-referencing `$ref`s. */
const maximumDepth = 12;

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves local `#/$defs/…` and `#/definitions/…` pointers against the root schema; anything else is `{}`. */
function resolveReference(reference: string, root: JsonSchema): JsonSchema {
  if (!reference.startsWith('#/')) return {};
  let node: unknown = root;
  for (const segment of reference.slice(2).split('/')) {
    if (!isSchema(node)) return {};
    node = node[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return isSchema(node) ? node : {};
}

function firstType(schema: JsonSchema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    // Prefer a concrete type over "null" so nullable fields still carry a value.
    const concrete = type.find((entry) => entry !== 'null');
    return typeof concrete === 'string' ? concrete : 'null';
  }
  if (isSchema(schema.properties)) return 'object';
  if (isSchema(schema.items)) return 'array';
  return undefined;
}

function exampleAt(schema: JsonSchema, root: JsonSchema, depth: number): unknown {
  if (depth > maximumDepth) return null;
  if (typeof schema.$ref === 'string') return exampleAt(resolveReference(schema.$ref, root), root, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const options = schema[combinator];
    if (Array.isArray(options)) {
      const concrete = options.find((option) => isSchema(option) && option.type !== 'null') ?? options[0];
      if (isSchema(concrete)) return exampleAt(concrete, root, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf)) {
    const merged: JsonSchema = {};
    for (const part of schema.allOf) if (isSchema(part)) Object.assign(merged, part);
    return exampleAt(merged, root, depth + 1);
  }
  switch (firstType(schema)) {
    case 'object':
      return exampleObject(schema, root, depth);
    case 'array': {
      const minimumItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const items = isSchema(schema.items) ? schema.items : {};
      return Array.from({ length: minimumItems }, () => exampleAt(items, root, depth + 1));
    }
    case 'string':
      return 'example';
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? Math.max(1, Math.ceil(schema.minimum)) : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'example';
  }
}

function exampleObject(schema: JsonSchema, root: JsonSchema, depth: number): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  // Without a `required` list every declared property is optional; filling them all still validates and reads
  // more like a real model's answer.
  const names = Array.isArray(schema.required)
    ? schema.required.filter((name): name is string => typeof name === 'string')
    : Object.keys(properties);
  const result: Record<string, unknown> = {};
  for (const name of names) {
    const property = properties[name];
    result[name] = exampleAt(isSchema(property) ? property : {}, root, depth + 1);
  }
  return result;
}

/**
 * A value satisfying `schema`: strings `"example"`, numbers `1`, booleans `true`, arrays of `minItems` items,
 * enums their first value, objects their required properties (all properties when none are listed).
 *
 * @example exampleFromJsonSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] })
 * // → { city: 'example' }
 */
export function exampleFromJsonSchema(schema: unknown): unknown {
  if (!isSchema(schema)) return {};
  return exampleAt(schema, schema, 0);
}
