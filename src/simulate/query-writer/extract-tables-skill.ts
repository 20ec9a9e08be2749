/**
 * `query/extract-tables`: which tables does the question need? Answer: table names, comma-separated, in
 * alphabetical order (exact text).
 */
import type { Random } from '../random.ts';
import type { GeneratedCall, TaskSkill, TeacherReply } from '../simulated-task.ts';
import { locatePii } from './internal/locate-pii.ts';
import type { QueryCallInput } from './internal/query-call-input.ts';
import { renderQuestionLine, renderSchemaSection, type PlantedValue } from './internal/query-prompt.ts';
import { readQuestion } from './internal/read-question.ts';
import {
  isTableSelectionRequest,
  pickSchemaFormat,
  readCandidates,
  renderTableSelectionSystem,
  renderTableSelectionUser,
} from './internal/table-selection-prompt.ts';

const instructions = [
  'Which tables are needed to answer this question? Reply with the table names only, comma-separated, in alphabetical order.',
  'List every table the SQL for this question must read, as a comma-separated list sorted alphabetically.',
  'Return the minimal set of tables required, alphabetical, separated by commas. Nothing else.',
  'Name the tables a correct query would touch. Format: table_a, table_b (alphabetical order).',
  'Identify the relevant tables for the question. Output them comma-separated in alphabetical order and nothing more.',
] as const;

export function formatTableList(tables: readonly string[]): string {
  return [...tables].sort().join(', ');
}

/** Table names out of an extraction answer, tolerant of spacing and stray punctuation. */
export function parseTableList(content: string): string[] {
  return content
    .split(/[,\n]/)
    .map((name) => name.trim().replace(/^[-*\d.\s`]+|[`.]+$/g, ''))
    .filter((name) => /^\w+$/.test(name));
}

export function buildExtractTablesCall(input: QueryCallInput): GeneratedCall {
  const { random, schema, question } = input;
  const planted: PlantedValue[] = [];
  const schemaSection = renderSchemaSection(schema, random, { format: pickSchemaFormat(random) });
  for (const [name, kind] of Object.entries(question.template.piiParameters ?? {})) {
    const value = question.parameters[name];
    if (value !== undefined) planted.push({ kind, value });
  }
  const messages = [
    { role: 'system' as const, content: renderTableSelectionSystem(schema, random) },
    {
      role: 'user' as const,
      content: renderTableSelectionUser({
        schemaText: schemaSection.text,
        questionLine: renderQuestionLine(question.text, random),
        instruction: random.pick(instructions),
        random,
      }),
    },
  ];
  return {
    request: { model: input.model, messages, temperature: 0 },
    task: extractTablesSkill.task,
    openEnded: false,
    expected: { kind: 'text', text: formatTableList(question.template.tables) },
    pii: locatePii(messages, planted),
  };
}

function reply(content: string): TeacherReply {
  return { kind: 'content', content };
}

export const extractTablesSkill: TaskSkill = {
  task: 'query/extract-tables',
  agent: 'query',
  openEnded: false,
  recognise: (request) => isTableSelectionRequest(request) && readCandidates(request) === undefined,
  respond(request) {
    const read = readQuestion(request);
    return reply(read === undefined ? '' : formatTableList(read.parsed.template.tables));
  },
  respondWrongly(request, random: Random) {
    const read = readQuestion(request);
    if (read === undefined) return reply('unknown_table');
    const tables = [...read.parsed.template.tables];
    const others = read.schema.tables.map((table) => table.name).filter((name) => !tables.includes(name));
    // Typical slips: forgetting a join table, or pulling in a table that merely sounds related.
    if (tables.length > 1 && (others.length === 0 || random.chance(0.5))) tables.splice(random.int(0, tables.length - 1), 1);
    else tables.push(random.pick(others));
    return reply(formatTableList(tables));
  },
};
