/**
 * Phone numbers as people write them, valid under each country's numbering plan (the ranges
 * libphonenumber's metadata accepts), so a redactor that validates candidates still finds them and one
 * that matches digit runs must cope with every national habit of spacing and punctuation.
 */
import type { Random } from '../random.ts';

export interface CountryValue {
  value: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

const digits = '0123456789';

/** A number's parts before formatting: `national` is what follows the trunk prefix / country code. */
interface PhoneParts {
  countryCode: string;
  /** Groups of the national significant number, as a local would space them. */
  groups: string[];
}

type PhonePlan = (random: Random) => PhoneParts;

/** Area codes that are assigned and listed as valid in libphonenumber's NANP metadata. */
const usAreaCodes = [
  '201', '202', '206', '212', '213', '303', '305', '312', '404', '415', '503', '512',
  '602', '617', '646', '702', '713', '718', '773', '801', '818', '917', '919', '972',
];

function usExchange(random: Random): string {
  // NXX: first digit 2-9, never N11 (service codes) and never 555 (reserved for fiction).
  for (;;) {
    const exchange = String(random.int(2, 9)) + random.string(2, digits);
    if (exchange.slice(1) !== '11' && exchange !== '555') return exchange;
  }
}

const plans: Record<string, PhonePlan> = {
  US: (random) => ({ countryCode: '1', groups: [random.pick(usAreaCodes), usExchange(random), random.string(4, digits)] }),
  GB: (random) =>
    random.chance(0.7)
      ? // Mobiles 071xx–073xx: every block there is allocated to mobile operators.
        { countryCode: '44', groups: [`7${random.int(1, 3)}${random.string(2, digits)}`, random.string(6, digits)] }
      : // London 020 7xxx / 020 8xxx.
        { countryCode: '44', groups: ['20', `${random.pick(['7', '8'])}${random.string(3, digits)}`, random.string(4, digits)] },
  DE: (random) => {
    const kind = random.int(0, 2);
    // Mobiles 015x take 8 subscriber digits, 017x take 7; Berlin (30) and Munich (89) landlines 8.
    if (kind === 0) return { countryCode: '49', groups: [`15${random.pick(['1', '2', '5', '7', '9'])}`, random.string(8, digits)] };
    if (kind === 1) return { countryCode: '49', groups: [`17${random.string(1, digits)}`, random.string(7, digits)] };
    return { countryCode: '49', groups: [random.pick(['30', '89']), String(random.int(2, 9)) + random.string(7, digits)] };
  },
  FR: (random) => {
    // Mobiles 06 (except 063x/069x sub-blocks) and 073–079; Paris landlines 01.
    const lead = random.weighted<() => string>([
      [() => `6${random.pick(['0', '1', '2', '4', '5', '6', '7', '8'])}`, 5],
      [() => `7${random.int(3, 9)}`, 2],
      [() => `1${random.int(4, 5)}`, 2],
    ])();
    const rest = random.string(7, digits);
    return { countryCode: '33', groups: [lead[0]!, lead[1]! + rest[0]!, rest.slice(1, 3), rest.slice(3, 5), rest.slice(5, 7)] };
  },
  IN: (random) => {
    // Ten-digit mobiles: the 9 series, 70 and 84–85 (blocks libphonenumber types as mobile throughout).
    const lead = random.weighted<() => string>([
      [() => `9${random.string(1, digits)}`, 8],
      [() => '70', 1],
      [() => `8${random.int(4, 5)}`, 1],
    ])();
    return { countryCode: '91', groups: [lead + random.string(3, digits), random.string(5, digits)] };
  },
  BR: (random) => {
    // Mobiles: two-digit area code, then 9 and eight digits.
    const area = random.pick(['11', '12', '19', '21', '24', '27', '31', '41', '47', '48', '51', '61', '62', '71', '81', '85', '91']);
    return { countryCode: '55', groups: [area, `9${random.int(6, 9)}${random.string(3, digits)}`, random.string(4, digits)] };
  },
  NL: (random) =>
    random.chance(0.7)
      ? // Mobiles 061–065, eight digits after the 6.
        { countryCode: '31', groups: ['6', `${random.int(1, 5)}${random.string(7, digits)}`] }
      : // Amsterdam 020, Rotterdam 010.
        { countryCode: '31', groups: [random.pick(['20', '10']), `${random.int(2, 9)}${random.string(2, digits)}`, random.string(4, digits)] },
  ES: (random) =>
    random.chance(0.7)
      ? { countryCode: '34', groups: [`6${random.string(2, digits)}`, random.string(3, digits), random.string(3, digits)] }
      : // Madrid 91, Barcelona 93, Sevilla 95.
        { countryCode: '34', groups: [random.pick(['91', '93', '95']), `${random.int(2, 9)}${random.string(2, digits)}`, random.string(2, digits), random.string(2, digits)] },
};

/** Countries `phoneNumber` knows, each with its weight among simulated users. */
export const phoneCountries: ReadonlyArray<readonly [string, number]> = [
  ['US', 5], ['GB', 3], ['DE', 3], ['FR', 2], ['IN', 3], ['BR', 2], ['NL', 1], ['ES', 2],
];

/** Countries formatted by the shared rule: a trunk 0 nationally, +code internationally. */
const trunkZero = new Set(['GB', 'DE', 'NL']);

function formatPhone(random: Random, country: string, parts: PhoneParts): string {
  const { countryCode, groups } = parts;
  const compact = groups.join('');
  const international = random.chance(0.4);
  switch (country) {
    case 'US': {
      const [area, exchange, line] = groups as [string, string, string];
      return random.pick(
        international
          ? [`+1 ${area} ${exchange} ${line}`, `+1 (${area}) ${exchange}-${line}`, `+1-${area}-${exchange}-${line}`, `+1${compact}`]
          : [`(${area}) ${exchange}-${line}`, `${area}-${exchange}-${line}`, `${area}.${exchange}.${line}`, `1-${area}-${exchange}-${line}`],
      );
    }
    case 'FR':
      return random.pick(
        international
          ? [`+33 ${groups.join(' ')}`, `+33${compact}`, `+33 (0)${groups.join(' ')}`]
          : [`0${groups.join(' ')}`, `0${groups.join('.')}`, `0${compact}`],
      );
    case 'IN':
      return random.pick(
        international ? [`+91 ${groups.join(' ')}`, `+91-${compact}`, `+91${compact}`] : [groups.join(' '), `0${groups.join(' ')}`, compact],
      );
    case 'BR': {
      const [area, first, second] = groups as [string, string, string];
      return random.pick(
        international
          ? [`+55 ${area} ${first}-${second}`, `+55 (${area}) ${first}-${second}`, `+55${compact}`]
          : [`(${area}) ${first}-${second}`, `${area} ${first} ${second}`, `(${area}) ${first}${second}`],
      );
    }
    case 'ES':
      // Spain has no trunk prefix: national and international differ only by +34.
      return international ? random.pick([`+34 ${groups.join(' ')}`, `+34${compact}`, `0034 ${groups.join(' ')}`]) : groups.join(' ');
    default: {
      if (!trunkZero.has(country)) throw new RangeError(`no phone format for ${country}`);
      const separator = country === 'DE' && random.chance(0.2) ? '/' : country === 'NL' && random.chance(0.3) ? '-' : ' ';
      return random.pick(
        international
          ? [`+${countryCode} ${groups.join(' ')}`, `+${countryCode}${compact}`, `00${countryCode} ${groups.join(' ')}`]
          : [`0${groups[0]}${separator}${groups.slice(1).join(' ')}`, `0${compact}`],
      );
    }
  }
}

/**
 * A phone number in a national or international format of `country` (drawn by weight when omitted).
 *
 * @example
 * phoneNumber(random, 'GB'); // { value: '+44 7123 456789', country: 'GB' } or { value: '020 7946 1234', … }
 */
export function phoneNumber(random: Random, country?: string): CountryValue {
  const chosen = country ?? random.weighted(phoneCountries);
  const plan = plans[chosen];
  if (plan === undefined) throw new RangeError(`phoneNumber: unsupported country ${chosen}`);
  return { value: formatPhone(random, chosen, plan(random)), country: chosen };
}
