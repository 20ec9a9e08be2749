/**
 * IBANs that pass ISO 13616 mod-97 and, where a country has one, its national check (French RIB key,
 * Spanish control digits, Italian CIN, Belgian mod-97, Dutch eleven-test), so a redactor that validates
 * before masking is tested on numbers a real validator accepts.
 */
import type { Random } from '../random.ts';
import type { CountryValue } from './phone-number.ts';

const digits = '0123456789';
const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Total IBAN length per country (ISO 13616 registry). */
export const ibanLengths: Readonly<Record<string, number>> = {
  DE: 22, FR: 27, GB: 22, NL: 18, ES: 24, IT: 27, BE: 16,
};

/** The remainder of a digit/letter string modulo 97, letters counting A=10 … Z=35. */
function mod97(text: string): number {
  let remainder = 0;
  for (const character of text) {
    const code = character.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : character;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** ISO 13616 check digits for a country and BBAN. */
export function ibanCheckDigits(country: string, bban: string): string {
  return String(98 - mod97(bban + country + '00')).padStart(2, '0');
}

/**
 * Whether `value` is a well-formed IBAN: known length for the countries we generate, and mod-97 = 1.
 * Spaces are ignored, as in printed IBANs.
 */
export function ibanValid(value: string): boolean {
  const compact = value.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact)) return false;
  const expectedLength = ibanLengths[compact.slice(0, 2)];
  if (expectedLength !== undefined && compact.length !== expectedLength) return false;
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

/** French RIB key over bank, branch and account; letters count as digits (A, J → 1; B, K, S → 2; …). */
export function ribKey(bank: string, branch: string, account: string): string {
  const asDigits = (text: string) =>
    Number(text.toUpperCase().replace(/[A-Z]/g, (letter) => String(((letter.charCodeAt(0) - 65 + (letter >= 'S' ? 1 : 0)) % 9) + 1)));
  const remainder = (89 * asDigits(bank) + 15 * asDigits(branch) + 3 * asDigits(account)) % 97;
  return String(97 - remainder).padStart(2, '0');
}

/** One Spanish control digit over ten digits. */
function spanishControlDigit(tenDigits: string): number {
  const weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
  const sum = weights.reduce((total, weight, index) => total + weight * Number(tenDigits[index]), 0);
  const digit = 11 - (sum % 11);
  return digit === 11 ? 0 : digit === 10 ? 1 : digit;
}

/** The two Spanish control digits ("DC") between branch and account. */
export function spanishControlDigits(bank: string, branch: string, account: string): string {
  return `${spanishControlDigit(`00${bank}${branch}`)}${spanishControlDigit(account)}`;
}

/** Italian CIN: odd positions (1st, 3rd, …) through a fixed table, even positions by value, mod 26. */
export function italianCin(abi: string, cab: string, account: string): string {
  const oddValues = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
  const text = abi + cab + account;
  let sum = 0;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    const value = /\d/.test(character) ? Number(character) : character.charCodeAt(0) - 65;
    sum += index % 2 === 0 ? oddValues[value]! : value;
  }
  return letters[sum % 26]!;
}

/** Whether a ten-digit Dutch account number passes the eleven-test (weights 10 … 1). */
export function dutchElevenTest(account: string): boolean {
  let sum = 0;
  for (let index = 0; index < account.length; index += 1) sum += Number(account[index]) * (account.length - index);
  return sum % 11 === 0;
}

const bbanBuilders: Record<string, (random: Random) => string> = {
  DE: (random) =>
    random.pick(['37040044', '10070000', '50010517', '20041133', '12030000', '70150000', '43060967', '10010010']) +
    random.string(10, digits),
  GB: (random) =>
    random.pick(['NWBK', 'BARC', 'HBUK', 'LOYD', 'MIDL', 'NAIA', 'BUKB']) + random.string(6, digits) + random.string(8, digits),
  FR: (random) => {
    const bank = random.pick(['30004', '30003', '20041', '10107', '30002', '12548', '30066']);
    const branch = random.string(5, digits);
    const account = random.string(11, digits);
    return bank + branch + account + ribKey(bank, branch, account);
  },
  NL: (random) => {
    const bank = random.pick(['ABNA', 'INGB', 'RABO', 'TRIO', 'KNAB', 'SNSB', 'ASNB', 'BUNQ']);
    for (;;) {
      const account = random.string(9, digits);
      // The last digit has weight 1, so it alone can close the sum to a multiple of 11 (unless it would be 10).
      let sum = 0;
      for (let index = 0; index < 9; index += 1) sum += Number(account[index]) * (10 - index);
      const last = (11 - (sum % 11)) % 11;
      if (last < 10 && account[0] !== '0') return bank + account + String(last);
    }
  },
  ES: (random) => {
    const bank = random.pick(['2100', '0049', '0182', '0081', '2085', '0128', '1465']);
    const branch = random.string(4, digits);
    const account = random.string(10, digits);
    return bank + branch + spanishControlDigits(bank, branch, account) + account;
  },
  IT: (random) => {
    const abi = random.pick(['03069', '02008', '05034', '03062', '01030', '05428']);
    const cab = random.string(5, digits);
    const account = random.string(12, digits);
    return italianCin(abi, cab, account) + abi + cab + account;
  },
  BE: (random) => {
    const first = random.pick(['001', '068', '310', '363', '735', '096', '539']) + random.string(7, digits);
    const check = Number(first) % 97;
    return first + String(check === 0 ? 97 : check).padStart(2, '0');
  },
};

/** Countries `iban` knows, each with its weight among simulated account holders. */
export const ibanCountries: ReadonlyArray<readonly [string, number]> = [
  ['DE', 4], ['FR', 3], ['GB', 3], ['NL', 2], ['ES', 2], ['IT', 2], ['BE', 1],
];

/** Groups of four, as IBANs are printed on statements and invoices. */
export function groupIban(compact: string): string {
  return compact.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * An IBAN of `country` (drawn by weight when omitted), grouped in fours about half the time.
 *
 * @example
 * iban(random, 'DE'); // { value: 'DE89 3704 0044 0532 0130 00', country: 'DE' }
 */
export function iban(random: Random, country?: string): CountryValue {
  const chosen = country ?? random.weighted(ibanCountries);
  const build = bbanBuilders[chosen];
  if (build === undefined) throw new RangeError(`iban: unsupported country ${chosen}`);
  const bban = build(random);
  const compact = chosen + ibanCheckDigits(chosen, bban) + bban;
  return { value: random.chance(0.5) ? groupIban(compact) : compact, country: chosen };
}
