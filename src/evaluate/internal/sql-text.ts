/** Reading SQL out of an answer and looking at it as text (no parser: these are heuristics, documented as such). */

const fence = /```[ \t]*(?:sql|sqlite|postgresql|postgres|mysql)?[ \t]*\r?\n([\s\S]*?)```/iu;

/** The SQL in an answer: the first fenced block (```sql … ```) when there is one, else the whole text; trimmed. */
export function extractSql(text: string): string {
  const match = fence.exec(text);
  return (match ? match[1]! : text).trim();
}

/** Whitespace collapsed, trailing semicolons dropped: the text-only comparison used when no database is at hand. */
export function normaliseSqlText(sql: string): string {
  return sql.normalize('NFC').replace(/\s+/gu, ' ').replace(/[\s;]+$/u, '').trim();
}

/**
 * Whether the query asks for an order: ORDER BY anywhere outside string literals and comments. One inside a
 * subquery also counts — that only makes the comparison stricter (ordered), never lets a wrong order pass.
 */
export function hasOrderBy(sql: string): boolean {
  const code = sql
    .replace(/'(?:[^']|'')*'/gu, "''")
    .replace(/--[^\n]*/gu, ' ')
    .replace(/\/\*[\s\S]*?\*\//gu, ' ');
  return /\border\s+by\b/iu.test(code);
}

/** Looks like a query: starts with SELECT or WITH, or holds a ```sql fence. */
export function looksLikeSql(text: string): boolean {
  return /```[ \t]*sql\b/iu.test(text) || /^\s*(?:select|with)\b/iu.test(text);
}
