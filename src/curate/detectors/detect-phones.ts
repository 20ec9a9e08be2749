import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/max';
import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

/**
 * National formats are ambiguous without a country, so the text is scanned once per likely country and a
 * number valid for any of them counts. `max` metadata is used because validity (not just length) is what
 * keeps order ids and dates from passing as phone numbers.
 */
export const defaultPhoneCountries: readonly CountryCode[] = ['US', 'GB', 'IN', 'BR', 'DE', 'FR', 'ES', 'IT'];

/** ISO dates and date-times: valid German or Italian numbers by length, never phone numbers in practice. */
const looksLikeDateOrTime = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?![\d./-])|^\d+\.\d+$/;

/** Words that announce a phone number shortly before it. */
const phoneCue = /(?:phone|tel\b|tél|telefon|mobile|mobil|cell|call|number|reach|whatsapp|contact|fax|ring|sms|text me|numéro|número)/i;
const cueWindow = 40;

/**
 * Phone numbers via libphonenumber-js. International numbers (leading `+`) are surer than national ones,
 * which could also be other digit runs that happen to be valid somewhere.
 */
export function detectPhones(text: string, defaultCountry?: string): PiiFinding[] {
  const countries = defaultCountry === undefined ? defaultPhoneCountries : [defaultCountry as CountryCode, ...defaultPhoneCountries.filter((country) => country !== defaultCountry)];
  const seen = new Map<string, PiiFinding>();
  for (const country of countries) {
    for (const found of findPhoneNumbersInText(text, { defaultCountry: country })) {
      const key = `${found.startsAt}:${found.endsAt}`;
      if (seen.has(key)) continue;
      const raw = text.slice(found.startsAt, found.endsAt);
      const digitCount = raw.replace(/\D/g, '').length;
      if (digitCount < 7 || looksLikeDateOrTime.test(raw)) continue;
      const international = raw.startsWith('+') || raw.startsWith('00');
      const cued = phoneCue.test(text.slice(Math.max(0, found.startsAt - cueWindow), found.startsAt));
      // A bare national number is any digit run of the right length (amounts, ids, row counts): it needs a
      // cue, ten or more digits, phone-style grouping of nine, or the caller's own country.
      const grouped = /\d[ .-]\d/.test(raw) && digitCount >= 9;
      if (!international && !cued && !grouped && digitCount < 10 && country !== defaultCountry) continue;
      const confidence = international ? 0.93 : cued ? 0.85 : 0.7;
      seen.set(key, createFinding(text, 'phone', found.startsAt, found.endsAt, confidence, `phone:${international ? 'international' : country}`));
    }
  }
  return [...seen.values()];
}
