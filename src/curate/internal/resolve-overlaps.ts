import type { PiiFinding } from '../pii-finding.ts';

/** How specific each detector family is, to break confidence ties: a checksum beats a pattern beats a cue. */
function specificity(finding: PiiFinding): number {
  switch (finding.kind) {
    case 'private_key': case 'jwt': case 'url_credentials': return 6;
    case 'iban': case 'card_number': case 'email': return 5;
    case 'api_key': case 'ip_address': return 4;
    case 'national_id': case 'phone': return 3;
    case 'date_of_birth': case 'street_address': return 2;
    default: return 1;
  }
}

/**
 * Keeps a set of non-overlapping findings: highest confidence first, then the more specific kind, then the
 * longer span. Redaction needs disjoint spans, and the surest reading of a span is the one to keep.
 */
export function resolveOverlaps(findings: readonly PiiFinding[]): PiiFinding[] {
  const ranked = [...findings].sort((left, right) =>
    right.confidence - left.confidence || specificity(right) - specificity(left) || (right.end - right.start) - (left.end - left.start) || left.start - right.start);
  const kept: PiiFinding[] = [];
  for (const finding of ranked) {
    if (kept.some((other) => finding.start < other.end && other.start < finding.end)) continue;
    kept.push(finding);
  }
  return kept.sort((left, right) => left.start - right.start);
}
