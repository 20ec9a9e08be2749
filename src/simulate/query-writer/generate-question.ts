/**
 * Draws a natural-language question about a filled database, with its gold SQL. Parameters come from
 * the rows themselves, so every question names real values and has a non-empty answer.
 */
import type Database from 'better-sqlite3';
import type { Random } from '../random.ts';
import type { QuerySchema, QuestionParameters, QuestionTemplate } from './query-schema.ts';

export interface GeneratedQuestion {
  template: QuestionTemplate;
  parameters: QuestionParameters;
  text: string;
  goldSql: string;
}

export function fillPhrasing(phrasing: string, parameters: QuestionParameters): string {
  return phrasing.replace(/\{(\w+)\}/g, (_slot, name: string) => {
    const value = parameters[name];
    if (value === undefined) throw new Error(`phrasing slot {${name}} has no parameter`);
    return value;
  });
}

export function generateQuestion(schema: QuerySchema, database: Database.Database, random: Random): GeneratedQuestion {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const template = random.pick(schema.questions);
    const parameters = template.drawParameters(database, random);
    if (parameters === undefined) continue;
    const phrasing = random.pick(template.phrasings);
    return { template, parameters, text: fillPhrasing(phrasing, parameters), goldSql: template.goldSql(parameters) };
  }
  throw new Error(`no question could be drawn for schema ${schema.id}`);
}
