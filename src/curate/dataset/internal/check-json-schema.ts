/**
 * A small JSON Schema checker for the subset that structured outputs use (OpenAI `json_schema` strict
 * mode: type, properties, required, additionalProperties, items, enum, const, anyOf/oneOf/allOf, local
 * `$ref`, numeric and length bounds, pattern). The project has no JSON Schema library as a dependency
 * (ajv is not installed); this only has to tell "the output fails its own schema" for dataset filtering,
 * so a keyword it does not know is ignored (the value passes) rather than rejected.
 */
import { isPlainObject } from './canonical-json.ts';

export type SchemaCheck = { valid: true } | { valid: false; path: string; reason: string };

const maxDepth = 64;

export function checkJsonSchema(value: unknown, schema: unknown): SchemaCheck {
  return check(value, schema, schema, '$', 0);
}

function fail(path: string, reason: string): SchemaCheck {
  return { valid: false, path, reason };
}

const valid: SchemaCheck = { valid: true };

function check(value: unknown, schema: unknown, root: unknown, path: string, depth: number): SchemaCheck {
  if (schema === true || schema === undefined) return valid;
  if (schema === false) return fail(path, 'schema is false');
  if (!isPlainObject(schema) || depth > maxDepth) return valid;

  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, root);
    if (target !== undefined) {
      const result = check(value, target, root, path, depth + 1);
      if (!result.valid) return result;
    }
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => typeof type === 'string' && hasType(value, type))) return fail(path, `expected ${types.join(' | ')}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => deepEqual(option, value))) return fail(path, 'not in enum');
  if ('const' in schema && !deepEqual(schema.const, value)) return fail(path, 'not the const value');

  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (!Array.isArray(options) || options.length === 0) continue;
    const passing = options.filter((option) => check(value, option, root, path, depth + 1).valid).length;
    if (keyword === 'allOf' && passing !== options.length) return fail(path, 'allOf not satisfied');
    if (keyword === 'anyOf' && passing === 0) return fail(path, 'anyOf not satisfied');
    if (keyword === 'oneOf' && passing !== 1) return fail(path, 'oneOf not satisfied');
  }

  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return fail(path, 'below minimum');
    if (typeof schema.maximum === 'number' && value > schema.maximum) return fail(path, 'above maximum');
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) return fail(path, 'not above exclusiveMinimum');
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) return fail(path, 'not below exclusiveMaximum');
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) return fail(path, 'shorter than minLength');
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) return fail(path, 'longer than maxLength');
    if (typeof schema.pattern === 'string') {
      const pattern = compilePattern(schema.pattern);
      if (pattern !== null && !pattern.test(value)) return fail(path, 'does not match pattern');
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return fail(path, 'fewer than minItems');
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return fail(path, 'more than maxItems');
    if (schema.items !== undefined && !Array.isArray(schema.items)) {
      for (const [index, item] of value.entries()) {
        const result = check(item, schema.items, root, `${path}[${index}]`, depth + 1);
        if (!result.valid) return result;
      }
    }
  }
  if (isPlainObject(value)) {
    const properties = isPlainObject(schema.properties) ? schema.properties : {};
    if (Array.isArray(schema.required)) {
      for (const key of schema.required) {
        if (typeof key === 'string' && !Object.hasOwn(value, key)) return fail(`${path}.${key}`, 'required property missing');
      }
    }
    for (const [key, member] of Object.entries(value)) {
      const memberPath = `${path}.${key}`;
      if (Object.hasOwn(properties, key)) {
        const result = check(member, properties[key], root, memberPath, depth + 1);
        if (!result.valid) return result;
      } else if (schema.additionalProperties === false) {
        return fail(memberPath, 'additional property not allowed');
      } else if (isPlainObject(schema.additionalProperties)) {
        const result = check(member, schema.additionalProperties, root, memberPath, depth + 1);
        if (!result.valid) return result;
      }
    }
  }
  return valid;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    default:
      return true;
  }
}

/** `#`, `#/$defs/name`, `#/definitions/name` and other JSON pointers into the same document. */
function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const rawPart of ref.slice(1).split('/').slice(1)) {
    const part = rawPart.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isPlainObject(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

function compilePattern(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return null;
  }
}

function deepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right)) return left.length === right.length && left.every((item, index) => deepEqual(item, right[index]));
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key], right[key]));
  }
  return false;
}
