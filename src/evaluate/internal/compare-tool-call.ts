/**
 * One reference tool call against one candidate tool call, by the Berkeley Function Calling Leaderboard's AST
 * rules (bfcl `ast_checker.py`, simple_function_checker), adapted to a single reference answer:
 * - the function name must match exactly;
 * - a parameter in the schema's `required` list must be present in the candidate;
 * - an optional parameter may be left out when leaving it out means the same value: both sides omitted it, or
 *   the side that omitted it gets the schema `default`, which equals the other side's value. BFCL writes this
 *   as possible answers containing "" ("may be omitted") next to the default; an `acceptableValues` list
 *   containing "" keeps that meaning here;
 * - values: strings equal after BFCL's `standardize_string`; numbers numerically (so 5 and 5.0 — BFCL's
 *   int-for-float allowance); arrays positionally and objects key by key, with the same rules inside; other
 *   types strictly. A value may also equal any of `acceptableValues["tool.param"]`.
 * Defaults are read from the top level of the `parameters` schema only; nested objects compare key by key.
 */
import { describeParameters, type OfferedFunction } from './offered-tools.ts';
import { appendPointer } from './json-pointer.ts';
import { standardiseString } from './normalise-text.ts';
import { isPlainObject, safeParseJson } from './safe-parse-json.ts';

export interface ToolCallComparison {
  correct: boolean;
  /** Fields compared: the name plus every parameter either side gave. */
  total: number;
  matched: number;
  /** JSON pointers into the reference's tool calls, arguments parsed: `/0/name`, `/0/arguments/city`. */
  mismatched: string[];
  reason?: string;
}

const absent = Symbol('absent');

/** BFCL value equality (see the file comment). */
export function toolValuesMatch(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'string' && typeof actual === 'string') return standardiseString(expected) === standardiseString(actual);
  if (typeof expected === 'number' && typeof actual === 'number') return expected === actual;
  if (Array.isArray(expected) && Array.isArray(actual)) return expected.length === actual.length && expected.every((item, index) => toolValuesMatch(item, actual[index]));
  if (isPlainObject(expected) && isPlainObject(actual)) {
    const keys = Object.keys(expected);
    return keys.length === Object.keys(actual).length && keys.every((key) => Object.hasOwn(actual, key) && toolValuesMatch(expected[key], actual[key]));
  }
  return expected === actual;
}

function show(value: unknown): string {
  return value === absent ? 'nothing' : JSON.stringify(value);
}

export function compareToolCall(options: {
  reference: { name: string; arguments: string };
  candidate: { name: string; arguments: string };
  referenceIndex: number;
  tool: OfferedFunction | undefined;
  acceptableValues: Record<string, unknown[]> | undefined;
}): ToolCallComparison {
  const { reference, candidate, tool } = options;
  const base = appendPointer('', options.referenceIndex);
  const argumentsPointer = appendPointer(base, 'arguments');
  const referenceArguments = safeParseJson(reference.arguments);
  const referenceObject = referenceArguments.ok && isPlainObject(referenceArguments.value) ? referenceArguments.value : undefined;
  const referenceKeys = Object.keys(referenceObject ?? {});
  if (reference.name !== candidate.name) {
    return {
      correct: false,
      total: 1 + referenceKeys.length,
      matched: 0,
      mismatched: [appendPointer(base, 'name'), ...referenceKeys.map((key) => appendPointer(argumentsPointer, key))],
      reason: `called ${candidate.name} instead of ${reference.name}`,
    };
  }
  if (!referenceObject) {
    return { correct: false, total: 1, matched: 1, mismatched: [], reason: `reference arguments of ${reference.name} are not a JSON object` };
  }
  const candidateArguments = safeParseJson(candidate.arguments);
  if (!candidateArguments.ok || !isPlainObject(candidateArguments.value)) {
    return {
      correct: false,
      total: 1 + referenceKeys.length,
      matched: 1,
      mismatched: referenceKeys.map((key) => appendPointer(argumentsPointer, key)),
      reason: `arguments of ${candidate.name} are ${candidateArguments.ok ? 'not a JSON object' : `not valid JSON: ${candidateArguments.error}`}`,
    };
  }
  const candidateObject = candidateArguments.value;
  const { required, defaults } = describeParameters(tool?.parameters);
  const effective = (values: Record<string, unknown>, name: string): unknown =>
    Object.hasOwn(values, name) ? values[name] : defaults.has(name) ? defaults.get(name) : absent;

  const names = [...new Set([...referenceKeys, ...Object.keys(candidateObject)])];
  const mismatched: string[] = [];
  let reason: string | undefined;
  for (const name of names) {
    const pointer = appendPointer(argumentsPointer, name);
    const fail = (why: string) => {
      mismatched.push(pointer);
      reason ??= `${reference.name}: ${why}`;
    };
    if (required.has(name) && !Object.hasOwn(candidateObject, name)) {
      fail(`missing required parameter ${name}`);
      continue;
    }
    const expected = effective(referenceObject, name);
    const actual = effective(candidateObject, name);
    const extra = options.acceptableValues?.[`${reference.name}.${name}`] ?? [];
    if (actual === absent) {
      // Only reachable when the reference gave the parameter and no default stands in for the omission.
      if (!extra.includes('')) fail(`optional parameter ${name} omitted (expected ${show(expected)})`);
      continue;
    }
    const acceptable = expected === absent ? extra : [expected, ...extra];
    if (acceptable.some((value) => toolValuesMatch(value, actual))) continue;
    fail(expected === absent ? `unexpected parameter ${name}=${show(actual)} (the reference left it out)` : `parameter ${name}: expected ${show(expected)}, got ${show(actual)}`);
  }
  const total = 1 + names.length;
  return { correct: mismatched.length === 0, total, matched: total - mismatched.length, mismatched, ...(reason ? { reason } : {}) };
}
