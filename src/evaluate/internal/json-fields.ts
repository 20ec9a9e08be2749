/**
 * Normalised JSON equality and leaf-field comparison for the JSON metric.
 *
 * Normalisation: object key order is irrelevant; numbers compare numerically (JSON `1`, `1.0` and `1e0` are the
 * same number once parsed); strings compare after trimming and Unicode NFC. Nothing else is forgiven: `"5"` is
 * not `5`, `null` is not an absent key, and case counts — a JSON field is data the agent's code reads.
 *
 * Arrays compare positionally. A schema cannot say "this array is a set" (`uniqueItems` does not mean
 * unordered), and for most structured outputs order carries meaning (steps, ranked results); an unordered
 * reading would hide real reorderings. A task whose arrays are sets can pass `metric: 'exact'` plus its own
 * canonicalisation, or we add a per-task option when one needs it.
 */
import { appendPointer } from './json-pointer.ts';
import { isPlainObject } from './safe-parse-json.ts';

function normaliseString(value: string): string {
  return value.normalize('NFC').trim();
}

/** Deep equality under the normalisation above. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return normaliseString(a) === normaliseString(b);
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return a === b;
}

interface Leaf {
  pointer: string;
  path: Array<string | number>;
  value: unknown;
}

/** Leaf fields: scalars, plus empty objects and arrays (which would otherwise contribute no field at all). */
function leaves(value: unknown, pointer = '', path: Array<string | number> = []): Leaf[] {
  if (Array.isArray(value) && value.length > 0) return value.flatMap((item, index) => leaves(item, appendPointer(pointer, index), [...path, index]));
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([key, item]) => leaves(item, appendPointer(pointer, key), [...path, key]));
  }
  return [{ pointer, path, value }];
}

type Lookup = { found: true; value: unknown } | { found: false; blockedByScalar: boolean };

function lookup(root: unknown, path: ReadonlyArray<string | number>): Lookup {
  let current = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') {
      if (segment >= current.length) return { found: false, blockedByScalar: false };
      current = current[segment];
    } else if (isPlainObject(current) && typeof segment === 'string') {
      if (!Object.hasOwn(current, segment)) return { found: false, blockedByScalar: false };
      current = current[segment];
    } else {
      // A scalar (or a container of the other kind) where the path goes deeper: the difference is already
      // counted at that reference field.
      return { found: false, blockedByScalar: true };
    }
  }
  return { found: true, value: current };
}

export interface FieldComparison {
  total: number;
  matched: number;
  mismatched: string[];
  unexpected: string[];
  /** The first mismatch, described for a reason line. */
  firstDifference?: string;
}

/** Compares `candidate` to `reference` field by field over the reference's leaf paths. */
export function compareJsonFields(reference: unknown, candidate: unknown): FieldComparison {
  const referenceLeaves = leaves(reference);
  const mismatched: string[] = [];
  let firstDifference: string | undefined;
  for (const leaf of referenceLeaves) {
    const found = lookup(candidate, leaf.path);
    if (found.found && jsonEqual(leaf.value, found.value)) continue;
    mismatched.push(leaf.pointer);
    firstDifference ??= `${leaf.pointer || '(root)'}: expected ${JSON.stringify(leaf.value)}, got ${found.found ? JSON.stringify(found.value) : 'nothing'}`;
  }
  const unexpected: string[] = [];
  for (const leaf of leaves(candidate)) {
    const found = lookup(reference, leaf.path);
    if (!found.found && !found.blockedByScalar) unexpected.push(leaf.pointer);
  }
  if (unexpected.length > 0) firstDifference ??= `unexpected field ${unexpected[0]}`;
  return { total: referenceLeaves.length, matched: referenceLeaves.length - mismatched.length, mismatched, unexpected, ...(firstDifference ? { firstDifference } : {}) };
}
