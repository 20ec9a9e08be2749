/**
 * Prompt pieces every query-writer task shares: how the schema and the question are written into a
 * request, and how the teacher reads them back. Keeping both directions in one file keeps them in step.
 */
import type Database from 'better-sqlite3';
import type { ChatCompletionRequest, ChatMessage } from '../../../contracts/chat-completion.ts';
import type { Random } from '../../random.ts';
import type { PlantedValue } from '../../world/index.ts';
import type { QuerySchema, QueryTable } from '../query-schema.ts';
import { querySchemas } from '../query-schemas.ts';
import { renderCompactSchema, renderTableDdl } from '../render-schema-ddl.ts';

/** A personal-data value written into a prompt, located afterwards to build the PII spans. */
export type { PlantedValue } from '../../world/index.ts';

export const schemaIntroductions = [
  'Database schema:',
  'Here is the SQLite schema you are working with:',
  'The tables available are:',
  'Schema (SQLite):',
  'You have access to the following tables:',
] as const;

export const questionLabels = ['Question:', 'User question:', 'Request:', 'Business question:', 'Q:'] as const;

export function messageContent(message: ChatMessage | undefined): string {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
  }
  return '';
}

export function systemText(request: ChatCompletionRequest): string {
  return messageContent(request.messages.find((message) => message.role === 'system'));
}

/** The last user message: the one carrying this call's payload. */
export function userText(request: ChatCompletionRequest): string {
  const users = request.messages.filter((message) => message.role === 'user');
  return messageContent(users[users.length - 1]);
}

/** Every user message, in order: conversations spread the schema, examples and question over several. */
export function allUserText(request: ChatCompletionRequest): string {
  return request.messages
    .filter((message) => message.role === 'user')
    .map(messageContent)
    .join('\n\n');
}

/** The content of the last assistant message (a conversation's previous answer), if any. */
export function lastAssistantText(request: ChatCompletionRequest): string | undefined {
  const assistants = request.messages.filter((message) => message.role === 'assistant');
  return assistants.length === 0 ? undefined : messageContent(assistants[assistants.length - 1]);
}

export type SchemaFormat = 'ddl' | 'compact';

/**
 * Renders the schema block. Sample rows (the "3 example rows" comments of common text-to-SQL prompts) make
 * payloads realistic and carry personal data; their PII values are returned for span tracking.
 */
export function renderSchemaSection(
  schema: QuerySchema,
  random: Random,
  options: { format: SchemaFormat; sampleRowsFor?: readonly string[]; database?: Database.Database },
): { text: string; planted: PlantedValue[] } {
  const planted: PlantedValue[] = [];
  if (options.format === 'compact') {
    return { text: `${random.pick(schemaIntroductions)}\n${renderCompactSchema(schema)}`, planted };
  }
  const blocks = schema.tables.map((table) => {
    const ddl = renderTableDdl(table);
    if (options.database === undefined || !(options.sampleRowsFor ?? []).includes(table.name)) return ddl;
    return `${ddl}\n${renderSampleRows(table, options.database, random, planted)}`;
  });
  return { text: `${random.pick(schemaIntroductions)}\n${blocks.join('\n\n')}`, planted };
}

function renderSampleRows(table: QueryTable, database: Database.Database, random: Random, planted: PlantedValue[]): string {
  const rowCount = random.int(2, 3);
  const total = Number(database.prepare(`SELECT COUNT(*) FROM ${table.name}`).pluck().get());
  const offset = random.int(0, Math.max(0, total - rowCount));
  const rows = database.prepare(`SELECT * FROM ${table.name} LIMIT ? OFFSET ?`).raw().all(rowCount, offset) as unknown[][];
  const lines = rows.map((row) =>
    row
      .map((cell, index) => {
        const column = table.columns[index];
        if (column?.pii !== undefined) planted.push({ kind: column.pii, value: String(cell) });
        return String(cell);
      })
      .join(' | '),
  );
  const header = table.columns.map((column) => column.name).join(' | ');
  return `/*\n${rows.length} example rows from ${table.name}:\n${header}\n${lines.join('\n')}\n*/`;
}

/** The schema the prompt shows, told by its table names (each table name belongs to one schema). */
export function identifySchema(text: string): QuerySchema | undefined {
  const names = new Set<string>();
  for (const match of text.matchAll(/CREATE TABLE (\w+) \(/g)) names.add(match[1]!);
  for (const match of text.matchAll(/^(\w+)\([\w, ]+\)$/gm)) names.add(match[1]!);
  let best: QuerySchema | undefined;
  let bestCount = 0;
  for (const schema of querySchemas) {
    const count = schema.tables.filter((table) => names.has(table.name)).length;
    if (count > bestCount) {
      best = schema;
      bestCount = count;
    }
  }
  return best;
}

export function renderQuestionLine(question: string, random: Random): string {
  return `${random.pick(questionLabels)} ${question}`;
}

/**
 * The text after the last question label; the generator keeps questions on one line. The last one is this
 * call's question: few-shot examples come before it.
 */
export function extractQuestion(text: string): string | undefined {
  let question: string | undefined;
  for (const line of text.split('\n')) {
    const label = questionLabels.find((candidate) => line.startsWith(`${candidate} `));
    if (label !== undefined) question = line.slice(label.length + 1).trim();
  }
  return question;
}

/** Whether `text` contains any of the phrases. */
export function containsAny(text: string, phrases: readonly string[]): boolean {
  return phrases.some((phrase) => text.includes(phrase));
}
