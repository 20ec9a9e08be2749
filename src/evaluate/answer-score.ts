import type { MetricName } from './score-context.ts';

/** Field-level detail of a JSON or tool-call comparison; paths are JSON pointers (RFC 6901). */
export interface FieldDetail {
  /** Leaf fields of the reference compared. */
  total: number;
  matched: number;
  /** Reference fields the candidate got wrong or left out. */
  mismatched: string[];
  /** Fields the candidate added that the reference does not have (they make the answer incorrect too). */
  unexpected?: string[];
}

/** How one candidate answer compares to one reference answer (the teacher's, or ground truth). */
export interface AnswerScore {
  metric: MetricName;
  /** Counts toward agreement (reference = teacher) or accuracy (reference = ground truth). */
  correct: boolean;
  /** 0..1 partial credit: field accuracy, chrF, share of matching rows, … */
  score: number;
  /** Structurally valid whatever the reference: parseable, matches the response_format schema, tools offered and arguments valid. */
  valid: boolean;
  /** One human-readable line: why not correct or not valid, or how the score was obtained when that matters. */
  reason?: string;
  fields?: FieldDetail;
}
