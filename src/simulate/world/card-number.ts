/**
 * Payment card numbers with valid Luhn check digits and real brand prefixes and lengths, so a redactor's
 * card detector is tested on numbers a payment form would accept.
 */
import type { Random } from '../random.ts';

const digits = '0123456789';

export type CardBrand = 'visa' | 'mastercard' | 'amex';

/** Whether a card number (spaces and dashes ignored) has 12–19 digits and a valid Luhn check digit. */
export function luhnValid(number: string): boolean {
  const compact = number.replace(/[ -]/g, '');
  if (!/^\d{12,19}$/.test(compact)) return false;
  return luhnSum(compact) % 10 === 0;
}

function luhnSum(compact: string): number {
  let sum = 0;
  for (let index = 0; index < compact.length; index += 1) {
    // Double every second digit counting from the right-most (the check digit itself is not doubled).
    let digit = Number(compact[compact.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum;
}

/** The digit that makes `partial` + digit pass Luhn. */
export function luhnCheckDigit(partial: string): string {
  return String((10 - (luhnSum(partial + '0') % 10)) % 10);
}

/** A compact card number of one brand. */
export function cardDigits(random: Random, brand: CardBrand): string {
  let prefix: string;
  let length: number;
  if (brand === 'visa') {
    prefix = '4';
    length = 16;
  } else if (brand === 'mastercard') {
    // The 2-series (2221–2720) was added in 2017; most cards in circulation are still 51–55.
    prefix = random.chance(0.7) ? String(random.int(51, 55)) : String(random.int(2221, 2720));
    length = 16;
  } else {
    prefix = random.pick(['34', '37']);
    length = 15;
  }
  const partial = prefix + random.string(length - 1 - prefix.length, digits);
  return partial + luhnCheckDigit(partial);
}

/** Brands by their share of simulated payments. */
export const cardBrands: ReadonlyArray<readonly [CardBrand, number]> = [
  ['visa', 5], ['mastercard', 4], ['amex', 1],
];

/**
 * A card number, spaced as printed on the card (4-4-4-4, Amex 4-6-5) or compact as pasted into a form.
 *
 * @example
 * cardNumber(random); // '4539 1488 0343 6467' or '371449635398431'
 */
export function cardNumber(random: Random): string {
  const brand = random.weighted(cardBrands);
  const compact = cardDigits(random, brand);
  if (random.chance(0.45)) return compact;
  if (brand === 'amex') return `${compact.slice(0, 4)} ${compact.slice(4, 10)} ${compact.slice(10)}`;
  return compact.replace(/(\d{4})(?=\d)/g, '$1 ');
}
