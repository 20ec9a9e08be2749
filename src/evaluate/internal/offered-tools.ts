import { isPlainObject } from './safe-parse-json.ts';

/** A function tool as offered in an OpenAI request (`{ type: 'function', function: { name, parameters } }`). */
export interface OfferedFunction {
  name: string;
  /** The JSON schema of the arguments; absent means the function takes any object. */
  parameters: Record<string, unknown> | undefined;
}

/** The function tools of a request by name; entries of other types or malformed ones are skipped. */
export function offeredFunctions(tools: ReadonlyArray<Record<string, unknown>> | null | undefined): Map<string, OfferedFunction> {
  const byName = new Map<string, OfferedFunction>();
  for (const tool of tools ?? []) {
    const definition = tool['function'];
    if (!isPlainObject(definition) || typeof definition['name'] !== 'string') continue;
    const parameters = definition['parameters'];
    byName.set(definition['name'], { name: definition['name'], parameters: isPlainObject(parameters) ? parameters : undefined });
  }
  return byName;
}

/** The schema's `properties`, `required` and each property's `default`, read defensively (schemas are logged data). */
export function describeParameters(parameters: Record<string, unknown> | undefined): {
  required: Set<string>;
  defaults: Map<string, unknown>;
} {
  const required = new Set(Array.isArray(parameters?.['required']) ? parameters['required'].filter((name): name is string => typeof name === 'string') : []);
  const defaults = new Map<string, unknown>();
  const properties = parameters?.['properties'];
  if (isPlainObject(properties)) {
    for (const [name, property] of Object.entries(properties)) {
      if (isPlainObject(property) && 'default' in property) defaults.set(name, property['default']);
    }
  }
  return { required, defaults };
}
