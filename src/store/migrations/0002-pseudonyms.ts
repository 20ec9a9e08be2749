/**
 * The pseudonym table: for each real value a redactor replaced, in a scope, its replacement, a keyed digest to
 * find it again, and the real value only as AES-256-GCM ciphertext (null for secrets, which are never kept).
 * See `PseudonymTable` in database.ts. Frozen once released, like every migration.
 */
import type { Kysely, Migration } from 'kysely';

export const pseudonymsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('pseudonyms')
      .addColumn('scope', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('digest', 'text', (column) => column.notNull())
      .addColumn('surrogate', 'text', (column) => column.notNull())
      .addColumn('real_ciphertext', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('pseudonyms_primary_key', ['scope', 'digest'])
      .execute();
    await db.schema.createIndex('pseudonyms_scope_surrogate_index').on('pseudonyms').columns(['scope', 'surrogate']).execute();
  },
};
