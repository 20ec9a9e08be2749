import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

/**
 * Local part of dot-atoms (the quoted-string form is vanishingly rare in chat text), a domain of labels and
 * an alphabetic top-level domain. The lookbehind stops a match starting mid-word; `\\` is excluded so a
 * JSON escape such as `\n` before an address is not swallowed into the local part.
 */
const emailPattern = /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

/** Email addresses. Consecutive dots are rejected because no deliverable address has them. */
export function detectEmails(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(emailPattern)) {
    if (match[0].includes('..')) continue;
    const start = match.index;
    findings.push(createFinding(text, 'email', start, start + match[0].length, 0.98, 'email'));
  }
  return findings;
}
