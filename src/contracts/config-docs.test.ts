/**
 * docs/configuration.md is the config file's reference: every key the schema accepts must be listed there (as
 * `dotted.path` in backticks, `[]` for array items, `*` for a record's own keys), so the reference cannot fall
 * behind the schema.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configSchema } from './config.ts';

/** The parts of zod 4's schema definitions the walk reads. */
interface SchemaNode {
  _zod: { def: { type: string; innerType?: SchemaNode; shape?: Record<string, SchemaNode>; element?: SchemaNode; valueType?: SchemaNode } };
}

function hasKeys(schema: SchemaNode): boolean {
  const { def } = schema._zod;
  if (def.innerType !== undefined && (def.type === 'optional' || def.type === 'default')) return hasKeys(def.innerType);
  return def.type === 'object';
}

/** Every documented path: objects are walked, arrays and records of objects both listed and walked. */
function listConfigKeys(schema: SchemaNode, prefix = ''): string[] {
  const { def } = schema._zod;
  if ((def.type === 'optional' || def.type === 'default') && def.innerType !== undefined) return listConfigKeys(def.innerType, prefix);
  if (def.type === 'object' && def.shape !== undefined) {
    return Object.entries(def.shape).flatMap(([key, child]) => listConfigKeys(child, prefix === '' ? key : `${prefix}.${key}`));
  }
  if (def.type === 'array' && def.element !== undefined && hasKeys(def.element)) return [prefix, ...listConfigKeys(def.element, `${prefix}[]`)];
  if (def.type === 'record' && def.valueType !== undefined && hasKeys(def.valueType)) return [prefix, ...listConfigKeys(def.valueType, `${prefix}.*`)];
  return [prefix];
}

test('docs/configuration.md lists every key of the config schema', () => {
  const documentation = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const keys = listConfigKeys(configSchema as unknown as SchemaNode);
  assert.ok(keys.length > 50, `the walk reaches nested keys (${keys.length})`);
  assert.ok(keys.includes('routing.promotion.window') && keys.includes('providers[].baseUrl') && keys.includes('pricing.*.inputPerMillion'));
  const missing = keys.filter((key) => !documentation.includes(`\`${key}\``));
  assert.deepEqual(missing, [], 'keys missing from docs/configuration.md');
});
