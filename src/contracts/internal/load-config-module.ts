/**
 * Reads `understudy.config.ts` (or a .js/.mjs/.cts/.mts module): its default export is the config object, or
 * a function returning it. The module is compiled by tsx's synchronous `require` API so `loadConfig` stays
 * synchronous for every command; tsx is loaded only when a module config is actually used.
 */
import { createRequire } from 'node:module';
import { UnderstudyError } from '../errors.ts';

/** File endings loaded as modules; anything else is read as JSON. */
export const configModuleExtensions = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

type ScopedRequire = (id: string, fromFile: string | URL) => unknown;

let tsxRequire: ScopedRequire | undefined;

/** Returns the module's config value, not yet validated: the caller parses it with the config schema. */
export function loadConfigModule(file: string): unknown {
  tsxRequire ??= (createRequire(import.meta.url)('tsx/cjs/api') as { require: ScopedRequire }).require;
  let exported: unknown;
  try {
    exported = tsxRequire(file, import.meta.url);
  } catch (error) {
    throw new UnderstudyError('config_invalid', `${file} failed to load: ${firstLine(error)}`, { cause: error });
  }
  const value = isRecord(exported) && 'default' in exported ? exported.default : undefined;
  if (value === undefined) {
    throw new UnderstudyError('config_invalid', `${file} has no default export: write \`export default { … }\` (or a function returning the config).`);
  }
  if (typeof value !== 'function') return value;
  let produced: unknown;
  try {
    produced = (value as () => unknown)();
  } catch (error) {
    throw new UnderstudyError('config_invalid', `${file}: the exported config function threw: ${firstLine(error)}`, { cause: error });
  }
  // Config is read synchronously before any command runs; an async function would be silently ignored.
  if (produced instanceof Promise || (isRecord(produced) && typeof produced.then === 'function')) {
    throw new UnderstudyError('config_invalid', `${file}: the exported config function must return the config object, not a Promise.`);
  }
  return produced;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
