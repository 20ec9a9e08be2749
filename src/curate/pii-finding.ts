import type { PiiKind } from './pii-kind.ts';

/**
 * One detected value. Offsets are UTF-16 indexes into the string that was scanned, so
 * `text.slice(start, end) === value` always holds, also when the match was found after JSON unescaping.
 */
export interface PiiFinding {
  kind: PiiKind;
  start: number;
  end: number;
  value: string;
  /** 0–1: how sure the detector is; overlaps keep the surest finding. */
  confidence: number;
  /** Which detector (and rule) produced it, for explanations and tuning. */
  detector: string;
}
