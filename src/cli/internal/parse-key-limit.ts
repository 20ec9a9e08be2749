/**
 * The values `understudy keys create|limits` take for a key's limits: a whole number of requests per minute, a
 * body size in bytes or with a unit (`10kb`, `1mb`; binary units, like `gateway.bodyLimitBytes`), and `none` to
 * clear a limit (the gateway's default applies again). Bad input is a usage error (exit 2).
 */
import { InvalidArgumentError } from 'commander';

const byteUnits: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** `--rate-limit 60` → 60. */
export function parseRateLimit(text: string): number {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`--rate-limit takes a whole number of requests per minute above 0, got '${text}'.`);
  }
  return value;
}

/** `--max-body 65536`, `64kb`, `1.5mb` → bytes (whole, rounded down). */
export function parseByteSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const multiplier = match ? byteUnits[match[2]!.toLowerCase()] : undefined;
  const value = match && multiplier !== undefined ? Math.floor(Number(match[1]) * multiplier) : Number.NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`--max-body takes a size above 0 in bytes or with a unit (10kb, 1mb, 1gb), got '${text}'.`);
  }
  return value;
}

/**
 * Wraps a parser so that `none` clears the limit. It stays the string `'none'` until the action turns it into
 * null: commander replaces a parser's null with '' for options that take a value.
 */
export function orNone(parse: (text: string) => number): (text: string) => number | 'none' {
  return (text) => (text.trim().toLowerCase() === 'none' ? 'none' : parse(text));
}

/** `65536` → `64 KiB`, for lists. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(2))} ${unit}`;
  }
  return `${bytes} B`;
}
