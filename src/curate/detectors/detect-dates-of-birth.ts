import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

const monthNames = 'Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?';

/** ISO, day/month/year with `/ . -`, "12 March 1985" and "March 12, 1985". */
const datePattern = new RegExp(
  [
    String.raw`\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b`,
    String.raw`\b(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|[12]\d|3[01])[/.-](?:19|20)\d{2}\b`,
    String.raw`\b(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)? (?:${monthNames})\.?,? (?:19|20)\d{2}\b`,
    String.raw`\b(?:${monthNames})\.? (?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,? (?:19|20)\d{2}\b`,
  ].join('|'),
  'gi',
);

/** Words that say a nearby date is a birth date, in the languages of the phone countries. */
const birthCue = /\b(?:born|birth(?:day|date)?|date[ _]of[ _]birth|d\.?o\.?b\.?|dob|geboren|geburtsdatum|née?|naissance|nascid[oa]|nacimiento|nato|nata)\b/i;

/** How far before a date (characters) a cue may sit: covers `"date_of_birth":"` and "I was born on the". */
const cueWindow = 48;

const birthCueGlobal = new RegExp(birthCue.source, 'gi');

/**
 * Whether the last birth cue in `before` leads straight to the date: nothing between them that ends a clause
 * (line break, table cell, sentence end) and no other number, so "born in Lyon. Order date 2024-06-12" fails.
 */
function hasCueJustBefore(before: string): boolean {
  const normalised = before.replace(/_/g, ' ');
  let cueEnd = -1;
  for (const cue of normalised.matchAll(birthCueGlobal)) cueEnd = cue.index + cue[0].length;
  if (cueEnd === -1) return false;
  return !/[\n|;]|\\n|\. |\d/.test(normalised.slice(cueEnd));
}

/** Columns of a `|`-separated table whose header names a birth date. */
function birthColumnDates(text: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  let offset = 0;
  let birthColumn = -1;
  for (const line of text.split('\n')) {
    const cells = line.split('|');
    if (cells.length > 1) {
      const headerColumn = cells.findIndex((cell) => birthCue.test(cell.replace(/_/g, ' ')) || /birth/i.test(cell));
      if (headerColumn !== -1 && !/\d{4}/.test(line)) {
        birthColumn = headerColumn;
      } else if (birthColumn !== -1 && birthColumn < cells.length) {
        let cellStart = offset;
        for (let index = 0; index < birthColumn; index += 1) cellStart += (cells[index] ?? '').length + 1;
        const cell = cells[birthColumn] ?? '';
        for (const match of cell.matchAll(datePattern)) spans.push({ start: cellStart + match.index, end: cellStart + match.index + match[0].length });
      }
    } else if (line.trim() === '') {
      birthColumn = -1;
    }
    offset += line.length + 1;
  }
  return spans;
}

/**
 * Dates of birth: a date with a birth cue shortly before it, or in a table column headed by one. A bare date
 * is not reported: most dates in agent traffic are orders, appointments and hire dates.
 */
export function detectDatesOfBirth(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(datePattern)) {
    if (!hasCueJustBefore(text.slice(Math.max(0, match.index - cueWindow), match.index))) continue;
    findings.push(createFinding(text, 'date_of_birth', match.index, match.index + match[0].length, 0.9, 'date_of_birth:cue'));
  }
  for (const span of birthColumnDates(text)) {
    if (findings.some((finding) => finding.start === span.start)) continue;
    findings.push(createFinding(text, 'date_of_birth', span.start, span.end, 0.85, 'date_of_birth:table_column'));
  }
  return findings;
}
