/**
 * Deterministic JSON and hashing for datasets: dedup keys, split buckets, file hashes and dataset versions
 * must not depend on key order or on the run, so everything hashed goes through `canonicalJson` first.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level; `undefined` members are dropped as `JSON.stringify` does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

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
