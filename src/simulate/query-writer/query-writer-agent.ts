/**
 * The query-writer agent: a text-to-SQL assistant working through one analyst question per episode.
 * It links the question to tables, sometimes re-ranks retrieved candidates, writes SQL (or first tries a
 * saved query that a schema change broke), runs it, asks for a fix when SQLite rejects it, and — steered
 * by `openEndedShare` — asks the open-ended researcher to interpret the result. Every step reacts to the
 * answer actually received, so a wrong teacher answer changes what the agent does next.
 */
import type { ChatCompletion } from '../../contracts/chat-completion.ts';
import type { Random } from '../random.ts';
import type { EpisodeContext, GeneratedCall, SimulatedAgent } from '../simulated-task.ts';
import { buildExtractTablesCall, extractTablesSkill, parseTableList } from './extract-tables-skill.ts';
import { buildFixSqlCall, fixSqlSkill } from './fix-sql-skill.ts';
import { generateQuestion } from './generate-question.ts';
import { executeQuery, type QueryExecution } from './internal/execute-query.ts';
import type { QueryCallInput } from './internal/query-call-input.ts';
import { extractSql } from './extract-sql.ts';
import { breakKinds, breakSql } from './internal/sql-mistakes.ts';
import { cachedQueryDatabase, formatQueryDatabaseId } from './open-query-database.ts';
import type { QuerySchema } from './query-schema.ts';
import { schemasForSplit } from './query-schemas.ts';
import { buildRerankTablesCall, parseRanking, rerankTablesSkill } from './rerank-tables-skill.ts';
import { buildResearchCall, researchSkill } from './research-skill.ts';
import { buildWriteSqlCall, writeSqlSkill } from './write-sql-skill.ts';

/** Distinct databases per schema and split: few enough to cache, enough that values vary. */
const databaseSeedsPerSchema = 24;
const maximumFixAttempts = 2;
const maximumResearchCalls = 4;
const model = 'gpt-4o-mini';

function pickSchema(context: EpisodeContext): QuerySchema {
  const schemas = schemasForSplit(context.split);
  // Eval leans on the held-out schema so unseen-schema results are not a rounding error.
  return context.random.weighted(schemas.map((schema) => [schema, schema.heldOut ? 2 : 1] as const));
}

function answerText(completion: ChatCompletion): string {
  return completion.choices[0]?.message.content ?? '';
}

/** A saved query from before a migration: a broken copy of the right one that SQLite rejects. */
function staleQuery(input: QueryCallInput, random: Random): { sql: string; errorMessage: string } | undefined {
  for (const kind of random.shuffle(breakKinds)) {
    const sql = breakSql(input.question.goldSql, kind, random);
    if (sql === undefined) continue;
    const execution = executeQuery(input.database, sql);
    if (!execution.ok) return { sql, errorMessage: execution.error };
  }
  return undefined;
}

/** How many open-ended calls bring this episode's share of them to `share` (in expectation). */
function researchCallCount(closedCalls: number, share: number, random: Random): number {
  if (share <= 0) return 0;
  if (share >= 1) return maximumResearchCalls;
  const wanted = (closedCalls * share) / (1 - share);
  const whole = Math.floor(wanted);
  return Math.min(maximumResearchCalls, whole + (random.chance(wanted - whole) ? 1 : 0));
}

export const queryWriterAgent: SimulatedAgent = {
  name: 'query',
  skills: [extractTablesSkill, rerankTablesSkill, writeSqlSkill, fixSqlSkill, researchSkill],
  async runEpisode(context) {
    const { random } = context;
    const schema = pickSchema(context);
    const databaseId = formatQueryDatabaseId({ schemaId: schema.id, split: context.split, seed: `s${random.int(1, databaseSeedsPerSchema)}` });
    const database = cachedQueryDatabase(databaseId);
    const question = generateQuestion(schema, database, random.fork('question'));
    const input: QueryCallInput = { schema, database, databaseId, split: context.split, question, random, model };
    const tableNames = schema.tables.map((table) => table.name);
    let closedCalls = 0;
    const send = async (call: GeneratedCall): Promise<string> => {
      if (!call.openEnded) closedCalls += 1;
      return answerText(await context.send(call));
    };

    let chosenTables = parseTableList(await send(buildExtractTablesCall(input))).filter((name) => tableNames.includes(name));
    if (random.chance(0.5)) {
      const distractors = random.sample(tableNames.filter((name) => !chosenTables.includes(name)), random.int(1, 2));
      const candidates = random.shuffle([...new Set([...chosenTables, ...distractors])]);
      if (candidates.length >= 2) {
        const ranking = parseRanking(await send(buildRerankTablesCall(input, candidates))).filter((name) => tableNames.includes(name));
        chosenTables = ranking.slice(0, Math.max(1, chosenTables.length));
      }
    }

    let sql: string;
    let execution: QueryExecution;
    // The SQL call whose answer is being worked on, so a fix can continue that conversation.
    let lastExchange: { call: GeneratedCall; reply: string } | undefined;
    const stale = random.chance(0.25) ? staleQuery(input, random) : undefined;
    if (stale !== undefined) {
      sql = stale.sql;
      execution = { ok: false, error: stale.errorMessage };
    } else {
      const call = buildWriteSqlCall(input, chosenTables);
      const reply = await send(call);
      lastExchange = { call, reply };
      sql = extractSql(reply);
      execution = executeQuery(database, sql);
    }
    for (let attempt = 0; !execution.ok && attempt < maximumFixAttempts; attempt += 1) {
      const continueFrom = lastExchange !== undefined && random.chance(0.5) ? lastExchange : undefined;
      const call = buildFixSqlCall(input, { sql, errorMessage: execution.error }, { tableHint: chosenTables, continueFrom });
      const reply = await send(call);
      lastExchange = { call, reply };
      sql = extractSql(reply);
      execution = executeQuery(database, sql);
    }
    if (!execution.ok) return;

    const researchCalls = researchCallCount(closedCalls, context.openEndedShare, random);
    for (let index = 0; index < researchCalls; index += 1) {
      await send(buildResearchCall(input, { sql, columns: execution.columns, rows: execution.rows }));
    }
  },
};
