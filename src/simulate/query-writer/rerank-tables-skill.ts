/**
 * `query/rerank-tables`: order retrieved candidate tables by relevance. The tables the question needs come
 * first (in the order a query would be built around them), then the others alphabetically. Answer: a
 * numbered list (text), or `{"tables": [...]}` when the request asks for a JSON object.
 */
import type { ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import type { Random } from '../random.ts';
import type { ExpectedAnswer, GeneratedCall, TaskSkill, TeacherReply } from '../simulated-task.ts';
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
  'Rank the candidate tables from most to least relevant to the question.',
  'Order the candidates by how useful they are for answering the question.',
  'Re-rank the candidate tables so the ones the query needs come first.',
  'Sort the candidates by relevance to the question, most relevant first.',
  'Put the candidate tables in order of relevance for writing the SQL.',
] as const;

const textFormats = [
  'Reply with a numbered list, one table per line, and include every candidate exactly once.',
  'Answer as a numbered list (1., 2., ...) containing all candidates.',
  'Output every candidate once as a numbered list, nothing else.',
] as const;

const jsonFormats = [
  'Reply with a JSON object {"tables": [...]} listing every candidate once, in ranked order.',
  'Return JSON of the form {"tables": ["most_relevant", ...]} with all candidates.',
] as const;

/** Needed tables first, in the template's order, then the rest alphabetically. */
export function rankCandidates(relevant: readonly string[], candidates: readonly string[]): string[] {
  const first = relevant.filter((name) => candidates.includes(name));
  const rest = [...new Set(candidates.filter((name) => !relevant.includes(name)))].sort();
  return [...first, ...rest];
}

export function formatRanking(tables: readonly string[]): string {
  return tables.map((name, index) => `${index + 1}. ${name}`).join('\n');
}

/** Table names out of a ranking answer, either shape. */
export function parseRanking(content: string): string[] {
  const trimmed = content.trim();
  if (trimmed.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (typeof value === 'object' && value !== null && 'tables' in value && Array.isArray(value.tables)) {
        return value.tables.filter((name): name is string => typeof name === 'string');
      }
    } catch {
      return [];
    }
    return [];
  }
  return trimmed
    .split('\n')
    .map((line) => /^\s*\d+[.)]\s*(\w+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

export function buildRerankTablesCall(input: QueryCallInput, candidates: readonly string[]): GeneratedCall {
  const { random, schema, question } = input;
  const planted: PlantedValue[] = [];
  for (const [name, kind] of Object.entries(question.template.piiParameters ?? {})) {
    const value = question.parameters[name];
    if (value !== undefined) planted.push({ kind, value });
  }
  const asJson = random.chance(0.4);
  const described = candidates.map((name) => ({
    name,
    description: schema.tables.find((table) => table.name === name)?.description ?? 'no description available',
  }));
  const messages = [
    { role: 'system' as const, content: renderTableSelectionSystem(schema, random) },
    {
      role: 'user' as const,
      content: renderTableSelectionUser({
        schemaText: renderSchemaSection(schema, random, { format: pickSchemaFormat(random) }).text,
        candidates: described,
        questionLine: renderQuestionLine(question.text, random),
        instruction: `${random.pick(instructions)} ${random.pick(asJson ? jsonFormats : textFormats)}`,
        random,
      }),
    },
  ];
  const ranking = rankCandidates(question.template.tables, candidates);
  const expected: ExpectedAnswer = asJson ? { kind: 'json', value: { tables: ranking } } : { kind: 'text', text: formatRanking(ranking) };
  const request: ChatCompletionRequest = { model: input.model, messages, temperature: 0 };
  if (asJson) request.response_format = { type: 'json_object' };
  return { request, task: rerankTablesSkill.task, openEnded: false, expected, pii: locatePii(messages, planted) };
}

function renderAnswer(request: ChatCompletionRequest, ranking: readonly string[]): TeacherReply {
  const content = request.response_format?.type === 'json_object' ? JSON.stringify({ tables: ranking }) : formatRanking(ranking);
  return { kind: 'content', content };
}

export const rerankTablesSkill: TaskSkill = {
  task: 'query/rerank-tables',
  agent: 'query',
  openEnded: false,
  recognise: (request) => isTableSelectionRequest(request) && readCandidates(request) !== undefined,
  respond(request) {
    const candidates = readCandidates(request) ?? [];
    const read = readQuestion(request);
    return renderAnswer(request, rankCandidates(read?.parsed.template.tables ?? [], candidates));
  },
  respondWrongly(request, random: Random) {
    const candidates = readCandidates(request) ?? [];
    const read = readQuestion(request);
    const ranking = rankCandidates(read?.parsed.template.tables ?? [], candidates);
    // A plausible slip: the most relevant table swapped with another one.
    if (ranking.length > 1) {
      const other = random.int(1, ranking.length - 1);
      [ranking[0], ranking[other]] = [ranking[other]!, ranking[0]!];
    }
    return renderAnswer(request, ranking);
  },
};
