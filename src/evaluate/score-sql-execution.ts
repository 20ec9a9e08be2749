/** SQL answers, judged by what they return on the task's database rather than by how they are written. */
import type { AnswerScore } from './answer-score.ts';
import type { AssistantAnswer } from './assistant-answer.ts';
import { extractSql, hasOrderBy, normaliseSqlText } from './internal/sql-text.ts';
import { contentOf, excerpt, scoreToolCallsInsteadOfText } from './internal/text-answer.ts';
import type { ScoreContext, SqlExecutor } from './score-context.ts';
import { validateAnswer } from './validate-answer.ts';

/**
 * Runs the reference and the candidate query through `context.sqlExecutor` and compares the rows:
 * - as multisets (row order ignored, duplicates counted) — unless the reference has ORDER BY, then in order;
 * - columns positionally, names ignored: the agent reads the rows, and aliases are free to differ;
 * - cells: numbers rounded to 12 significant digits (so 0.1+0.2 and 0.3 agree, integers and their float
 *   forms agree), big integers as numbers when safe, blobs by hex, strings exactly (they are data).
 * `score` is the share of rows in common (positional when ordered) over the larger result. A candidate the
 * database rejects is incorrect and invalid, with the database's error as reason.
 *
 * Without an executor there is no database to ask: the answer falls back to normalised text match of the SQL
 * (whitespace, trailing semicolons), reported with metric `exact` and a reason saying so.
 */
export async function scoreSqlExecution(reference: AssistantAnswer, candidate: AssistantAnswer, context: ScoreContext = {}): Promise<AnswerScore> {
  const blank = contentOf(candidate).trim() === '';
  const toolFailure = scoreToolCallsInsteadOfText('sql_execution', candidate, validateAnswer(candidate, context).valid);
  if (toolFailure) return toolFailure;
  const referenceSql = extractSql(contentOf(reference));
  const candidateSql = extractSql(contentOf(candidate));
  if (blank) return { metric: 'sql_execution', correct: false, score: 0, valid: false, reason: 'empty answer: no SQL' };
  if (!context.sqlExecutor) {
    const correct = normaliseSqlText(referenceSql) === normaliseSqlText(candidateSql);
    const note = 'no sqlExecutor: compared the SQL text (normalised exact match), not its results';
    return { metric: 'exact', correct, score: correct ? 1 : 0, valid: true, reason: correct ? note : `${note}; expected ${excerpt(referenceSql)}, got ${excerpt(candidateSql)}` };
  }
  const referenceRows = await execute(context.sqlExecutor, referenceSql);
  const candidateRows = await execute(context.sqlExecutor, candidateSql);
  if ('error' in candidateRows) return { metric: 'sql_execution', correct: false, score: 0, valid: false, reason: `candidate SQL failed: ${candidateRows.error}` };
  if ('error' in referenceRows) return { metric: 'sql_execution', correct: false, score: 0, valid: true, reason: `reference SQL failed: ${referenceRows.error}` };

  const ordered = hasOrderBy(referenceSql);
  const expected = referenceRows.map(rowKey);
  const actual = candidateRows.map(rowKey);
  const common = ordered ? expected.filter((key, index) => actual[index] === key).length : multisetIntersection(expected, actual);
  const correct = expected.length === actual.length && common === expected.length;
  const largest = Math.max(expected.length, actual.length);
  const reason = correct
    ? undefined
    : `results differ${ordered ? ' (compared in order: the reference has ORDER BY)' : ''}: expected ${expected.length} row(s), got ${actual.length}, ${common} in common`;
  return { metric: 'sql_execution', correct, score: largest === 0 ? 1 : common / largest, valid: true, ...(reason ? { reason } : {}) };
}

async function execute(executor: SqlExecutor, sql: string): Promise<unknown[][] | { error: string }> {
  try {
    return await executor(sql);
  } catch (error) {
    // An executor is supposed to return `{ error }`; one that throws is treated the same way.
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function canonicalCell(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Number(value.toPrecision(12)) : String(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : `${value}n`;
  if (value instanceof Uint8Array) return `blob:${Buffer.from(value).toString('hex')}`;
  return value ?? null;
}

function rowKey(row: unknown[]): string {
  return JSON.stringify(row.map(canonicalCell));
}

function multisetIntersection(left: string[], right: string[]): number {
  const counts = new Map<string, number>();
  for (const key of left) counts.set(key, (counts.get(key) ?? 0) + 1);
  let common = 0;
  for (const key of right) {
    const count = counts.get(key) ?? 0;
    if (count > 0) {
      common += 1;
      counts.set(key, count - 1);
    }
  }
  return common;
}
