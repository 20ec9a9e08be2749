/**
 * Random strings over `[0-9A-Za-z]` from the operating system's CSPRNG, for API key secrets and ids.
 */
import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Bytes at or above 248 (= 62 × 4) are thrown away: taking `byte % 62` of every byte would make the first eight
 * characters of the alphabet slightly more likely, shaving entropy off every secret.
 */
const acceptBelow = 248;

/** Returns `length` characters, each carrying log2(62) ≈ 5.95 bits; 40 characters ≈ 238 bits. */
export function randomBase62(length: number): string {
  let result = '';
  while (result.length < length) {
    for (const byte of randomBytes(length + 8)) {
      if (byte >= acceptBelow) continue;
      result += alphabet[byte % 62];
      if (result.length === length) break;
    }
  }
  return result;
}
