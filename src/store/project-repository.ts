/**
 * Projects: the tenant every call and API key belongs to. Created on demand, never renamed by `ensure`.
 */
import type { Kysely } from 'kysely';
import type { Database, ProjectTable } from './database.ts';
import type { ProjectRecord, ProjectRepository } from './store.ts';

export function createProjectRepository(db: Kysely<Database>): ProjectRepository {
  return {
    /**
     * Returns the project, creating it (named `name`, else its id) when missing. An existing project keeps its
     * name: `ensure` runs on every key creation and must not undo a rename made elsewhere.
     */
    async ensure(id: string, name?: string): Promise<ProjectRecord> {
      await db
        .insertInto('projects')
        .values({ id, name: name ?? id, created_at: Date.now() })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute();
      const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return fromProjectRow(row);
    },

    async list(): Promise<ProjectRecord[]> {
      const rows = await db.selectFrom('projects').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(fromProjectRow);
    },
  };
}

function fromProjectRow(row: ProjectTable): ProjectRecord {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}
