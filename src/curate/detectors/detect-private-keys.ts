import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

/** PEM private key blocks (PKCS#1, PKCS#8, EC, OpenSSH, encrypted); `[\s\S]` also spans JSON `\n` escapes. */
const pemPattern = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]{16,20000}?-----END \1PRIVATE KEY-----/g;

/** Private keys in PEM armour, whole block. */
export function detectPrivateKeys(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(pemPattern)) {
    findings.push(createFinding(text, 'private_key', match.index, match.index + match[0].length, 0.99, 'private_key:pem'));
  }
  return findings;
}
