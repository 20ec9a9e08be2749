/**
 * Deterministic JSON and hashing for datasets: dedup keys, split buckets, file hashes and dataset versions
 * must not depend on key order or on the run, so everything hashed goes through `canonicalJson` first (which
 * lives in contracts, shared with the serving side).
 */
import { sha256Hex } from '../../../contracts/canonical-json.ts';

export { canonicalJson, sha256Hex } from '../../../contracts/canonical-json.ts';

/** A number in [0, 1) fixed by `seed` and `key`: the same inputs give the same bucket on every run. */
export function seededUnit(seed: string, key: string): number {
  const hex = sha256Hex(`${seed}\u0000${key}`).slice(0, 12);
  return Number.parseInt(hex, 16) / 2 ** 48;
}

/** `JSON.parse` that reports failure instead of throwing (text from logged calls is untrusted). */
export function safeParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Code-unit order, the same in every locale (`localeCompare` is not). */
export function compareStrings(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
