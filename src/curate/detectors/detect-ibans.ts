import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

/** IBAN length per country (ISO 13616 registry, the countries in common use). */
const ibanLengths: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23,
  GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20,
  LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30,
  NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19,
  SK: 24, SM: 27, TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
};

/** Country, check digits, then alphanumerics in optional groups of up to four separated by single spaces. */
const ibanPattern = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}/g;

/** ISO 7064 mod-97-10 over the rearranged IBAN, computed piecewise to stay within safe integers. */
export function passesIbanChecksum(compact: string): boolean {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const code = character.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : character;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/**
 * IBANs: the country's registered length and a valid mod-97 checksum. The candidate is cut to the
 * country's length, so trailing words such as "DE… please" or a following number do not break a match.
 */
export function detectIbans(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(ibanPattern)) {
    const raw = match[0];
    const length = ibanLengths[raw.slice(0, 2)];
    if (length === undefined) continue;
    let compactCount = 0;
    let end = -1;
    for (let index = 0; index < raw.length; index += 1) {
      if (raw[index] === ' ') continue;
      compactCount += 1;
      if (compactCount === length) {
        end = index + 1;
        break;
      }
    }
    if (end === -1) continue;
    const following = raw[end] ?? text[match.index + end] ?? '';
    if (/[A-Za-z0-9]/.test(following) && raw[end] !== ' ') continue;
    const compact = raw.slice(0, end).replace(/ /g, '');
    if (!passesIbanChecksum(compact)) continue;
    findings.push(createFinding(text, 'iban', match.index, match.index + end, 0.97, 'iban'));
  }
  return findings;
}
