import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

/** Header and payload are base64url JSON objects, so both start with `eyJ` (`{"`). */
const jwtPattern = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{0,1000}(?![A-Za-z0-9_-])/g;

function decodesToHeaderWithAlg(part: string): boolean {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof decoded === 'object' && decoded !== null && 'alg' in decoded;
  } catch {
    return false;
  }
}

/** JSON Web Tokens: three base64url parts whose header decodes to a JSON object naming an `alg`. */
export function detectJwts(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(jwtPattern)) {
    const header = match[0].split('.')[0] ?? '';
    if (!decodesToHeaderWithAlg(header)) continue;
    findings.push(createFinding(text, 'jwt', match.index, match.index + match[0].length, 0.97, 'jwt'));
  }
  return findings;
}
