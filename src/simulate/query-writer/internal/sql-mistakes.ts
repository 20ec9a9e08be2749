/**
 * Plausible mistakes in a query, as string edits on the generator's one-line SQL. `breakSql` makes a
 * query that fails to run (a misspelt column, a table that does not exist, a dropped join); `distortSql`
 * makes one that runs but answers a different question (off-by-one range, wrong aggregate, lost filter).
 */
import type { Random } from '../../random.ts';

export type BreakKind = 'misspelt-column' | 'wrong-table' | 'missing-join';

function misspell(word: string): string {
  const vowel = word.slice(1).search(/[aeiou]/);
  if (vowel !== -1) return word.slice(0, vowel + 1) + word.slice(vowel + 2);
  return `${word}s`;
}

function singular(table: string): string {
  if (table.endsWith('ies')) return `${table.slice(0, -3)}y`;
  return table.endsWith('s') ? table.slice(0, -1) : `${table}s`;
}

/** The edit for one kind of breakage, or undefined when the query has nothing it could apply to. */
export function breakSql(sql: string, kind: BreakKind, random: Random): string | undefined {
  if (kind === 'misspelt-column') {
    const references = [...sql.matchAll(/\b(\w+)\.(\w+)\b/g)].filter((match) => match[2] !== 'id');
    if (references.length === 0) return undefined;
    const reference = random.pick(references);
    return sql.replaceAll(reference[0], `${reference[1]!}.${misspell(reference[2]!)}`);
  }
  if (kind === 'wrong-table') {
    const tables = [...new Set([...sql.matchAll(/\b(?:FROM|JOIN) (\w+)/g)].map((match) => match[1]!))];
    if (tables.length === 0) return undefined;
    const table = random.pick(tables);
    return sql.replace(new RegExp(`\\b(FROM|JOIN) ${table}\\b`), `$1 ${singular(table)}`);
  }
  const joins = [...sql.matchAll(/ JOIN \w+ ON \w+\.\w+ = \w+\.\w+/g)];
  if (joins.length === 0) return undefined;
  return sql.replace(random.pick(joins)[0], '');
}

export const breakKinds: readonly BreakKind[] = ['misspelt-column', 'wrong-table', 'missing-join'];

type Distortion = (sql: string) => string | undefined;

const distortions: readonly Distortion[] = [
  // Off by one on a limit.
  (sql) => sql.replace(/LIMIT (\d+)$/, (_match, count: string) => `LIMIT ${Number(count) + 1}`),
  // Wrong aggregate.
  (sql) => sql.replace(/\bSUM\(/, 'AVG('),
  (sql) => sql.replace(/\bAVG\(/, 'SUM('),
  (sql) => sql.replace(/COUNT\(DISTINCT /, 'COUNT('),
  // HAVING forgotten: every group comes back.
  (sql) => sql.replace(/ HAVING [^]*$/, ''),
  // Exclusive instead of inclusive range.
  (sql) => sql.replace(/(\w+\.\w+) BETWEEN ('[^']*') AND ('[^']*')/, '$1 > $2 AND $1 < $3'),
  // Year off by one.
  (sql) => sql.replace(/'(\d{4})(-01-01)?'/, (_match, year: string, suffix: string | undefined) => `'${Number(year) + 1}${suffix ?? ''}'`),
  // Negated equality filter.
  (sql) => sql.replace(/ = ('(?:[^']|'')*')/, ' <> $1'),
];

/** A query that still runs but answers something else; undefined when no distortion applies. */
export function distortSql(sql: string, random: Random): string | undefined {
  for (const distortion of random.shuffle(distortions)) {
    const distorted = distortion(sql);
    if (distorted !== undefined && distorted !== sql) return distorted;
  }
  return undefined;
}
