/**
 * SQL out of a model reply: the first ```sql fence when there is one, else the whole reply, without a
 * trailing semicolon. The agent and the scorer read answers the same way.
 */
export function extractSql(content: string): string {
  const fenced = /```(?:sql|sqlite)?\s*\n([\s\S]*?)```/i.exec(content);
  return (fenced === null ? content : fenced[1]!).trim().replace(/;\s*$/, '');
}
