import { isIPv6 } from 'node:net';
import { createFinding } from '../internal/create-finding.ts';
import type { PiiFinding } from '../pii-finding.ts';

/** Four dotted parts, not part of a longer dotted run (so `1.2.3.4.5` and `v1.2.3.4.5` are skipped). */
const ipv4Pattern = /(?<![\d.]|\d\.)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\.?\d|\.\d)/g;

/** Hex groups with at least two colons; `isIPv6` decides. Times such as 12:30:45 fail it (too few groups). */
const ipv6Pattern = /(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Za-z:])/g;

/** Words that make a dotted quad a version or an OID rather than an address. */
const versionCue = /(?:\bv|version|release|build|ver\.?)\s*$/i;

/** IPv4 (each octet 0–255, no leading zeros) and IPv6 addresses. */
export function detectIpAddresses(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(ipv4Pattern)) {
    const octets = match.slice(1, 5);
    if (octets.some((octet) => Number(octet) > 255 || (octet.length > 1 && octet.startsWith('0')))) continue;
    if (versionCue.test(text.slice(Math.max(0, match.index - 12), match.index))) continue;
    findings.push(createFinding(text, 'ip_address', match.index, match.index + match[0].length, 0.9, 'ip_address:v4'));
  }
  for (const match of text.matchAll(ipv6Pattern)) {
    const raw = match[0];
    if (!isIPv6(raw) || !/[0-9A-Fa-f]/.test(raw) || raw.replace(/[^:]/g, '').length < 2) continue;
    findings.push(createFinding(text, 'ip_address', match.index, match.index + raw.length, 0.9, 'ip_address:v6'));
  }
  return findings;
}
