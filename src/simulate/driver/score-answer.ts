/**
 * Whether a completion is the right answer to a simulated call, judged against the ground truth the agent
 * knew when it built the call. Exact where the task has one answer (text, JSON, tool calls, SQL by its
 * result); `null` for open-ended calls, which have no single right answer and are not scored.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ChatCompletion } from '../../contracts/chat-completion.ts';
import type { ExpectedAnswer } from '../simulated-task.ts';

export interface AnswerScore {
  /** null: not scored (open-ended, or SQL without a scorer). */
  correct: boolean | null;
  /** Why the answer is wrong or unscored. */
  reason?: string;
}

/**
 * Compares SQL by the rows it returns on the database `databaseId` names; `candidateSql` is the whole reply
 * (the matcher takes a ```sql fence out). `querySqlMatcher` is the real one.
 */
export type SqlMatcher = (databaseId: string, candidateSql: string, goldSql: string) => { match: boolean; reason?: string };

export interface ScoreOptions {
  /** Without it, SQL answers are left unscored (`correct: null`). */
  sqlMatcher?: SqlMatcher;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Scores the first choice of `completion` against `expected`.
 *
 * @example
 * scoreAnswer({ kind: 'text', text: 'refund' }, completion) // → { correct: true } when the content is "refund\n"
 */
export function scoreAnswer(expected: ExpectedAnswer, completion: ChatCompletion, options: ScoreOptions = {}): AnswerScore {
  if (expected.kind === 'open') return { correct: null };
  const choice = completion.choices[0];
  if (!choice) return { correct: false, reason: 'no choices' };
  if (choice.finish_reason === 'length') return { correct: false, reason: 'truncated (finish_reason "length")' };
  const content = typeof choice.message.content === 'string' ? choice.message.content : '';
  switch (expected.kind) {
    case 'text': {
      const correct = content.trim() === expected.text.trim();
      return correct ? { correct } : { correct, reason: `expected ${JSON.stringify(expected.text)}, got ${JSON.stringify(content.slice(0, 200))}` };
    }
    case 'json': {
      const parsed = parseJson(content);
      if (!parsed.ok) return { correct: false, reason: 'content is not JSON' };
      return isDeepStrictEqual(parsed.value, expected.value) ? { correct: true } : { correct: false, reason: 'JSON differs from the expected value' };
    }
    case 'tool_calls':
      return scoreToolCalls(expected.calls, choice.message.tool_calls ?? []);
    case 'sql': {
      if (!options.sqlMatcher) return { correct: null, reason: 'no SQL scorer available' };
      try {
        const result = options.sqlMatcher(expected.database, content, expected.sql);
        return result.match ? { correct: true } : { correct: false, reason: result.reason ?? 'query result differs from the gold query' };
      } catch (error) {
        return { correct: false, reason: `query failed: ${(error as Error).message}` };
      }
    }
  }
}

function scoreToolCalls(
  expected: ReadonlyArray<{ name: string; arguments: Record<string, unknown> }>,
  actual: ReadonlyArray<{ function: { name: string; arguments: string } }>,
): AnswerScore {
  if (actual.length !== expected.length) return { correct: false, reason: `expected ${expected.length} tool calls, got ${actual.length}` };
  const remaining = [...expected];
  for (const call of actual) {
    const parsed = parseJson(call.function.arguments);
    if (!parsed.ok) return { correct: false, reason: `arguments of ${call.function.name} are not JSON` };
    // Parallel calls may come in any order: each actual call must consume one distinct expected call.
    const match = remaining.findIndex((candidate) => candidate.name === call.function.name && isDeepStrictEqual(candidate.arguments, parsed.value));
    if (match === -1) return { correct: false, reason: `unexpected call ${call.function.name}(${call.function.arguments.slice(0, 200)})` };
    remaining.splice(match, 1);
  }
  return { correct: true };
}
