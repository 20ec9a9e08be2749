/**
 * Merges many JSON values into one JSON schema: the types seen at every position (with `null` kept as a
 * union member), `required` = the keys present in every object seen there, nested objects and arrays, enums
 * for small closed sets of strings, and `integer` unless some number had a fraction. It is built from counts
 * so that thousands of outputs merge in one pass without keeping them.
 */

/** At most this many distinct strings are tracked per position; beyond it the position is free text. */
const maximumTrackedStrings = 12;
/** An enum needs at most this many values… */
const maximumEnumValues = 8;
/** …each seen this many times on average, so that a handful of one-off strings is not taken for a closed set. */
const minimumObservationsPerEnumValue = 3;

interface Node {
  observations: number;
  sawNull: boolean;
  sawBoolean: boolean;
  sawInteger: boolean;
  sawFraction: boolean;
  stringCount: number;
  /** Distinct strings and their counts; null once more than `maximumTrackedStrings` were seen. */
  strings: Map<string, number> | null;
  objectCount: number;
  properties: Map<string, { present: number; node: Node }>;
  arrayCount: number;
  items: Node | null;
}

function createNode(): Node {
  return {
    observations: 0,
    sawNull: false,
    sawBoolean: false,
    sawInteger: false,
    sawFraction: false,
    stringCount: 0,
    strings: new Map(),
    objectCount: 0,
    properties: new Map(),
    arrayCount: 0,
    items: null,
  };
}

function addValue(node: Node, value: unknown): void {
  node.observations += 1;
  if (value === null || value === undefined) {
    node.sawNull = true;
  } else if (typeof value === 'boolean') {
    node.sawBoolean = true;
  } else if (typeof value === 'number') {
    if (Number.isInteger(value)) node.sawInteger = true;
    else node.sawFraction = true;
  } else if (typeof value === 'string') {
    node.stringCount += 1;
    if (node.strings) {
      node.strings.set(value, (node.strings.get(value) ?? 0) + 1);
      if (node.strings.size > maximumTrackedStrings) node.strings = null;
    }
  } else if (Array.isArray(value)) {
    node.arrayCount += 1;
    for (const item of value) {
      node.items ??= createNode();
      addValue(node.items, item);
    }
  } else if (typeof value === 'object') {
    node.objectCount += 1;
    for (const [key, child] of Object.entries(value)) {
      let property = node.properties.get(key);
      if (!property) {
        property = { present: 0, node: createNode() };
        node.properties.set(key, property);
      }
      property.present += 1;
      addValue(property.node, child);
    }
  }
}

function schemaOf(node: Node): Record<string, unknown> {
  const types: string[] = [];
  if (node.objectCount > 0) types.push('object');
  if (node.arrayCount > 0) types.push('array');
  if (node.stringCount > 0) types.push('string');
  if (node.sawFraction) types.push('number');
  else if (node.sawInteger) types.push('integer');
  if (node.sawBoolean) types.push('boolean');
  if (node.sawNull) types.push('null');
  const schema: Record<string, unknown> = {};
  // No observation at all (an array that was always empty): any value, the honest schema.
  if (types.length === 0) return schema;
  schema.type = types.length === 1 ? types[0] : types;
  if (node.objectCount > 0) {
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    for (const [key, property] of node.properties) {
      properties[key] = schemaOf(property.node);
      if (property.present === node.objectCount) required.push(key);
    }
    schema.properties = properties;
    schema.required = required;
  }
  if (node.arrayCount > 0 && node.items) schema.items = schemaOf(node.items);
  const onlyStrings = types.every((type) => type === 'string' || type === 'null');
  if (onlyStrings && node.strings && node.strings.size > 0 && node.strings.size <= maximumEnumValues) {
    if (node.stringCount >= node.strings.size * minimumObservationsPerEnumValue) {
      const values: Array<string | null> = [...node.strings.keys()].sort();
      if (node.sawNull) values.push(null);
      schema.enum = values;
    }
  }
  return schema;
}

/** Accumulates JSON values; `schema()` can be read at any time. */
export interface JsonSchemaAccumulator {
  add(value: unknown): void;
  /** Values added so far. */
  readonly count: number;
  /** The merged schema, `{}` when nothing was added. */
  schema(): Record<string, unknown>;
}

/**
 * @example
 * const merged = createJsonSchemaAccumulator();
 * merged.add({ name: 'Ada', phone: null });
 * merged.add({ name: 'Lin', phone: '+44 20 7946 0958' });
 * merged.schema(); // { type: 'object', properties: { name: { type: 'string' }, phone: { type: ['string', 'null'] } }, required: ['name', 'phone'] }
 */
export function createJsonSchemaAccumulator(): JsonSchemaAccumulator {
  const root = createNode();
  return {
    add(value) {
      addValue(root, value);
    },
    get count() {
      return root.observations;
    },
    schema() {
      return root.observations === 0 ? {} : schemaOf(root);
    },
  };
}

/** Leaf positions of a merged schema (object properties, recursively; an array counts its items' leaves). */
export function countSchemaFields(schema: Record<string, unknown>): number {
  const properties = schema.properties;
  const items = schema.items;
  if (properties && typeof properties === 'object') {
    let total = 0;
    for (const child of Object.values(properties)) {
      total += child && typeof child === 'object' ? countSchemaFields(child as Record<string, unknown>) : 1;
    }
    return Math.max(total, 1);
  }
  if (items && typeof items === 'object') return countSchemaFields(items as Record<string, unknown>);
  return 1;
}
