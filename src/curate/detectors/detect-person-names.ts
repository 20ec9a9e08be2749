import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';
import { isKnownFirstName } from './first-names.ts';

/** A capitalised name word: `Singh`, `O'Brien`, `McDonald`, `Jean-Luc`, `Araújo`. */
const nameWord = String.raw`\p{Lu}[\p{L}'’]*\p{Ll}(?:-\p{Lu}\p{Ll}+)?`;
/** Lower-case surname particles: `van der Berg`, `da Silva`, `bin Said`. */
const particle = String.raw`(?:(?:van der|van den|van|von|de la|de|da|do|dos|das|di|del|della|der|le|la|bin|al|el|ben) )`;

/** A known first name, then one or two surname words. */
const firstNamePairPattern = new RegExp(String.raw`(?<![\p{L}\d])(${nameWord})((?: ${particle}?${nameWord}){1,2})(?![\p{L}\d])`, 'gu');

/** Phrases after which the next capitalised words are a person's name whatever they are. */
const strongCues = String.raw`\b[Mm]y name is|\b[Nn]ame's|\bDear|\b[Rr]egards,|\b[Ss]incerely,|\bMr\.?|\bMrs\.?|\bMs\.?|\bMiss|\bDr\.?|\bProf\.?|\b[Ss]igned|"(?:full|first|last|customer|contact|patient|employee|person|recipient|sender)_?name"\s*:\s*"`;
/** Phrases also followed by products, companies or places: the first word must be a known given name. */
const weakCues = String.raw`\bI am|\bI'm|\b[Tt]his is|\bHi|\bHello|\b[Cc]heers,|\b[Tt]hanks,|\b[Tt]hank you,|\bBest,|\b[Cc]ustomer|\b[Pp]atient|\b[Cc]lient|\b[Ee]mployee|\b[Cc]ontact|\bFrom:|\bTo:|"name"\s*:\s*"`;
const cuedNamePattern = new RegExp(
  String.raw`(?:(${strongCues})|${weakCues})[ \t]*(?:\n|\\n)?[ \t]*(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? )?(${nameWord}(?: ${particle}?${nameWord}){0,2})(?![\p{L}\d])`,
  'gu',
);

/** Capitalised words that follow cues or first names without being names. */
const notNameWords = new Set([
  'Customer', 'Customers', 'Sir', 'Madam', 'Team', 'Support', 'All', 'Everyone', 'There', 'Friend', 'Friends',
  'Sales', 'Service', 'Services', 'Manager', 'Admin', 'User', 'Users', 'Thanks', 'Thank', 'Regards', 'Best',
  'Street', 'Road', 'Avenue', 'Drive', 'Lane', 'Way', 'Place', 'Court', 'Park', 'Square', 'Hill', 'Bank',
  'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'January', 'February', 'March',
  'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December', 'The', 'This', 'That',
  'Please', 'Inc', 'Ltd', 'Limited', 'Corp', 'Company', 'Group', 'University', 'Hospital', 'Hotel', 'Airport',
  'Account', 'Order', 'Invoice', 'Ticket', 'Refund', 'Delivery', 'Not', 'Just', 'Also', 'Here', 'Sorry', 'Yes', 'No',
  'Analyst', 'Engineer', 'Director', 'Specialist', 'Developer', 'Designer', 'Consultant', 'Assistant', 'Intern',
  'Lead', 'Senior', 'Junior', 'Head', 'Chief', 'Officer', 'Nurse', 'Doctor', 'Teacher', 'Accountant',
]);

/**
 * Given names that are also everyday words (often capitalised at a sentence start: "Will Smith confirm…",
 * "Can Jones…"); first in a pair they need a cue. Grace or Rose before a surname is a name far more often.
 */
const ambiguousFirstNames = new Set(['may', 'june', 'will', 'mark', 'bill', 'art', 'pat', 'can', 'li', 'ji', 'yu', 'bo', 'an', 'per', 'nam', 'eun', 'sung', 'jan', 'ben', 'tim', 'lan', 'mai', 'hana', 'mei', 'thu']);

function trimNonNames(words: string[]): string[] {
  const index = words.findIndex((word) => notNameWords.has(word));
  return index === -1 ? words : words.slice(0, index);
}

/**
 * Person names from two signals: a gazetteer of given names followed by capitalised surname words
 * (confidence 0.85), and context cues such as "my name is", "Dear", "Regards,", "Mr." or a `"full_name"` key
 * followed by capitalised words (0.8 for two or more words, 0.6 for one); weaker cues ("Hi", "customer",
 * a bare `"name"` key) only count before a known given name. Single unknown words without a cue
 * are never reported: that is where most false positives in prose would come from.
 */
export function detectPersonNames(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(firstNamePairPattern)) {
    const first = match[1] ?? '';
    if (!isKnownFirstName(first) || ambiguousFirstNames.has(first.toLowerCase()) || notNameWords.has(first)) continue;
    const rest = trimNonNames((match[2] ?? '').trim().split(' ').filter((word) => /^\p{Lu}/u.test(word)));
    if (rest.length === 0) continue;
    const lastWord = rest[rest.length - 1] ?? '';
    const end = text.indexOf(lastWord, match.index + first.length) + lastWord.length;
    findings.push(createFinding(text, 'person_name', match.index, end, 0.85, 'person_name:gazetteer'));
  }
  for (const match of text.matchAll(cuedNamePattern)) {
    const strong = match[1] !== undefined;
    const captured = match[2] ?? '';
    const words = trimNonNames(captured.split(' '));
    const capitalised = words.filter((word) => /^\p{Lu}/u.test(word));
    if (capitalised.length === 0) continue;
    const lastWord = capitalised[capitalised.length - 1] ?? '';
    const start = match.index + match[0].length - captured.length;
    const end = text.indexOf(lastWord, start) + lastWord.length;
    const knownFirst = isKnownFirstName(capitalised[0] ?? '');
    if (!strong && !knownFirst) continue;
    const confidence = capitalised.length >= 2 ? 0.8 : knownFirst ? 0.7 : 0.6;
    findings.push(createFinding(text, 'person_name', start, end, confidence, 'person_name:cue'));
  }
  return findings;
}
