/**
 * Deterministic randomness for surrogates. A surrogate must be the same for the same real value in the same
 * scope in every process, with no lookup table, yet unpredictable to anyone without the secret key: the seed
 * is a keyed HMAC of (scope, kind, normalised value, attempt), and a small PRNG (sfc32) stretches it into as
 * many draws as a generator needs.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export interface KeyedRandom {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string;
}

/** The three keys derived from the one secret key, so a leak of one use never weakens another. */
export interface RedactionKeys {
  /** Seeds surrogates. */
  surrogate: Buffer;
  /** Keys the lookup digest stored beside each encrypted mapping. */
  lookup: Buffer;
  /** AES-256-GCM key for the real values in the mapping store. */
  encryption: Buffer;
}

/** Splits the secret key (32 bytes) into independent subkeys with HKDF-SHA256. */
export function deriveRedactionKeys(secretKey: Uint8Array): RedactionKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), `understudy redaction ${info}`, 32));
  return { surrogate: derive('surrogate'), lookup: derive('lookup'), encryption: derive('encryption') };
}

/** HMAC-SHA256 over NUL-joined parts (NUL never occurs in the parts that matter: scope, kind, values). */
export function keyedDigest(key: Uint8Array, parts: readonly string[]): Buffer {
  return createHmac('sha256', key).update(parts.join('\u0000')).digest();
}

/** A PRNG seeded from the keyed digest of `parts`. */
export function createKeyedRandom(key: Uint8Array, parts: readonly string[]): KeyedRandom {
  const seed = keyedDigest(key, parts);
  let a = seed.readUInt32LE(0);
  let b = seed.readUInt32LE(4);
  let c = seed.readUInt32LE(8);
  let d = seed.readUInt32LE(12);
  const nextUint32 = (): number => {
    // sfc32 (Chris Doty-Humphrey): small, fast, passes PractRand; cryptographic strength comes from the seed.
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let warmUp = 0; warmUp < 12; warmUp += 1) nextUint32();
  const next = () => nextUint32() / 4294967296;
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    string(length, alphabet) {
      let result = '';
      for (let index = 0; index < length; index += 1) result += alphabet[Math.floor(next() * alphabet.length)];
      return result;
    },
  };
}
