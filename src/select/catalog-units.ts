/**
 * Sizes as people type them on the command line (`4GB`, `512MB`, `8k`, `128k`) and as the catalog table
 * prints them. Memory is decimal (GB = 10^9 bytes, the unit GGUF repositories list file sizes in) unless an
 * IEC unit says otherwise (GiB = 2^30). Token counts use k = 1024, because context windows are powers of two:
 * `8k` means 8,192 and `128k` means 131,072, as model cards use the words.
 */

const byteUnits: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Result of parsing user input: a value, or the reason it is not one (callers turn it into a one-line error). */
export type ParsedQuantity = { ok: true; value: number } | { ok: false; reason: string };

/**
 * Parses a memory size. A unit is required: a bare `4` is more likely a slip than four bytes.
 *
 * @example
 * parseByteSize('4GB'); // { ok: true, value: 4_000_000_000 }
 * parseByteSize('1.5GiB'); // { ok: true, value: 1_610_612_736 }
 */
export function parseByteSize(text: string): ParsedQuantity {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b|[kmgt])\s*$/i.exec(text);
  if (!match?.[1] || !match[2]) {
    return { ok: false, reason: `'${text}' is not a memory size: use a number with a unit, e.g. 512MB, 4GB or 1.5GiB` };
  }
  const unit = match[2].toLowerCase();
  const multiplier = byteUnits[unit.endsWith('b') ? unit : `${unit}b`];
  const value = Number(match[1]) * (multiplier ?? Number.NaN);
  if (!Number.isFinite(value) || value <= 0) return { ok: false, reason: `'${text}' is not a positive memory size` };
  return { ok: true, value: Math.round(value) };
}

/**
 * Parses a token count: a plain number, or `k` / `m` suffixed (k = 1024).
 *
 * @example
 * parseTokenCount('8k'); // { ok: true, value: 8192 }
 * parseTokenCount('32768'); // { ok: true, value: 32768 }
 */
export function parseTokenCount(text: string): ParsedQuantity {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([km])?\s*$/i.exec(text);
  if (!match?.[1]) return { ok: false, reason: `'${text}' is not a token count: use e.g. 4096, 8k or 128k` };
  const suffix = match[2]?.toLowerCase();
  const multiplier = suffix === 'k' ? 1024 : suffix === 'm' ? 1024 * 1024 : 1;
  const value = Math.round(Number(match[1]) * multiplier);
  if (value <= 0) return { ok: false, reason: `'${text}' is not a positive token count` };
  return { ok: true, value };
}

/** `810 MB`, `2.5 GB` — decimal, matching how GGUF repositories list files. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(bytes >= 1e10 ? 1 : 2)} GB`;
  return `${Math.round(bytes / 1e6)} MB`;
}

/** `32k`, `128k`; counts that are not a whole number of k print in full. */
export function formatTokenCount(tokens: number): string {
  return tokens % 1024 === 0 ? `${tokens / 1024}k` : String(tokens);
}

/** `135M`, `1.7B`, `3.21B`. */
export function formatParameterCount(parameters: number): string {
  if (parameters >= 1e9) return `${Number((parameters / 1e9).toFixed(2))}B`;
  return `${Number((parameters / 1e6).toFixed(0))}M`;
}
