/**
 * How deep a parsed JSON value nests, counted without recursion: JSON.parse accepts any depth, but recursive
 * code after it (canonical hashing, schema checks, serialisers) overflows the stack a few thousand levels down.
 * Importers refuse values deeper than `maxImportNesting` before anything recursive sees them.
 */

/** Far beyond any real chat request or JSON schema, far below where recursion overflows. */
export const maxImportNesting = 256;

/** True when `value` has arrays or objects nested more than `limit` levels deep. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const member of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof member === 'object' && member !== null) pending.push({ value: member, depth: depth + 1 });
    }
  }
  return false;
}
