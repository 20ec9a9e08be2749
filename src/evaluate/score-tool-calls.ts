/** Tool-call answers, compared by the Berkeley Function Calling Leaderboard's AST rules. */
import type { AnswerScore } from './answer-score.ts';
import type { AssistantAnswer } from './assistant-answer.ts';
import { compareToolCall, type ToolCallComparison } from './internal/compare-tool-call.ts';
import { appendPointer } from './internal/json-pointer.ts';
import { maximumMatching } from './internal/maximum-matching.ts';
import { normaliseText } from './internal/normalise-text.ts';
import { offeredFunctions } from './internal/offered-tools.ts';
import { excerpt } from './internal/text-answer.ts';
import type { ScoreContext } from './score-context.ts';
import { validateAnswer } from './validate-answer.ts';

/**
 * - `correct`: the same number of calls, and a one-to-one pairing of reference and candidate calls in which
 *   every pair matches (internal/compare-tool-call.ts has the per-call rules). Parallel calls are compared
 *   order-insensitively, as BFCL's `parallel_function_checker_no_order` does, but with a maximum matching
 *   instead of its greedy first fit.
 * - `score`: over the best pairing found, the share of matching fields per pair (name + parameters), summed
 *   and divided by the larger call count — a missing or extra call scores 0.
 * - `fields`: pointers into the reference's calls (`/0/arguments/city`); extra candidate calls are listed
 *   in `unexpected` as pointers into the candidate's calls (`/2`).
 * - `valid`: every called tool was offered and its arguments validate against its `parameters` (ajv).
 *
 * @example
 * // Same call, arguments in another spelling: "San Francisco, CA" standardises to "sanfranciscoca".
 * scoreToolCalls(
 *   { content: null, toolCalls: [{ name: 'get_weather', arguments: '{"city":"San Francisco, CA"}' }] },
 *   { content: null, toolCalls: [{ name: 'get_weather', arguments: '{"city":"san francisco ca"}' }] },
 *   { tools },
 * ).correct // → true
 */
export function scoreToolCalls(reference: AssistantAnswer, candidate: AssistantAnswer, context: ScoreContext = {}): AnswerScore {
  const validation = validateAnswer(candidate, context);
  const invalidNote = validation.valid ? '' : `; invalid: ${validation.reason}`;
  const references = reference.toolCalls;
  const candidates = candidate.toolCalls;
  if (references.length === 0) {
    // Forced `tool_call` on a turn where the reference answered in text (a tool-using task's final answer):
    // the candidate must not call tools either, and then the texts must match exactly (normalised).
    if (candidates.length > 0) {
      return { metric: 'tool_call', correct: false, score: 0, valid: validation.valid, reason: `the reference answered in text; the candidate called ${candidates.map((call) => call.name).join(', ')}` };
    }
    const correct = normaliseText(reference.content ?? '') === normaliseText(candidate.content ?? '');
    const note = 'neither answer calls a tool: compared the text (normalised exact match)';
    return { metric: 'tool_call', correct, score: correct ? 1 : 0, valid: validation.valid, reason: correct ? note : `${note}; expected ${excerpt(reference.content ?? '')}, got ${excerpt(candidate.content ?? '')}` };
  }
  if (candidates.length === 0) {
    return {
      metric: 'tool_call',
      correct: false,
      score: 0,
      valid: validation.valid,
      reason: `the reference called ${references.map((call) => call.name).join(', ')}; the candidate answered in text ${excerpt(candidate.content ?? '')}`,
    };
  }
  const tools = offeredFunctions(context.tools);
  const pairs: ToolCallComparison[][] = references.map((referenceCall, referenceIndex) =>
    candidates.map((candidateCall) =>
      compareToolCall({ reference: referenceCall, candidate: candidateCall, referenceIndex, tool: tools.get(referenceCall.name), acceptableValues: context.acceptableValues }),
    ),
  );
  const pairAt = (referenceIndex: number, candidateIndex: number) => pairs[referenceIndex]![candidateIndex]!;
  const exactMatching = maximumMatching(references.length, candidates.length, (left, right) => pairAt(left, right).correct);
  const correct = references.length === candidates.length && exactMatching.every((right) => right !== -1);
  const assignment = correct ? exactMatching : bestEffortAssignment(references.length, candidates.length, (left, right) => fraction(pairAt(left, right)));

  let total = 0;
  let matched = 0;
  let scoreSum = 0;
  const mismatched: string[] = [];
  let firstReason: string | undefined;
  assignment.forEach((candidateIndex, referenceIndex) => {
    if (candidateIndex === -1) {
      const missing = compareToolCall({ reference: references[referenceIndex]!, candidate: { name: '', arguments: '{}' }, referenceIndex, tool: undefined, acceptableValues: undefined });
      total += missing.total;
      mismatched.push(...missing.mismatched);
      firstReason ??= `no candidate call for ${references[referenceIndex]!.name} (reference call ${referenceIndex})`;
      return;
    }
    const pair = pairAt(referenceIndex, candidateIndex);
    total += pair.total;
    matched += pair.matched;
    scoreSum += fraction(pair);
    mismatched.push(...pair.mismatched);
    if (!pair.correct) firstReason ??= pair.reason;
  });
  const used = new Set(assignment);
  const unexpected = candidates.flatMap((_, index) => (used.has(index) ? [] : [appendPointer('', index)]));
  const countNote = references.length === candidates.length ? '' : `expected ${references.length} tool call(s), got ${candidates.length}`;
  const reason = correct ? validation.reason : [countNote, firstReason].filter(Boolean).join('; ') + invalidNote;
  return {
    metric: 'tool_call',
    correct,
    score: scoreSum / Math.max(references.length, candidates.length),
    valid: validation.valid,
    ...(reason ? { reason } : {}),
    fields: { total, matched, mismatched, ...(unexpected.length ? { unexpected } : {}) },
  };
}

function fraction(pair: ToolCallComparison): number {
  return pair.total === 0 ? 0 : pair.matched / pair.total;
}

/**
 * When no exact pairing exists: pair calls greedily by descending field score (ties by position), then pair
 * what is left in order, so a wrongly named call is reported as "called X instead of Y" rather than missing.
 * Good enough for partial credit and readable reasons; correctness never depends on it.
 */
function bestEffortAssignment(referenceCount: number, candidateCount: number, pairScore: (left: number, right: number) => number): number[] {
  const options: Array<{ left: number; right: number; score: number }> = [];
  for (let left = 0; left < referenceCount; left += 1) {
    for (let right = 0; right < candidateCount; right += 1) options.push({ left, right, score: pairScore(left, right) });
  }
  options.sort((a, b) => b.score - a.score || a.left - b.left || a.right - b.right);
  const assignment = new Array<number>(referenceCount).fill(-1);
  const taken = new Set<number>();
  for (const option of options) {
    if (option.score === 0 || assignment[option.left] !== -1 || taken.has(option.right)) continue;
    assignment[option.left] = option.right;
    taken.add(option.right);
  }
  for (let left = 0; left < referenceCount; left += 1) {
    if (assignment[left] !== -1) continue;
    let right = 0;
    while (right < candidateCount && taken.has(right)) right += 1;
    if (right === candidateCount) break;
    assignment[left] = right;
    taken.add(right);
  }
  return assignment;
}
