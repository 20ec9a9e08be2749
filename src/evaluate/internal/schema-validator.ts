/**
 * JSON-schema validation with ajv, for response_format schemas and tool `parameters`. Schemas come from logged
 * calls, so a schema ajv cannot compile is an expected result (`{ ok: false, reason }`), never a throw.
 */
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object's `default`.
const addFormats = addFormatsModule.default;

export type SchemaValidation = { ok: true } | { ok: false; reason: string };

type CompiledSchema = { ok: true; validate: ValidateFunction } | { ok: false; reason: string };

/**
 * `strict: false`: schemas in the wild carry keywords ajv does not know ("x-…", vendor hints); OpenAI ignores
 * them and so do we, otherwise one stray keyword would make every answer of a task invalid.
 * `addUsedSchema: false`: two different schemas with the same `$id` must not collide in the instance.
 * Formats (date-time, email, uuid, …) are validated as OpenAI structured outputs document them.
 */
const ajvOptions: Options = { strict: false, allErrors: false, addUsedSchema: false };

let instances: { draft07: Ajv; draft2019: Ajv2019; draft2020: Ajv2020 } | undefined;

function ajvFor(schema: Record<string, unknown>): Ajv | Ajv2019 | Ajv2020 {
  if (!instances) {
    instances = { draft07: new Ajv(ajvOptions), draft2019: new Ajv2019(ajvOptions), draft2020: new Ajv2020(ajvOptions) };
    for (const instance of Object.values(instances)) addFormats(instance);
  }
  // Most schemas name no draft; ajv's default (draft-07) also reads draft-04/06 style. A declared newer draft
  // needs its own instance, or ajv rejects the unknown `$schema`.
  const declared = typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  if (declared.includes('2020-12')) return instances.draft2020;
  if (declared.includes('2019-09')) return instances.draft2019;
  return instances.draft07;
}

/** Compiled validators keyed by the schema's JSON text; bounded so a long-running router cannot grow it forever. */
const cache = new Map<string, CompiledSchema>();
const cacheLimit = 512;

function compile(schema: Record<string, unknown>): CompiledSchema {
  const key = JSON.stringify(schema);
  const cached = cache.get(key);
  if (cached) {
    // Refresh recency: Map iteration order is insertion order, so the first key is the least recently used.
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  let compiled: CompiledSchema;
  try {
    compiled = { ok: true, validate: ajvFor(schema).compile(schema) };
  } catch (error) {
    compiled = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  cache.set(key, compiled);
  if (cache.size > cacheLimit) cache.delete(cache.keys().next().value!);
  return compiled;
}

/**
 * Validates `value` against `schema`. In reasons, `schemaLabel` names the schema ('response_format schema
 * "ticket"') and `subject` the value ("content", "arguments of get_weather").
 */
export function validateAgainstSchema(schema: Record<string, unknown>, value: unknown, names: { schemaLabel: string; subject: string }): SchemaValidation {
  const compiled = compile(schema);
  if (!compiled.ok) return { ok: false, reason: `${names.schemaLabel} cannot be compiled: ${compiled.reason}` };
  if (compiled.validate(value)) return { ok: true };
  return { ok: false, reason: `${names.subject} does not match ${names.schemaLabel}: ${describeErrors(compiled.validate.errors ?? [])}` };
}

function describeErrors(errors: readonly ErrorObject[]): string {
  const first = errors[0];
  if (!first) return 'invalid';
  const extra = first.keyword === 'additionalProperties' ? ` (${String((first.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
  return `${first.instancePath || '/'} ${first.message ?? 'is invalid'}${extra}`;
}
