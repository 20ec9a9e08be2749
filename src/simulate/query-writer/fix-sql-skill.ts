/**
 * `query/fix-sql`: repair a query that failed, given the SQLite error. Same prompt skeleton as write-sql
 * plus the failing query and the error text; scored like write-sql, by executing the answer.
 */
import type { ChatMessage } from '../../contracts/chat-completion.ts';
import type { GeneratedCall, TaskSkill, TeacherReply } from '../simulated-task.ts';
import type { PlantedValue } from './internal/query-prompt.ts';
import { locatePii } from './internal/locate-pii.ts';
import type { QueryCallInput } from './internal/query-call-input.ts';
import { readQuestion } from './internal/read-question.ts';
import { renderSqlRequestBody } from './internal/sql-call-parts.ts';
import {
  brokenQueryHeaders,
  errorHeaders,
  formatSqlAnswer,
  hasErrorSection,
  isSqlWriterRequest,
  readBrokenQuery,
  renderSqlWriterSystem,
} from './internal/sql-writer-prompt.ts';
import { wrongSql } from './write-sql-skill.ts';

const fixInstructions = [
  'Fix the query so it runs and answers the question.',
  'Please correct it.',
  'Rewrite the query so that it works.',
  'What is the corrected SQL?',
  'Repair the SQL; keep what was right about it.',
] as const;

/** How the error reads in the prompt: drivers and tools print SQLite's message with different prefixes. */
const errorFormats = ['{message}', 'SqliteError: {message}', 'Error: SQLITE_ERROR: {message}', 'sqlite3.OperationalError: {message}'] as const;

export interface SqlFailure {
  sql: string;
  /** SQLite's message, as the driver reported it. */
  errorMessage: string;
}

export interface FixSqlOptions {
  /** The tables the agent settled on earlier in the episode. */
  tableHint?: readonly string[];
  /**
   * The SQL call whose answer failed and that answer's raw content: the fix then continues that
   * conversation (answer as an assistant turn, the error as the next user turn), as chat agents do.
   */
  continueFrom?: { call: GeneratedCall; reply: string };
}

function questionPii(input: QueryCallInput): PlantedValue[] {
  const planted: PlantedValue[] = [];
  for (const [name, kind] of Object.entries(input.question.template.piiParameters ?? {})) {
    const value = input.question.parameters[name];
    if (value !== undefined) planted.push({ kind, value });
  }
  return planted;
}

export function buildFixSqlCall(input: QueryCallInput, failure: SqlFailure, options: FixSqlOptions = {}): GeneratedCall {
  const { random, schema, question } = input;
  const errorSection = `${random.pick(errorHeaders)}\n${random.pick(errorFormats).replace('{message}', failure.errorMessage)}`;
  const instruction = random.chance(0.7) ? [random.pick(fixInstructions)] : [];
  const expected = { kind: 'sql' as const, sql: question.goldSql, database: input.databaseId };
  if (options.continueFrom !== undefined) {
    const { call, reply } = options.continueFrom;
    const messages: ChatMessage[] = [
      ...call.request.messages,
      { role: 'assistant', content: reply },
      { role: 'user', content: [errorSection, ...instruction].join('\n\n') },
    ];
    // Earlier spans keep their places; searching all messages for their values also finds them in the new turns.
    const planted = [...call.pii.map((span) => ({ kind: span.kind, value: span.value })), ...questionPii(input)];
    return {
      request: { model: input.model, messages, temperature: 0 },
      task: fixSqlSkill.task,
      openEnded: false,
      expected,
      pii: locatePii(messages, planted),
    };
  }
  const body = renderSqlRequestBody(input, options.tableHint);
  body.sections.push(`${random.pick(brokenQueryHeaders)}\n${failure.sql}`, errorSection, ...instruction);
  const messages: ChatMessage[] = [
    { role: 'system', content: renderSqlWriterSystem(schema, random) },
    { role: 'user', content: body.sections.join('\n\n') },
  ];
  return {
    request: { model: input.model, messages, temperature: 0 },
    task: fixSqlSkill.task,
    openEnded: false,
    expected,
    pii: locatePii(messages, body.planted),
  };
}

export const fixSqlSkill: TaskSkill = {
  task: 'query/fix-sql',
  agent: 'query',
  openEnded: false,
  recognise: (request) => isSqlWriterRequest(request) && hasErrorSection(request),
  respond(request): TeacherReply {
    const read = readQuestion(request);
    const sql = read === undefined ? (readBrokenQuery(request) ?? 'SELECT 1') : read.parsed.template.goldSql(read.parsed.parameters);
    return { kind: 'content', content: formatSqlAnswer(request, sql) };
  },
  respondWrongly(request, random): TeacherReply {
    const read = readQuestion(request);
    const broken = readBrokenQuery(request);
    // The classic non-fix: the same query handed back.
    if (broken !== undefined && random.chance(0.4)) return { kind: 'content', content: formatSqlAnswer(request, broken.replace(/;\s*$/, '')) };
    const gold = read === undefined ? 'SELECT 1' : read.parsed.template.goldSql(read.parsed.parameters);
    return { kind: 'content', content: formatSqlAnswer(request, wrongSql(gold, random, 0.2)) };
  },
};
