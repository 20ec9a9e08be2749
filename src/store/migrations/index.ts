/**
 * Every migration, in order. Migrations live in code (not discovered on disk) so they ship inside the package and
 * run the same under tsx, a bundler or a compiled build. Names sort in the order they must run; Kysely refuses to
 * run a database whose applied migrations this list does not know.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './0001-initial.ts';
import { pseudonymsMigration } from './0002-pseudonyms.ts';
import { jobsAndSpecialistsMigration } from './0003-jobs-and-specialists.ts';
import { routingMigration } from './0004-routing.ts';
import { evaluationsMigration } from './0005-evaluations.ts';
import { apiKeyLimitsMigration } from './0006-api-key-limits.ts';
import { dataDeletionMigration } from './0007-data-deletion.ts';
import { discoveredTaskMigration } from './0008-discovered-task.ts';
import { specialistPromptContextMigration } from './0009-specialist-prompt-context.ts';

export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial': initialMigration,
  '0002-pseudonyms': pseudonymsMigration,
  '0003-jobs-and-specialists': jobsAndSpecialistsMigration,
  '0004-routing': routingMigration,
  '0005-evaluations': evaluationsMigration,
  '0006-api-key-limits': apiKeyLimitsMigration,
  '0007-data-deletion': dataDeletionMigration,
  '0008-discovered-task': discoveredTaskMigration,
  '0009-specialist-prompt-context': specialistPromptContextMigration,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return { ...migrations };
  },
};
