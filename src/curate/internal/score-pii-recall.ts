import { detectPii } from '../detect-pii.ts';
import type { PiiFinding } from '../pii-finding.ts';
import { piiKinds, type PiiKind } from '../pii-kind.ts';

/** A known PII span in one scanned text (the shape of the simulator's planted spans, minus its bookkeeping). */
export interface LabelledSpan {
  kind: PiiKind;
  start: number;
  end: number;
}

/** One text with the spans known to be in it. */
export interface LabelledText {
  text: string;
  spans: readonly LabelledSpan[];
}

export interface KindScore {
  kind: PiiKind;
  planted: number;
  found: number;
  findings: number;
  truePositiveFindings: number;
  /** found / planted; undefined when nothing of this kind was planted. */
  recall: number | undefined;
  /** findings that overlap a labelled span of their kind / findings; undefined when there were none. */
  precision: number | undefined;
}

function overlaps(left: { start: number; end: number }, right: { start: number; end: number }): boolean {
  return left.start < right.end && right.start < left.end;
}

/**
 * Per-kind recall and precision of `detectPii` over labelled texts: a labelled span counts as found when a
 * finding of the same kind overlaps it; a finding counts as correct when it overlaps a labelled span of its kind.
 * Used by the evaluation against the simulator and by benchmarks.
 */
export function scorePiiRecall(texts: readonly LabelledText[]): { scores: KindScore[]; misses: Array<{ kind: PiiKind; value: string }>; falsePositives: PiiFinding[] } {
  const counts = new Map<PiiKind, { planted: number; found: number; findings: number; truePositiveFindings: number }>();
  const countFor = (kind: PiiKind) => {
    let entry = counts.get(kind);
    if (entry === undefined) {
      entry = { planted: 0, found: 0, findings: 0, truePositiveFindings: 0 };
      counts.set(kind, entry);
    }
    return entry;
  };
  const misses: Array<{ kind: PiiKind; value: string }> = [];
  const falsePositives: PiiFinding[] = [];
  for (const { text, spans } of texts) {
    const findings = detectPii(text);
    for (const span of spans) {
      const entry = countFor(span.kind);
      entry.planted += 1;
      if (findings.some((finding) => finding.kind === span.kind && overlaps(finding, span))) entry.found += 1;
      else misses.push({ kind: span.kind, value: text.slice(span.start, span.end) });
    }
    for (const finding of findings) {
      const entry = countFor(finding.kind);
      entry.findings += 1;
      if (spans.some((span) => span.kind === finding.kind && overlaps(finding, span))) entry.truePositiveFindings += 1;
      else falsePositives.push(finding);
    }
  }
  const scores = piiKinds.map((kind): KindScore => {
    const entry = counts.get(kind) ?? { planted: 0, found: 0, findings: 0, truePositiveFindings: 0 };
    return {
      kind,
      ...entry,
      recall: entry.planted === 0 ? undefined : entry.found / entry.planted,
      precision: entry.findings === 0 ? undefined : entry.truePositiveFindings / entry.findings,
    };
  });
  return { scores, misses, falsePositives };
}
