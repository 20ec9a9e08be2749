/**
 * Surrogates for the numeric kinds: phone numbers, payment cards, IBANs, national ids and IP addresses. Each
 * keeps the real value's layout (separators, grouping, length, country) and draws new digits, then repairs
 * whatever makes a value valid (Luhn digit, mod-97 check digits, numbering-plan validity), because a fake a
 * validator rejects is a different input than the ones a specialist will see live.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { KeyedRandom } from '../keyed-random.ts';

const digits = '0123456789';
const upperLetters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const lowerLetters = 'abcdefghijklmnopqrstuvwxyz';

/** Replaces every letter and digit with a random one of the same class and case; everything else stays. */
export function scrambleLike(real: string, random: KeyedRandom, keepLeading = 0): string {
  let seen = 0;
  let result = '';
  for (const character of real) {
    const isAlphanumeric = /[A-Za-z0-9]/.test(character);
    if (isAlphanumeric && seen++ < keepLeading) result += character;
    else if (/[0-9]/.test(character)) result += random.string(1, digits);
    else if (/[A-Z]/.test(character)) result += random.string(1, upperLetters);
    else if (/[a-z]/.test(character)) result += random.string(1, lowerLetters);
    else result += character;
  }
  return result;
}

/** Writes `newDigits` into the digit positions of `layout`, in order. */
function fillDigits(layout: string, newDigits: string): string {
  let index = 0;
  return layout.replace(/\d/g, () => newDigits[index++] ?? '0');
}

/** Country codes tried for national-format numbers, like the detector's. */
const phoneCountries: readonly CountryCode[] = ['US', 'GB', 'IN', 'BR', 'DE', 'FR', 'ES', 'IT'];

function parsePhone(real: string, defaultCountry: string | undefined): { country: CountryCode | undefined; nationalNumber: string } | undefined {
  const countries = defaultCountry === undefined ? phoneCountries : [defaultCountry as CountryCode, ...phoneCountries];
  for (const country of countries) {
    const parsed = parsePhoneNumberFromString(real, { defaultCountry: country });
    if (parsed?.isValid()) return { country: parsed.country ?? country, nationalNumber: parsed.nationalNumber };
  }
  return undefined;
}

/**
 * A phone number with the same country code, trunk prefix, formatting and length: the national number gets
 * new digits after its first one (or few, until libphonenumber calls the result valid for that country).
 */
export function surrogatePhone(real: string, random: KeyedRandom, defaultCountry?: string): string {
  const realDigits = real.replace(/\D/g, '');
  const parsed = parsePhone(real, defaultCountry);
  const prefixLength = parsed === undefined ? Math.min(3, Math.max(0, realDigits.length - 6)) : realDigits.length - parsed.nationalNumber.length;
  for (let keep = 1; keep <= 4; keep += 1) {
    const kept = realDigits.slice(0, prefixLength + keep);
    for (let attempt = 0; attempt < 16; attempt += 1) {
      const candidate = fillDigits(real, kept + random.string(realDigits.length - kept.length, digits));
      if (parsed === undefined) return candidate;
      const reparsed = parsePhoneNumberFromString(candidate, { defaultCountry: parsed.country ?? 'US' });
      if (reparsed?.isValid() && reparsed.nationalNumber !== parsed.nationalNumber) return candidate;
    }
  }
  return fillDigits(real, realDigits.slice(0, prefixLength + 1) + random.string(Math.max(0, realDigits.length - prefixLength - 1), digits));
}

/** The Luhn check digit that completes `partial`. */
export function luhnCheckDigit(partial: string): string {
  let sum = 0;
  for (let index = 0; index < partial.length; index += 1) {
    let value = Number(partial[partial.length - 1 - index]);
    if (index % 2 === 0) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Brand prefixes kept from the real number: enough to stay Visa, Mastercard, Amex or Discover, never the issuer. */
function cardPrefixLength(cardDigits: string): number {
  if (cardDigits.startsWith('4')) return 1;
  if (cardDigits.startsWith('2') || cardDigits.startsWith('6011')) return 4;
  return 2;
}

/** A card number of the same length, grouping and brand, with a valid Luhn digit. */
export function surrogateCardNumber(real: string, random: KeyedRandom): string {
  const realDigits = real.replace(/\D/g, '');
  const prefix = realDigits.slice(0, cardPrefixLength(realDigits));
  const body = prefix + random.string(Math.max(0, realDigits.length - prefix.length - 1), digits);
  return fillDigits(real, body + luhnCheckDigit(body));
}

/** ISO 13616 mod-97 over a compact IBAN rearranged (BBAN + country + check digits), letters as 10–35. */
function ibanRemainder(rearranged: string): number {
  let remainder = 0;
  for (const character of rearranged) {
    const value = /[0-9]/.test(character) ? character : String(character.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** An IBAN of the same country, length, letter/digit layout and spacing, with valid mod-97 check digits. */
export function surrogateIban(real: string, random: KeyedRandom): string {
  const compact = real.replace(/\s/g, '').toUpperCase();
  const country = compact.slice(0, 2);
  const bban = scrambleLike(compact.slice(4), random);
  const check = String(98 - ibanRemainder(`${bban}${country}00`)).padStart(2, '0');
  const replacement = `${country}${check}${bban}`;
  let index = 0;
  let result = '';
  for (const character of real) {
    if (/\s/.test(character)) {
      result += character;
      continue;
    }
    const next = replacement[index++] ?? '';
    result += character === character.toLowerCase() && character !== character.toUpperCase() ? next.toLowerCase() : next;
  }
  return result;
}

const ninoFirstLetters = 'ABCEGHJKLMNOPRSTWXYZ';
const ninoSecondLetters = 'ABCEGHJKLMNPRSTWXYZ';
const excludedNinoPrefixes = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/**
 * A national id of the same scheme and layout: a US SSN the SSA could issue (area never 000, 666 or 9xx,
 * group never 00, serial never 0000), a UK National Insurance number with a valid prefix and suffix A–D,
 * otherwise the same letters-and-digits shape.
 */
export function surrogateNationalId(real: string, random: KeyedRandom): string {
  if (/^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(real)) {
    let area = random.int(1, 899);
    if (area === 666) area = 667;
    const group = random.int(1, 99);
    const serial = random.int(1, 9999);
    return fillDigits(real, `${String(area).padStart(3, '0')}${String(group).padStart(2, '0')}${String(serial).padStart(4, '0')}`);
  }
  if (/^[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]$/.test(real)) {
    let prefix: string;
    do prefix = random.string(1, ninoFirstLetters) + random.string(1, ninoSecondLetters);
    while (excludedNinoPrefixes.has(prefix));
    const compact = `${prefix}${random.string(6, digits)}${random.string(1, 'ABCD')}`;
    let index = 0;
    return real.replace(/[A-Za-z0-9]/g, () => compact[index++] ?? '');
  }
  return scrambleLike(real, random);
}

/** First octets that are ordinary public unicast space. */
function publicFirstOctet(random: KeyedRandom): number {
  for (;;) {
    const octet = random.int(1, 223);
    if (![0, 10, 100, 127, 169, 172, 192, 198, 203].includes(octet)) return octet;
  }
}

/**
 * An IP address of the same version. A private or loopback IPv4 address stays in its range (its network
 * part is kept); a public one gets a public address. IPv6 keeps its first group and its `::` shortening.
 */
export function surrogateIpAddress(real: string, random: KeyedRandom): string {
  if (isIPv4(real)) {
    const octets = real.split('.').map(Number);
    const [first = 0, second = 0] = octets;
    if (first === 10 || first === 127) return [first, random.int(0, 255), random.int(0, 255), random.int(1, 254)].join('.');
    if (first === 192 && second === 168) return [192, 168, random.int(0, 255), random.int(1, 254)].join('.');
    if (first === 172 && second >= 16 && second <= 31) return [172, second, random.int(0, 255), random.int(1, 254)].join('.');
    return [publicFirstOctet(random), random.int(0, 255), random.int(0, 255), random.int(1, 254)].join('.');
  }
  if (isIPv6(real)) {
    const firstGroupEnd = real.indexOf(':');
    const rest = real.slice(firstGroupEnd).replace(/[0-9a-fA-F]/g, (character) => {
      const hex = random.string(1, '0123456789abcdef');
      return character === character.toUpperCase() && /[A-F]/.test(character) ? hex.toUpperCase() : hex;
    });
    return real.slice(0, firstGroupEnd) + rest;
  }
  return scrambleLike(real, random);
}
