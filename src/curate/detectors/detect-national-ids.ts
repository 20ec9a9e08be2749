import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

/** US SSN with dashes; the area/group/serial rules exclude numbers the SSA never issues. */
const dashedSsnPattern = /(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])/g;

/** A bare nine-digit run counts as an SSN only after a cue, since order and account numbers look the same. */
const bareSsnPattern = /\b(?:SSN|social security(?: number)?|soc\.? sec\.?)\b[^0-9\n]{0,20}(\d{9})(?!\d)/gi;

/**
 * UK National Insurance number: two letters (the excluded first/second letters and prefixes of HMRC's rules),
 * six digits, optionally spaced in pairs, and a suffix A–D.
 */
const ninoPattern = /(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])(?![A-Za-z0-9])/g;
const excludedNinoPrefixes = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

function isIssuableSsn(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && !area.startsWith('9') && group !== '00' && serial !== '0000';
}

/** National identity numbers: US Social Security numbers and UK National Insurance numbers. */
export function detectNationalIds(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(dashedSsnPattern)) {
    const [, area = '', group = '', serial = ''] = match;
    if (!isIssuableSsn(area, group, serial)) continue;
    findings.push(createFinding(text, 'national_id', match.index, match.index + match[0].length, 0.85, 'national_id:us_ssn'));
  }
  for (const match of text.matchAll(bareSsnPattern)) {
    const digits = match[1] ?? '';
    if (!isIssuableSsn(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5))) continue;
    const start = match.index + match[0].length - digits.length;
    findings.push(createFinding(text, 'national_id', start, start + digits.length, 0.9, 'national_id:us_ssn_cued'));
  }
  for (const match of text.matchAll(ninoPattern)) {
    const raw = match[0];
    const spaces = (raw.match(/ /g) ?? []).length;
    if (spaces !== 0 && spaces !== 4) continue;
    if (excludedNinoPrefixes.has(match[1] ?? '')) continue;
    findings.push(createFinding(text, 'national_id', match.index, match.index + raw.length, 0.9, 'national_id:uk_nino'));
  }
  return findings;
}
