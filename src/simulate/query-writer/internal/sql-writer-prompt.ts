/**
 * The prompt skeleton shared by writing and fixing SQL: one system prompt pool and one user layout. A fix
 * request adds the failing query and its error; otherwise the two look alike.
 */
import type { ChatCompletionRequest } from '../../../contracts/chat-completion.ts';
import type { Random } from '../../random.ts';
import type { QuerySchema } from '../query-schema.ts';
import { extractSql } from '../extract-sql.ts';
import { containsAny, lastAssistantText, systemText, userText } from './query-prompt.ts';

const personas = [
  'You are an expert SQL developer.',
  'You translate business questions into SQL queries.',
  'You are a text-to-SQL assistant embedded in an analytics tool.',
  'Act as a senior data analyst who writes clean, correct SQL.',
  'You are a meticulous database engineer writing queries for colleagues.',
] as const;

const dialects = [
  'The database is SQLite 3, so use SQLite syntax and functions (strftime for dates).',
  'Target dialect: SQLite. Dates are stored as ISO-8601 text.',
  'Queries run on SQLite; prefer standard SQL and SQLite date functions.',
  'Write SQLite-compatible SQL. Date columns hold YYYY-MM-DD strings.',
  'Use the SQLite dialect. The data describes {domain}.',
] as const;

const plainOutputs = [
  'Return only the SQL query, with no explanation and no code fences.',
  'Respond with a single SQL statement and nothing else.',
  'Output the raw SQL only.',
] as const;

const fencedOutputs = [
  'Return the query in a ```sql code block and nothing else.',
  'Put the final query inside ```sql fences; do not explain it.',
] as const;

export const brokenQueryHeaders = [
  'The following query failed:',
  'Previous attempt:',
  'This SQL does not run:',
  'Query that needs fixing:',
  'Failing query:',
] as const;

export const errorHeaders = ['SQLite error:', 'Error message:', 'The database said:', 'Error returned:', 'Execution error:'] as const;

export const tableHintLabels = [
  'Relevant tables:',
  'Tables identified for this question:',
  'Schema linking picked:',
  'Likely tables:',
  'Use these tables:',
] as const;

export function renderSqlWriterSystem(schema: QuerySchema, random: Random): string {
  const output = random.chance(0.35) ? random.pick(fencedOutputs) : random.pick(plainOutputs);
  return [random.pick(personas), random.pick(dialects).replace('{domain}', schema.domain), output].join(' ');
}

export function isSqlWriterRequest(request: ChatCompletionRequest): boolean {
  return containsAny(systemText(request), personas);
}

/** Whether the last user message reports an execution error (a header on a line of its own). */
export function hasErrorSection(request: ChatCompletionRequest): boolean {
  const lines = userText(request).split('\n');
  return lines.some((line) => (errorHeaders as readonly string[]).includes(line));
}

/** Formats SQL the way the system prompt asked for it. */
export function formatSqlAnswer(request: ChatCompletionRequest, sql: string): string {
  return systemText(request).includes('```sql') ? `\`\`\`sql\n${sql};\n\`\`\`` : `${sql};`;
}

/** The failing query: quoted in the fix request, or, in a conversation, the previous assistant answer. */
export function readBrokenQuery(request: ChatCompletionRequest): string | undefined {
  const lines = userText(request).split('\n');
  const start = lines.findIndex((line) => (brokenQueryHeaders as readonly string[]).includes(line));
  if (start === -1) {
    const previous = lastAssistantText(request);
    return previous === undefined ? undefined : extractSql(previous);
  }
  const end = lines.findIndex((line, index) => index > start && (errorHeaders as readonly string[]).includes(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n').trim();
}
