/**
 * The prompt skeleton shared by table extraction and table re-ranking: the same system prompt pool and
 * the same user layout, so the tasks differ only in the instruction and whether a candidate list is
 * present — a classifier has to read past the system prompt to tell them apart.
 */
import type { ChatCompletionRequest } from '../../../contracts/chat-completion.ts';
import type { Random } from '../../random.ts';
import type { QuerySchema } from '../query-schema.ts';
import { containsAny, systemText, userText, type SchemaFormat } from './query-prompt.ts';

const personas = [
  'You are the schema-linking step of a text-to-SQL pipeline.',
  'You are a careful data engineer who knows relational schemas well.',
  'You help analysts find their way around a SQLite database.',
  'Act as a senior analytics engineer reviewing which data a question needs.',
  'You are a database assistant that maps questions onto tables.',
] as const;

const contexts = [
  'The database belongs to {domain}.',
  'It stores the data of {domain}.',
  'The data comes from {domain}.',
  'You are looking at the production database of {domain}.',
  'Everything below describes {domain}.',
] as const;

const rules = [
  'Only use table names that exist in the schema.',
  'Never invent tables; stick to the schema you are given.',
  'Answer tersely: no explanations, no SQL.',
  'Do not write the query itself.',
  'Be precise and do not add commentary.',
] as const;

export const candidateHeaders = [
  'Candidate tables:',
  'Tables retrieved by search:',
  'Candidates (unordered):',
  'Retrieved tables:',
  'Possible tables:',
] as const;

export function renderTableSelectionSystem(schema: QuerySchema, random: Random): string {
  return [random.pick(personas), random.pick(contexts).replace('{domain}', schema.domain), random.pick(rules)].join(' ');
}

export function isTableSelectionRequest(request: ChatCompletionRequest): boolean {
  return containsAny(systemText(request), personas);
}

/** `schemaText` then the optional candidate block, the question line and the instruction. */
export function renderTableSelectionUser(parts: {
  schemaText: string;
  candidates?: ReadonlyArray<{ name: string; description: string }>;
  questionLine: string;
  instruction: string;
  random: Random;
}): string {
  const sections = [parts.schemaText];
  if (parts.candidates !== undefined) {
    const list = parts.candidates.map((candidate) => `- ${candidate.name}: ${candidate.description}`).join('\n');
    sections.push(`${parts.random.pick(candidateHeaders)}\n${list}`);
  }
  sections.push(parts.questionLine, parts.instruction);
  return sections.join('\n\n');
}

/** Candidate names listed in a re-ranking request, in listed order; undefined when there is no list. */
export function readCandidates(request: ChatCompletionRequest): string[] | undefined {
  const text = userText(request);
  const header = candidateHeaders.find((candidate) => text.includes(`\n${candidate}\n`) || text.startsWith(`${candidate}\n`));
  if (header === undefined) return undefined;
  const after = text.slice(text.indexOf(`${header}\n`) + header.length + 1);
  const names: string[] = [];
  for (const line of after.split('\n')) {
    const match = /^- (\w+): /.exec(line);
    if (match === null) break;
    names.push(match[1]!);
  }
  return names;
}

export function pickSchemaFormat(random: Random): SchemaFormat {
  return random.chance(0.6) ? 'ddl' : 'compact';
}
