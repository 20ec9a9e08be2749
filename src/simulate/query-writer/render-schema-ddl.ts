/**
 * Schema text in the two shapes text-to-SQL prompts use: full `CREATE TABLE` DDL (also what builds the
 * database, so the prompt never disagrees with the data) and a compact `table(column, …)` listing.
 */
import type { QuerySchema, QueryTable } from './query-schema.ts';

export function renderTableDdl(table: QueryTable): string {
  const lines = table.columns.map((column) => `  ${column.name} ${column.definition}`);
  for (const column of table.columns) {
    if (column.references !== undefined) lines.push(`  FOREIGN KEY (${column.name}) REFERENCES ${column.references}`);
  }
  return `CREATE TABLE ${table.name} (\n${lines.join(',\n')}\n);`;
}

export function renderSchemaDdl(schema: QuerySchema, tables: readonly QueryTable[] = schema.tables): string {
  return tables.map(renderTableDdl).join('\n\n');
}

/** `customers(id, full_name, email)`, one table a line. */
export function renderCompactSchema(schema: QuerySchema, tables: readonly QueryTable[] = schema.tables): string {
  return tables.map((table) => `${table.name}(${table.columns.map((column) => column.name).join(', ')})`).join('\n');
}
