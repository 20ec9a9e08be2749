import type { PiiFinding } from '../pii-finding.ts';
import type { PiiKind } from '../pii-kind.ts';

/** Builds a finding from a span of `text`, keeping the `value === text.slice(start, end)` invariant in one place. */
export function createFinding(text: string, kind: PiiKind, start: number, end: number, confidence: number, detector: string): PiiFinding {
  return { kind, start, end, value: text.slice(start, end), confidence, detector };
}
