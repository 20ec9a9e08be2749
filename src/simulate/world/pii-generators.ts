/**
 * Generators for the personal data and secrets the simulator plants in agent traffic. Each draws only from
 * the `Random` it is given (never `Math.random` or the clock), so the same seed plants the same values
 * byte for byte, and values that come from a pool take the data split so evaluation values stay unseen.
 *
 * The shapes follow real-world formats closely (numbering plans, check digits, key prefixes) because a
 * redactor is scored on them: a fake that no validator would accept tests nothing.
 */
import type { Random } from '../random.ts';
import type { DataSplit, PiiKind } from '../simulated-task.ts';
import { cardNumber } from './card-number.ts';
import { iban } from './iban.ts';
import { phoneNumber } from './phone-number.ts';
import type { CountryValue } from './phone-number.ts';
import type { PlantedValue } from './planted-text.ts';
import { citiesIn, streetsIn, valuePools } from './value-pools.ts';

export { cardNumber, luhnValid } from './card-number.ts';
export { iban, ibanValid } from './iban.ts';
export { phoneNumber } from './phone-number.ts';
export type { CountryValue } from './phone-number.ts';

const digits = '0123456789';
const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const base64Url = `${alphanumeric}-_`;

/** A full name, "First Last", from the split's pools. */
export function personName(random: Random, split: DataSplit): string {
  const pools = valuePools(split);
  return `${random.pick(pools.firstNames)} ${random.pick(pools.lastNames)}`;
}

/** Lower-case ASCII letters only: what survives of a name in an email's local part. */
function emailToken(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z]/g, '');
}

/**
 * An email address derived from `name` (or a freshly drawn name) in the styles people really use:
 * `first.last@`, `flast123@`, `first_last@`, `firstl@`, `last.first@`, `first1987@`.
 *
 * @example
 * emailAddress(random, 'train', 'Léa Dubois'); // 'lea.dubois@orange.fr' or 'ldubois42@gmail.com'
 */
export function emailAddress(random: Random, split: DataSplit, name?: string): string {
  const words = (name ?? personName(random, split)).split(/\s+/).filter((word) => word.length > 0);
  const first = emailToken(words[0] ?? '') || 'user';
  const last = emailToken(words[words.length - 1] ?? '') || random.string(4, 'abcdefghijklmnopqrstuvwxyz');
  const number = () => String(random.int(1, 999));
  const year = () => String(random.int(1965, 2005));
  const local = random.weighted<() => string>([
    [() => `${first}.${last}`, 6],
    [() => `${first[0]}${last}${number()}`, 3],
    [() => `${first}${last}`, 2],
    [() => `${first}_${last}`, 1],
    [() => `${first}${last[0]}`, 1],
    [() => `${last}.${first}`, 1],
    [() => `${first}${year()}`, 2],
    [() => `${first[0]}.${last}`, 1],
  ])();
  return `${local}@${random.pick(valuePools(split).emailDomains)}`;
}

/** Fills a postcode format: `#` a digit, `A` a letter used in that country's postcodes. */
function fillPostcode(random: Random, format: string, country: string): string {
  // British inward codes never use C I K M O V; Dutch ones never use F I O Q U Y, nor the pairs SA SD SS.
  const postcodeLetters = country === 'GB' ? 'ABDEFGHJLNPQRSTUWXYZ' : 'ABCEGHJKLMNPRTVWXZ';
  let postcode = '';
  for (const character of format) {
    if (character === '#') postcode += random.string(1, digits);
    else if (character === 'A') postcode += random.string(1, postcodeLetters);
    else postcode += character;
  }
  return postcode;
}

/** Countries with both cities and streets in every pool. */
export const addressCountries: ReadonlyArray<readonly [string, number]> = [
  ['US', 5], ['GB', 3], ['DE', 3], ['FR', 2], ['IN', 2], ['BR', 2], ['NL', 1], ['ES', 2], ['IT', 1], ['BE', 1],
];

/**
 * A postal address in the order its country writes one: "12 High Street, Leeds LS6 2AB",
 * "Hauptstraße 12, 10115 Berlin", "Rua das Flores, 120, São Paulo - SP, 01310-100". One in six is written
 * over several lines, as pasted from a letter.
 */
export function streetAddress(random: Random, split: DataSplit, country?: string): CountryValue {
  const chosen = country ?? random.weighted(addressCountries);
  const cities = citiesIn(split, chosen);
  const streets = streetsIn(split, chosen);
  if (cities.length === 0 || streets.length === 0) throw new RangeError(`streetAddress: unsupported country ${chosen}`);
  const place = random.pick(cities);
  const street = random.pick(streets).street;
  // Four-digit house numbers are an American habit; elsewhere numbers stay small.
  const largest = chosen === 'US' ? 9999 : 180;
  const number = String(random.chance(0.6) ? random.int(1, 40) : random.int(1, largest));
  const postcode = fillPostcode(random, place.postcodeFormat, chosen);
  const lines = addressLines(chosen, number, street, postcode, place.city, place.region);
  return { value: lines.join(random.chance(1 / 6) ? '\n' : ', '), country: chosen };
}

function addressLines(country: string, number: string, street: string, postcode: string, city: string, region?: string): string[] {
  switch (country) {
    case 'US':
      return [`${number} ${street}`, region === undefined ? `${city} ${postcode}` : `${city}, ${region} ${postcode}`];
    case 'GB':
      return [`${number} ${street}`, `${city} ${postcode}`];
    case 'FR':
      return [`${number} ${street}`, `${postcode} ${city}`];
    case 'IN':
      return [`${number}, ${street}`, `${city} ${postcode}`];
    case 'BR':
      return [`${street}, ${number}`, region === undefined ? city : `${city} - ${region}`, postcode];
    case 'ES':
      return [`${street}, ${number}`, `${postcode} ${city}`];
    default:
      // DE, NL, IT, BE: street then number, postcode before the city.
      return [`${street} ${number}`, `${postcode} ${city}`];
  }
}

/**
 * A secret API key in one provider's real shape: OpenAI `sk-proj-…`, Anthropic `sk-ant-api03-…`,
 * GitHub `ghp_` + 36, AWS `AKIA` + 16, Stripe `sk_live_…`, Slack `xoxb-…`.
 */
export function apiKey(random: Random): string {
  return random.weighted<() => string>([
    [() => `sk-proj-${random.string(random.pick([48, 64, 74]), base64Url)}T3BlbkFJ${random.string(random.pick([48, 64, 74]), base64Url)}`, 4],
    [() => `sk-ant-api03-${random.string(93, base64Url)}AA`, 3],
    [() => `ghp_${random.string(36, alphanumeric)}`, 2],
    [() => `AKIA${random.string(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, 2],
    [() => `sk_live_${random.string(random.pick([24, 99]), alphanumeric)}`, 1],
    [() => `xoxb-${random.string(random.int(10, 13), digits)}-${random.string(random.int(10, 13), digits)}-${random.string(24, alphanumeric)}`, 1],
  ])();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const monthNames = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December',
];

/** A date of birth (1945–2006) as ISO or as people type it: 14/03/1987, 03/14/1987, 14.03.1987, March 14, 1987. */
export function dateOfBirth(random: Random): string {
  const year = random.int(1945, 2006);
  const month = random.int(1, 12);
  const day = random.int(1, daysInMonth(year, month));
  const twoDigits = (value: number) => String(value).padStart(2, '0');
  const monthName = monthNames[month - 1]!;
  return random.weighted<string>([
    [`${year}-${twoDigits(month)}-${twoDigits(day)}`, 4],
    [`${twoDigits(day)}/${twoDigits(month)}/${year}`, 2],
    [`${twoDigits(month)}/${twoDigits(day)}/${year}`, 2],
    [`${twoDigits(day)}.${twoDigits(month)}.${year}`, 1],
    [`${monthName} ${day}, ${year}`, 1],
    [`${day} ${monthName} ${year}`, 1],
  ]);
}

/** National id countries: US Social Security numbers and UK National Insurance numbers. */
export const nationalIdCountries: ReadonlyArray<readonly [string, number]> = [['US', 3], ['GB', 2]];

/**
 * A national identifier: a US SSN (NNN-NN-NNNN, never area 000, 666 or 9xx, group 00 or serial 0000) or
 * a UK National Insurance number (two valid prefix letters, six digits, suffix A–D).
 */
export function nationalId(random: Random, country?: string): CountryValue {
  const chosen = country ?? random.weighted(nationalIdCountries);
  if (chosen === 'US') {
    let area = random.int(1, 899);
    if (area === 666) area = 665;
    const group = String(random.int(1, 99)).padStart(2, '0');
    const serial = String(random.int(1, 9999)).padStart(4, '0');
    const areaText = String(area).padStart(3, '0');
    return { value: random.chance(0.85) ? `${areaText}-${group}-${serial}` : `${areaText}${group}${serial}`, country: 'US' };
  }
  if (chosen === 'GB') {
    let prefix: string;
    do {
      prefix = random.string(1, 'ABCEGHJKLMNOPRSTWXYZ') + random.string(1, 'ABCEGHJKLMNPRSTWXYZ');
    } while (['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(prefix));
    const number = random.string(6, digits);
    const suffix = random.string(1, 'ABCD');
    const value = random.chance(0.5)
      ? `${prefix} ${number.slice(0, 2)} ${number.slice(2, 4)} ${number.slice(4)} ${suffix}`
      : `${prefix}${number}${suffix}`;
    return { value, country: 'GB' };
  }
  throw new RangeError(`nationalId: unsupported country ${chosen}`);
}

/** First octets of public unicast IPv4 space: no private, loopback, link-local, CGNAT or documentation ranges. */
function publicFirstOctet(random: Random): number {
  for (;;) {
    const octet = random.int(1, 223);
    if (![10, 100, 127, 169, 172, 192, 198, 203].includes(octet)) return octet;
  }
}

/** A client IP address: mostly public IPv4, one in five IPv6 (sometimes `::`-shortened). */
export function ipAddress(random: Random): string {
  if (random.chance(0.8)) {
    return [publicFirstOctet(random), random.int(0, 255), random.int(0, 255), random.int(1, 254)].join('.');
  }
  const hex = '0123456789abcdef';
  // Prefixes of the regional registries' allocations (RIPE, ARIN, APNIC, LACNIC, AFRINIC), not 2001:db8.
  const prefix = random.pick(['2a02', '2a01', '2001', '2600', '2603', '2406', '2800', '2c0f']);
  const groupCount = 7;
  const groups = Array.from({ length: groupCount }, () => random.string(random.int(1, 4), hex).replace(/^0+(?=.)/, ''));
  if (random.chance(0.4)) return `${prefix}:${groups.slice(0, 2).join(':')}::${groups.slice(-2).join(':')}`;
  return [prefix, ...groups].join(':');
}

/**
 * One value of any kind, ready to plant: the dispatcher agents use after `planPii` chose the kinds.
 *
 * @example
 * for (const kind of planPii(random)) {
 *   const planted = piiValue(random, split, kind);
 *   text.plant(planted.kind, planted.value, planted.country);
 * }
 */
export function piiValue(random: Random, split: DataSplit, kind: PiiKind): PlantedValue {
  switch (kind) {
    case 'person_name':
      return { kind, value: personName(random, split) };
    case 'email':
      return { kind, value: emailAddress(random, split) };
    case 'phone':
      return { kind, ...phoneNumber(random) };
    case 'iban':
      return { kind, ...iban(random) };
    case 'card_number':
      return { kind, value: cardNumber(random) };
    case 'street_address':
      return { kind, ...streetAddress(random, split) };
    case 'api_key':
      return { kind, value: apiKey(random) };
    case 'date_of_birth':
      return { kind, value: dateOfBirth(random) };
    case 'national_id':
      return { kind, ...nationalId(random) };
    case 'ip_address':
      return { kind, value: ipAddress(random) };
  }
}
