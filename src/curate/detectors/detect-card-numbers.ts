import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

/** 13–19 digits, grouped by single spaces or dashes, not glued to other digits nor after `+` (a phone number). */
const cardPattern = /(?<![\d+-])\d(?:[ -]?\d){12,18}(?![\d]|-\d)/g;

/** Issuer prefixes and the lengths each brand uses; a Luhn-valid number without one is not reported. */
const brands: ReadonlyArray<{ name: string; prefix: RegExp; lengths: readonly number[] }> = [
  { name: 'visa', prefix: /^4/, lengths: [13, 16, 19] },
  { name: 'mastercard', prefix: /^(?:5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/, lengths: [16] },
  { name: 'amex', prefix: /^3[47]/, lengths: [15] },
  { name: 'discover', prefix: /^(?:6011|65|64[4-9])/, lengths: [16, 19] },
  { name: 'jcb', prefix: /^35(?:2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] },
  { name: 'diners', prefix: /^3(?:0[0-5]|[68])/, lengths: [14, 16] },
  { name: 'unionpay', prefix: /^62/, lengths: [16, 17, 18, 19] },
  { name: 'maestro', prefix: /^(?:5018|5020|5038|6304|6759|676[1-3])/, lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
];

/** The Luhn checksum every payment card number carries. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Payment card numbers: Luhn-valid, a known brand prefix and length, one kind of separator at most. */
export function detectCardNumbers(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(cardPattern)) {
    const raw = match[0];
    if (raw.includes(' ') && raw.includes('-')) continue;
    const digits = raw.replace(/\D/g, '');
    if (!passesLuhn(digits) || /^(\d)\1+$/.test(digits)) continue;
    const brand = brands.find((candidate) => candidate.prefix.test(digits) && candidate.lengths.includes(digits.length));
    if (brand === undefined) continue;
    findings.push(createFinding(text, 'card_number', match.index, match.index + raw.length, 0.96, `card:${brand.name}`));
  }
  return findings;
}
