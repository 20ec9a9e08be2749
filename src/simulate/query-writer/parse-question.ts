/**
 * The teacher's reading of a question: match it against the schema's known wordings and recover the
 * template and its parameter values — the part of "understanding" a real model does, restricted to text
 * the generator guarantees.
 */
import type { QuerySchema, QuestionParameters, QuestionTemplate } from './query-schema.ts';

export interface ParsedQuestion {
  template: QuestionTemplate;
  parameters: QuestionParameters;
}

const integerSlots = new Set(['n', 'limit', 'threshold', 'year']);
const dateSlots = new Set(['start', 'end']);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const compiled = new Map<string, RegExp>();

function phrasingPattern(phrasing: string): RegExp {
  const cached = compiled.get(phrasing);
  if (cached !== undefined) return cached;
  const parts = phrasing.split(/(\{\w+\})/);
  const source = parts
    .map((part) => {
      const slot = /^\{(\w+)\}$/.exec(part);
      if (slot === null) return escapeRegExp(part);
      const name = slot[1]!;
      if (integerSlots.has(name)) return `(?<${name}>\\d+)`;
      if (dateSlots.has(name)) return `(?<${name}>\\d{4}-\\d{2}-\\d{2})`;
      return `(?<${name}>.+?)`;
    })
    .join('');
  const pattern = new RegExp(`^${source}$`);
  compiled.set(phrasing, pattern);
  return pattern;
}

/** The template and parameters of a question, or undefined when no known wording matches. */
export function parseQuestion(schema: QuerySchema, question: string): ParsedQuestion | undefined {
  const text = question.trim();
  for (const template of schema.questions) {
    for (const phrasing of template.phrasings) {
      const match = phrasingPattern(phrasing).exec(text);
      if (match?.groups !== undefined) return { template, parameters: { ...match.groups } };
    }
  }
  return undefined;
}

/** How many (template, phrasing) pairs match; the generator guarantees exactly one. Used by tests. */
export function countQuestionMatches(schema: QuerySchema, question: string): number {
  let count = 0;
  for (const template of schema.questions) {
    for (const phrasing of template.phrasings) if (phrasingPattern(phrasing).test(question.trim())) count += 1;
  }
  return count;
}
