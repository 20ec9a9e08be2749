/**
 * `query/write-sql`: text-to-SQL. Answer: one SQLite query, scored by executing it against the database the
 * call names (`<schemaId>:<split>:<seed>`), so any query with the gold query's result is right.
 */
import type { ChatMessage } from '../../contracts/chat-completion.ts';
import type { Random } from '../random.ts';
import type { GeneratedCall, TaskSkill, TeacherReply } from '../simulated-task.ts';
import { generateQuestion } from './generate-question.ts';
import { locatePii } from './internal/locate-pii.ts';
import { renderQuestionLine, type PlantedValue } from './internal/query-prompt.ts';
import type { QueryCallInput } from './internal/query-call-input.ts';
import { readQuestion } from './internal/read-question.ts';
import { renderSqlRequestBody } from './internal/sql-call-parts.ts';
import { breakKinds, breakSql, distortSql } from './internal/sql-mistakes.ts';
import { formatSqlAnswer, hasErrorSection, isSqlWriterRequest, renderSqlWriterSystem } from './internal/sql-writer-prompt.ts';

/**
 * `tableHint`: the tables the agent settled on earlier in the episode (may be wrong; the question rules).
 * Some requests open with one or two solved examples on the same database (few-shot turns).
 */
export function buildWriteSqlCall(input: QueryCallInput, tableHint?: readonly string[]): GeneratedCall {
  const { random, schema, question } = input;
  const system = renderSqlWriterSystem(schema, random);
  const examples: ChatMessage[] = [];
  const planted: PlantedValue[] = [];
  if (random.chance(0.3)) {
    for (let count = random.int(1, 2); count > 0; count -= 1) {
      const example = generateQuestion(schema, input.database, random);
      if (example.template.id === question.template.id) continue;
      for (const [name, kind] of Object.entries(example.template.piiParameters ?? {})) {
        const value = example.parameters[name];
        if (value !== undefined) planted.push({ kind, value });
      }
      examples.push({ role: 'user', content: renderQuestionLine(example.text, random) }, { role: 'assistant', content: `${example.goldSql};` });
    }
  }
  const body = renderSqlRequestBody(input, tableHint);
  const messages: ChatMessage[] = [
    { role: 'system', content: system },
    ...examples,
    { role: 'user', content: body.sections.join('\n\n') },
  ];
  return {
    request: { model: input.model, messages, temperature: 0 },
    task: writeSqlSkill.task,
    openEnded: false,
    expected: { kind: 'sql', sql: question.goldSql, database: input.databaseId },
    pii: locatePii(messages, [...planted, ...body.planted]),
  };
}

/** A wrong query: sometimes one that fails to run (so the agent's fix step fires), else a wrong-result one. */
export function wrongSql(goldSql: string, random: Random, failureShare: number): string {
  if (!random.chance(failureShare)) {
    const distorted = distortSql(goldSql, random);
    if (distorted !== undefined) return distorted;
  }
  for (const kind of random.shuffle(breakKinds)) {
    const broken = breakSql(goldSql, kind, random);
    if (broken !== undefined && broken !== goldSql) return broken;
  }
  return `${goldSql} LIMIT 0`;
}

export const writeSqlSkill: TaskSkill = {
  task: 'query/write-sql',
  agent: 'query',
  openEnded: false,
  recognise: (request) => isSqlWriterRequest(request) && !hasErrorSection(request),
  respond(request): TeacherReply {
    const read = readQuestion(request);
    const sql = read === undefined ? 'SELECT 1' : read.parsed.template.goldSql(read.parsed.parameters);
    return { kind: 'content', content: formatSqlAnswer(request, sql) };
  },
  respondWrongly(request, random): TeacherReply {
    const read = readQuestion(request);
    const gold = read === undefined ? 'SELECT 1' : read.parsed.template.goldSql(read.parsed.parameters);
    return { kind: 'content', content: formatSqlAnswer(request, wrongSql(gold, random, 0.35)) };
  },
};
