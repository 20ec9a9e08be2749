import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom } from '../random.ts';
import type { DataSplit, ExpectedAnswer, GeneratedCall, TaskSkill, TeacherReply } from '../simulated-task.ts';
import { buildExtractTablesCall } from './extract-tables-skill.ts';
import { buildFixSqlCall } from './fix-sql-skill.ts';
import { generateQuestion } from './generate-question.ts';
import { executeQuery } from './internal/execute-query.ts';
import type { QueryCallInput } from './internal/query-call-input.ts';
import { breakKinds, breakSql } from './internal/sql-mistakes.ts';
import { cachedQueryDatabase, formatQueryDatabaseId } from './open-query-database.ts';
import { queryWriterAgent } from './query-writer-agent.ts';
import { schemasForSplit } from './query-schemas.ts';
import { queryValues } from './query-values.ts';
import { buildRerankTablesCall } from './rerank-tables-skill.ts';
import { buildResearchCall } from './research-skill.ts';
import { sqlResultsMatch } from './sql-results-match.ts';
import { buildWriteSqlCall } from './write-sql-skill.ts';

const skills = queryWriterAgent.skills;
const seedsPerTask = 150;

function callInput(seed: string, split: DataSplit): QueryCallInput {
  const random = createRandom(seed);
  const schema = random.pick(schemasForSplit(split));
  const databaseId = formatQueryDatabaseId({ schemaId: schema.id, split, seed: `s${random.int(1, 6)}` });
  const database = cachedQueryDatabase(databaseId);
  const question = generateQuestion(schema, database, random);
  return { schema, database, databaseId, split, question, random, model: 'gpt-4o-mini' };
}

const builders: Record<string, (input: QueryCallInput) => GeneratedCall> = {
  'query/extract-tables': (input) => buildExtractTablesCall(input),
  'query/rerank-tables': (input) => {
    const names = input.schema.tables.map((table) => table.name);
    return buildRerankTablesCall(input, input.random.sample(names, input.random.int(2, names.length)));
  },
  'query/write-sql': (input) => buildWriteSqlCall(input, input.random.chance(0.5) ? [...input.question.template.tables] : undefined),
  'query/fix-sql': (input) => {
    for (const kind of input.random.shuffle(breakKinds)) {
      const sql = breakSql(input.question.goldSql, kind, input.random);
      if (sql === undefined) continue;
      const execution = executeQuery(input.database, sql);
      if (execution.ok) continue;
      if (input.random.chance(0.5)) return buildFixSqlCall(input, { sql, errorMessage: execution.error });
      // A conversation: the write-sql request, its failing answer, then the error.
      const previous = buildWriteSqlCall(input);
      return buildFixSqlCall(input, { sql, errorMessage: execution.error }, { continueFrom: { call: previous, reply: `${sql};` } });
    }
    throw new Error(`no breakage for ${input.question.goldSql}`);
  },
  'query/research': (input) => {
    const execution = executeQuery(input.database, input.question.goldSql);
    if (!execution.ok) throw new Error(execution.error);
    return buildResearchCall(input, { sql: input.question.goldSql, columns: execution.columns, rows: execution.rows });
  },
};

function content(reply: TeacherReply): string {
  assert.equal(reply.kind, 'content');
  return reply.kind === 'content' ? reply.content : '';
}

function isCorrect(expected: ExpectedAnswer, reply: string): boolean {
  switch (expected.kind) {
    case 'text':
      return reply.trim() === expected.text;
    case 'json': {
      try {
        assert.deepEqual(JSON.parse(reply), expected.value);
        return true;
      } catch {
        return false;
      }
    }
    case 'sql':
      return sqlResultsMatch(cachedQueryDatabase(expected.database), reply, expected.sql).match;
    case 'open':
      return reply.trim().length > 20;
    default:
      return false;
  }
}

for (const task of Object.keys(builders)) {
  test(`${task}: one skill recognises it, respond is right, respondWrongly is not`, () => {
    let wrongAndDifferent = 0;
    for (let seed = 0; seed < seedsPerTask; seed += 1) {
      const split: DataSplit = seed % 2 === 0 ? 'train' : 'eval';
      const call = builders[task]!(callInput(`${task}/${seed}`, split));
      assert.equal(call.task, task);
      const recognising = skills.filter((skill) => skill.recognise(call.request)).map((skill) => skill.task);
      assert.deepEqual(recognising, [task], JSON.stringify(call.request.messages));
      const skill = skills.find((candidate) => candidate.task === task) as TaskSkill;
      const answer = content(skill.respond(call.request, createRandom(`answer/${seed}`)));
      assert.ok(isCorrect(call.expected, answer), `${answer}\n${JSON.stringify(call.expected)}\n${JSON.stringify(call.request.messages)}`);
      const wrong = content(skill.respondWrongly(call.request, createRandom(`wrong/${seed}`)));
      assert.notEqual(wrong, answer);
      if (call.expected.kind === 'open' || !isCorrect(call.expected, wrong)) wrongAndDifferent += 1;
    }
    // SQL mistakes are judged by their result; a distortion can rarely return the same rows.
    assert.ok(wrongAndDifferent >= seedsPerTask * 0.9, `${wrongAndDifferent} of ${seedsPerTask} wrong answers scored wrong`);
  });
}

test('research answers vary with the random', () => {
  const call = builders['query/research']!(callInput('research-variety', 'train'));
  const skill = skills.find((candidate) => candidate.task === 'query/research') as TaskSkill;
  const answers = new Set(Array.from({ length: 10 }, (_, index) => content(skill.respond(call.request, createRandom(index)))));
  assert.ok(answers.size > 3);
});

test('eval requests carry no train values; the held-out schema shows up only in eval', () => {
  // Whole-word matches: an eval city such as "Chennai" may contain a train surname such as "Chen".
  const trainValues = queryValues('train').poolValues().map((value) => ({
    value,
    pattern: new RegExp(`(?<![\\p{L}\\p{N}])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u'),
  }));
  const heldOutTables = ['doctors', 'patients', 'appointments', 'prescriptions'];
  let heldOutInEval = 0;
  for (let seed = 0; seed < 120; seed += 1) {
    for (const split of ['train', 'eval'] as const) {
      for (const task of Object.keys(builders)) {
        const call = builders[task]!(callInput(`splits/${task}/${seed}`, split));
        const text = JSON.stringify(call.request);
        const heldOut = heldOutTables.some((table) => text.includes(`${table}(`) || text.includes(`TABLE ${table} `));
        if (split === 'train') assert.ok(!heldOut, text);
        else {
          if (heldOut) heldOutInEval += 1;
          for (const { value, pattern } of trainValues) assert.ok(!pattern.test(text), `eval request holds train value ${value}`);
        }
      }
    }
  }
  assert.ok(heldOutInEval > 0);
});

test('PII spans point at the values in the request', () => {
  let spans = 0;
  for (let seed = 0; seed < 100; seed += 1) {
    for (const task of Object.keys(builders)) {
      const call = builders[task]!(callInput(`pii/${task}/${seed}`, 'train'));
      for (const span of call.pii) {
        const message = call.request.messages[span.messageIndex];
        assert.equal(typeof message?.content === 'string' ? message.content.slice(span.start, span.end) : undefined, span.value);
        spans += 1;
      }
    }
  }
  assert.ok(spans > 100);
});

test('the same seed gives byte-identical requests', () => {
  for (const task of Object.keys(builders)) {
    const first = JSON.stringify(builders[task]!(callInput(`same/${task}`, 'eval')));
    const second = JSON.stringify(builders[task]!(callInput(`same/${task}`, 'eval')));
    assert.equal(first, second);
  }
});
