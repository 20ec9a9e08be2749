/**
 * The user-message body write-sql and fix-sql share: schema (DDL with sample rows of the tables the agent
 * picked, or the compact listing), an optional table hint, and the question.
 */
import type { QueryCallInput } from './query-call-input.ts';
import { renderQuestionLine, renderSchemaSection, type PlantedValue } from './query-prompt.ts';
import { tableHintLabels } from './sql-writer-prompt.ts';

export function renderSqlRequestBody(input: QueryCallInput, tableHint: readonly string[] | undefined): { sections: string[]; planted: PlantedValue[] } {
  const { random, schema, question } = input;
  const format = random.chance(0.8) ? 'ddl' : 'compact';
  const schemaSection = renderSchemaSection(schema, random, {
    format,
    database: input.database,
    sampleRowsFor: random.chance(0.6) ? (tableHint ?? question.template.tables) : [],
  });
  const planted = [...schemaSection.planted];
  for (const [name, kind] of Object.entries(question.template.piiParameters ?? {})) {
    const value = question.parameters[name];
    if (value !== undefined) planted.push({ kind, value });
  }
  const sections = [schemaSection.text];
  if (tableHint !== undefined && tableHint.length > 0) sections.push(`${random.pick(tableHintLabels)} ${tableHint.join(', ')}`);
  sections.push(renderQuestionLine(question.text, random));
  return { sections, planted };
}
