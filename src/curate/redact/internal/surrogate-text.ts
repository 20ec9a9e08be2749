/**
 * Surrogates for the worded kinds: name tokens, email addresses, street addresses and dates of birth. Names
 * are replaced token by token (the redactor keeps one mapping per token, so "Daniel Girard" and a later
 * "Daniel" stay consistent); emails reuse those token mappings for their local part; addresses keep their
 * numbers' and postcodes' shape, their street types and their line breaks; dates keep their format.
 */
import type { KeyedRandom } from '../keyed-random.ts';
import { fakeFirstNames, fakeLastNames, fakeStreetWords, fakeTownNames, publicEmailDomains } from './fake-names.ts';
import { scrambleLike } from './surrogate-numbers.ts';

/** Gives `word` the letter case of `model`: all caps, all lower, or as written (capitalised). */
export function matchCase(model: string, word: string): string {
  if (model.length > 1 && model === model.toUpperCase() && model !== model.toLowerCase()) return word.toUpperCase();
  if (model === model.toLowerCase() && model !== model.toUpperCase()) return word.toLowerCase();
  return word;
}

/** A fake name token: a given name for a given name, a family name otherwise, in the real token's case. */
export function surrogateNameToken(real: string, random: KeyedRandom, isGivenName: boolean): string {
  return matchCase(real, random.pick(isGivenName ? fakeFirstNames : fakeLastNames));
}

/** Domains that are already fake or reserved: they identify no one and are kept. */
const reservedDomains = /(?:^|\.)(?:example\.(?:com|org|net)|test|invalid|localhost)$/i;

/**
 * An email address: the local part's letter runs mapped through `mapNameToken` (so `daniel.girard@` follows
 * the name's own surrogate), its digit runs redrawn, separators kept; the domain kept when it is a public
 * mail provider or reserved, otherwise swapped for a public provider (a company domain names an employer).
 */
export function surrogateEmail(real: string, random: KeyedRandom, mapNameToken: (token: string) => string): string {
  const at = real.lastIndexOf('@');
  const local = real.slice(0, at);
  const domain = real.slice(at + 1);
  const newLocal = local.replace(/[A-Za-z]+|\d+/g, (run) => {
    if (/^\d/.test(run)) return random.string(run.length, '0123456789');
    if (run.length <= 2) return matchCase(run, random.string(run.length, 'abcdefghijklmnopqrstuvwxyz'));
    return matchCase(run, mapNameToken(run).normalize('NFD').replace(/\p{M}/gu, '').replace(/[^A-Za-z]/g, '').toLowerCase() || 'mail');
  });
  const keepDomain = publicEmailDomains.includes(domain.toLowerCase()) || reservedDomains.test(domain);
  return `${newLocal}@${keepDomain ? domain : random.pick(publicEmailDomains)}`;
}

/** Words an address keeps: street types and the small words between names, in the address countries' languages. */
const addressKeywords = new Set(
  `street st avenue ave road rd drive dr lane ln boulevard blvd way court ct place pl terrace close crescent circle cir
  parkway pkwy highway hwy square sq gardens grove row mews trail walk hill rua avenida av travessa praça alameda
  calle paseo plaza carrer camino corso via viale piazza vicolo largo rue bd chemin allée impasse quai route cours
  am an im auf zum zur in der den dem de del da do dos das des di della la le les du van von bis ter apt apartment
  suite unit flat floor no nº n°`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);

/** Endings of compound street names (`Hauptstraße`, `Kerkstraat`): the stem is replaced, the ending kept. */
const compoundEnding = /(straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|straat|laan|gracht|plein|gatan|vägen|gade|vej)$/i;

/**
 * A street address: house numbers and postcodes keep their shape with new characters, street types and
 * particles stay, each word of the street name becomes a fake street word and each word of the place a fake
 * town; separators, commas and line breaks are kept, so a multi-line address stays multi-line.
 */
export function surrogateStreetAddress(real: string, random: KeyedRandom): string {
  const segments = real.split(/(,\s*|\s*\n\s*| - )/);
  return segments
    .map((segment, segmentIndex) => {
      if (segmentIndex % 2 === 1) return segment;
      // Word by word, never merging or dropping words: a detector that ran past the address's end must not
      // make the redactor eat the text that follows.
      return segment.replace(/\S+/g, (token) => {
        const bare = token.replace(/[.,;:]+$/, '');
        const trailing = token.slice(bare.length);
        if (/\d/.test(token)) {
          let scrambled = scrambleLike(token, random);
          if (/^[1-9]/.test(token) && scrambled.startsWith('0')) scrambled = String(random.int(1, 9)) + scrambled.slice(1);
          return scrambled;
        }
        if (addressKeywords.has(bare.toLowerCase()) || /^[A-Z]{2}$/.test(bare) || !/^\p{Lu}/u.test(token)) return token;
        const ending = compoundEnding.exec(bare);
        if (ending !== null && ending.index > 0) return random.pick(fakeStreetWords) + ending[1]!.toLowerCase() + trailing;
        return random.pick(segmentIndex === 0 ? fakeStreetWords : fakeTownNames) + trailing;
      });
    })
    .join('');
}

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface ParsedDate {
  year: number;
  month: number;
  day: number;
  render: (year: number, month: number, day: number) => string;
}

function monthIndex(name: string): number {
  const lower = name.toLowerCase().replace(/\.$/, '');
  return monthNames.findIndex((month) => lower.length >= 3 && month.toLowerCase().startsWith(lower));
}

function pad(model: string, value: number): string {
  return model.length === 2 ? String(value).padStart(2, '0') : String(value);
}

function renderMonth(model: string, month: number): string {
  const name = monthNames[month - 1] ?? 'January';
  const bare = model.replace(/\.$/, '');
  const text = bare.length === 3 ? name.slice(0, 3) : name;
  return matchCase(bare, text) + (model.endsWith('.') ? '.' : '');
}

/** Reads the date formats the detector finds, keeping how it was written so a shifted date renders alike. */
function parseDate(real: string): ParsedDate | undefined {
  let match = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/.exec(real);
  if (match) {
    const [, year = '', separator = '-', month = '', day = ''] = match;
    return { year: Number(year), month: Number(month), day: Number(day), render: (y, m, d) => `${y}${separator}${pad(month, m)}${separator}${pad(day, d)}` };
  }
  match = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/.exec(real);
  if (match) {
    const [, first = '', separator = '/', second = '', year = ''] = match;
    // Day first unless that cannot be (13/…, …/25 says month first).
    const monthFirst = Number(first) <= 12 && Number(second) > 12;
    const [day, month] = monthFirst ? [second, first] : [first, second];
    return {
      year: Number(year), month: Number(month), day: Number(day),
      render: (y, m, d) => (monthFirst ? `${pad(first, m)}${separator}${pad(second, d)}${separator}${y}` : `${pad(first, d)}${separator}${pad(second, m)}${separator}${y}`),
    };
  }
  match = /^(\p{L}+\.?) (\d{1,2})(st|nd|rd|th)?(,?) (\d{4})$/u.exec(real);
  if (match && monthIndex(match[1]!) !== -1) {
    const [, month = '', day = '', , comma = '', year = ''] = match;
    return { year: Number(year), month: monthIndex(month) + 1, day: Number(day), render: (y, m, d) => `${renderMonth(month, m)} ${pad(day, d)}${ordinal(match![3], d)}${comma} ${y}` };
  }
  match = /^(\d{1,2})(st|nd|rd|th)? (\p{L}+\.?)(,?) (\d{4})$/u.exec(real);
  if (match && monthIndex(match[3]!) !== -1) {
    const [, day = '', , month = '', comma = '', year = ''] = match;
    return { year: Number(year), month: monthIndex(month) + 1, day: Number(day), render: (y, m, d) => `${pad(day, d)}${ordinal(match![2], d)} ${renderMonth(month, m)}${comma} ${y}` };
  }
  return undefined;
}

function ordinal(model: string | undefined, day: number): string {
  if (model === undefined) return '';
  if (day % 10 === 1 && day !== 11) return 'st';
  if (day % 10 === 2 && day !== 12) return 'nd';
  if (day % 10 === 3 && day !== 13) return 'rd';
  return 'th';
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The same date in ISO form, so "1987-03-14" and "14/03/1987" are one real value (and get one shifted
 * date, each in its own format); undefined when the text is not a date this module reads.
 */
export function canonicalDate(real: string): string | undefined {
  const parsed = parseDate(real);
  if (parsed === undefined || !isRealDate(parsed.year, parsed.month, parsed.day)) return undefined;
  return `${parsed.year}-${String(parsed.month).padStart(2, '0')}-${String(parsed.day).padStart(2, '0')}`;
}

/** A date of birth shifted by 20 days to about two years either way, written in the real value's format. */
export function surrogateDateOfBirth(real: string, random: KeyedRandom): string {
  const parsed = parseDate(real);
  if (parsed === undefined || !isRealDate(parsed.year, parsed.month, parsed.day)) return scrambleLike(real, random);
  const shiftDays = random.int(20, 730) * (random.next() < 0.5 ? -1 : 1);
  const shifted = new Date(Date.UTC(parsed.year, parsed.month - 1, parsed.day + shiftDays));
  return parsed.render(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}
