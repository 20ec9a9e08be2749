/**
 * Rows of redaction mappings (see `PseudonymRepository` in store.ts). Plain storage: encryption happens in the
 * pseudonym vault above the store, so no key and no real value in the clear ever reach this layer.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, PseudonymTable } from './database.ts';
import { chunk } from './internal/chunk.ts';
import type { PseudonymRecord, PseudonymRepository } from './store.ts';

function toRecord(row: Selectable<PseudonymTable>): PseudonymRecord {
  return { scope: row.scope, kind: row.kind, digest: row.digest, surrogate: row.surrogate, realCiphertext: row.real_ciphertext, createdAt: Number(row.created_at) };
}

/** Rows per insert statement: six parameters each, well under SQLite's and PostgreSQL's limits. */
const rowsPerStatement = 500;

export function createPseudonymRepository(db: Kysely<Database>): PseudonymRepository {
  return {
    async insertMany(records) {
      if (records.length === 0) return 0;
      let inserted = 0;
      await db.transaction().execute(async (transaction) => {
        for (const part of chunk(records, rowsPerStatement)) {
          const result = await transaction
            .insertInto('pseudonyms')
            .values(part.map((record) => ({
              scope: record.scope,
              kind: record.kind,
              digest: record.digest,
              surrogate: record.surrogate,
              real_ciphertext: record.realCiphertext,
              created_at: record.createdAt,
            })))
            .onConflict((conflict) => conflict.columns(['scope', 'digest']).doNothing())
            .executeTakeFirst();
          inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
        }
      });
      return inserted;
    },

    async listScope(scope) {
      const rows = await db.selectFrom('pseudonyms').selectAll().where('scope', '=', scope).orderBy('created_at', 'asc').execute();
      return rows.map(toRecord);
    },

    async findBySurrogate(scope, surrogate) {
      const rows = await db.selectFrom('pseudonyms').selectAll().where('scope', '=', scope).where('surrogate', '=', surrogate).execute();
      return rows.map(toRecord);
    },

    async findByDigest(scope, digest) {
      const row = await db.selectFrom('pseudonyms').selectAll().where('scope', '=', scope).where('digest', '=', digest).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },
  };
}
