import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

/** `scheme://user:password@host`: the finding is the `user:password` part, which is what must go. */
const credentialsPattern = /\b[A-Za-z][A-Za-z0-9+.-]{1,15}:\/\/([^\s:/@"'\\]+):([^\s@/"'\\]+)@[A-Za-z0-9[]/g;

/** Credentials embedded in URLs (database connection strings, basic-auth links). */
export function detectUrlCredentials(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(credentialsPattern)) {
    const user = match[1] ?? '';
    const password = match[2] ?? '';
    const start = match.index + match[0].indexOf('://') + 3;
    findings.push(createFinding(text, 'url_credentials', start, start + user.length + 1 + password.length, 0.95, 'url_credentials'));
  }
  return findings;
}
