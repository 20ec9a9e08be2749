/**
 * What an episode knows when it builds a call: the database, its id (for the scorer) and the question with
 * its gold SQL.
 */
import type Database from 'better-sqlite3';
import type { Random } from '../../random.ts';
import type { DataSplit } from '../../simulated-task.ts';
import type { GeneratedQuestion } from '../generate-question.ts';
import type { QuerySchema } from '../query-schema.ts';

export interface QueryCallInput {
  schema: QuerySchema;
  database: Database.Database;
  databaseId: string;
  split: DataSplit;
  question: GeneratedQuestion;
  random: Random;
  /** Model name the agent is configured with. */
  model: string;
}
