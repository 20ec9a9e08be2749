import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

const word = String.raw`\p{Lu}[\p{L}'’.-]*`;
const nameWords = String.raw`${word}(?: (?:de |del |da |do |dos |des |di |della |la |le |von |van )?${word}){0,4}`;

/** English suffix street types (US, UK, IE, AU, CA). */
const englishStreetTypes = 'Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Lane|Ln|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Terrace|Close|Crescent|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Gardens|Grove|Row|Mews|Trail|Walk|Hill';
/** Prefix street types (BR, PT, ES, IT, FR, NL) that precede the name. */
const prefixStreetTypes = 'Rua|Avenida|Av\\.|Travessa|Praça|Alameda|Calle|Paseo|Plaza|Carrer|Camino|Corso|Via|Viale|Piazza|Vicolo|Largo|Rue|Boulevard|Bd|Avenue|Chemin|Allée|Impasse|Place|Quai';
/** German/Dutch/Scandinavian compound suffixes. */
const compoundSuffixes = 'straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|straat|laan|gracht|plein|gatan|vägen|gade|vej';

const houseNumber = String.raw`\d{1,5}(?:[ -]?[A-Za-z](?![\p{L}]))?`;

const basePatterns: ReadonlyArray<{ name: string; pattern: RegExp; confidence: number }> = [
  { name: 'number_first', pattern: new RegExp(String.raw`(?<![\p{L}\d])${houseNumber},? ${nameWords} (?:${englishStreetTypes})\.?(?![\p{L}])`, 'gu'), confidence: 0.8 },
  { name: 'type_first', pattern: new RegExp(String.raw`(?<![\p{L}])(?:${prefixStreetTypes}) (?:(?:de |del |da |do |dos |des |di |della |la |le |du |)${word})(?: (?:de |del |da |do |dos |des |di |della |la |le |du )?${word}){0,4},? (?:n[º°o.]\s*)?${houseNumber}(?![\d\p{L}])`, 'gu'), confidence: 0.8 },
  { name: 'french', pattern: new RegExp(String.raw`(?<![\p{L}\d])\d{1,4}(?: ?(?:bis|ter))?,? (?:rue|avenue|place|boulevard|bd|chemin|allée|impasse|quai|route|cours) (?:(?:de la|de l'|des|du|de|la|le|les) ?)?${word}(?: ${word}){0,3}`, 'gu'), confidence: 0.8 },
  { name: 'german_preposition', pattern: new RegExp(String.raw`(?<![\p{L}])(?:Am|An der|An den|Im|Auf der|Auf dem|Zum|Zur|In der) ${word}(?: ${word})? ${houseNumber}(?![\d\p{L}])`, 'gu'), confidence: 0.75 },
  { name: 'postcode_anchored', pattern: new RegExp(String.raw`(?<![\p{L}])${word}(?: ${word}){0,2} \d{1,4}[a-z]?, \d{4,5} ${word}`, 'gu'), confidence: 0.75 },
  { name: 'indian', pattern: new RegExp(String.raw`(?<![\p{L}\d])\d{1,5}, ${word}(?: (?:${word}|\d+(?:st|nd|rd|th)))*(?:, ${word}(?: (?:${word}|\d+(?:st|nd|rd|th)))*)?(?:, ?|\n)${word}(?: ${word})? \d{6}(?!\d)`, 'gu'), confidence: 0.85 },
  { name: 'compound', pattern: new RegExp(String.raw`(?<![\p{L}])${word}(?:${compoundSuffixes})(?: ${word})? ${houseNumber}(?![\d\p{L}])`, 'gu'), confidence: 0.8 },
];

/** Postcode formats of the address countries: US ZIP(+4), UK, BR CEP, NL, CA, and plain 4–5 digit European codes. */
const postcode = String.raw`(?:\d{5}-\d{3}|\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4} ?[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{4})`;

/** One more piece after the street: city, state, postcode or a combination, after a comma, newline or dash. */
const tailSegment = new RegExp(
  String.raw`^(?:, ?|,?\n|,?\\n| - | )(?:${postcode}(?: ${nameWords})?|${nameWords}(?: ${postcode})?|[A-Z]{2}(?: ${postcode})?)(?![\p{L}\d])`,
  'u',
);

/**
 * Street addresses: a street line in one of three shapes (number first, street type first, compound street
 * name), extended over following city, region and postcode pieces so the whole address is one finding. A
 * postcode in the tail raises confidence.
 */
export function detectStreetAddresses(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const { name, pattern, confidence } of basePatterns) {
    for (const match of text.matchAll(pattern)) {
      let end = match.index + match[0].length;
      let sawPostcode = false;
      for (let segments = 0; segments < 4; segments += 1) {
        const tail = tailSegment.exec(text.slice(end, end + 80));
        if (tail === null) break;
        if (segments === 0 && tail[0].startsWith(' ') && !/^ \d/.test(tail[0])) break;
        if (/\d{4}/.test(tail[0])) sawPostcode = true;
        end += tail[0].length;
      }
      findings.push(createFinding(text, 'street_address', match.index, end, sawPostcode ? Math.min(0.95, confidence + 0.1) : confidence, `street_address:${name}`));
    }
  }
  return findings;
}
