/**
 * A mirror of the configured providers and models, so reports and the dashboard can show names and prices
 * without reading the config file. The config stays the source of truth: `sync` replaces the mirror whole.
 */
import type { Kysely } from 'kysely';
import type { Database, ModelTable, ProviderTable } from './database.ts';
import { chunk } from './internal/chunk.ts';
import type { ModelRecord, ProviderRecord, ProviderRepository } from './store.ts';

/** Rows per INSERT: 6 bound values each, far under every engine's limit. */
const rowsPerStatement = 200;

export function createProviderRepository(db: Kysely<Database>): ProviderRepository {
  return {
    /**
     * Replaces all providers and models in one transaction, so a reader sees the old set or the new one, never a
     * mix. Every model's `providerName` must be among `providers` (a foreign key enforces it).
     */
    async sync(providers: readonly ProviderRecord[], models: readonly ModelRecord[]): Promise<void> {
      await db.transaction().execute(async (transaction) => {
        await transaction.deleteFrom('models').execute();
        await transaction.deleteFrom('providers').execute();
        for (const rows of chunk(providers.map(toProviderRow), rowsPerStatement)) {
          await transaction.insertInto('providers').values(rows).execute();
        }
        for (const rows of chunk(models.map(toModelRow), rowsPerStatement)) {
          await transaction.insertInto('models').values(rows).execute();
        }
      });
    },

    async listProviders(): Promise<ProviderRecord[]> {
      const rows = await db.selectFrom('providers').selectAll().orderBy('name').execute();
      return rows.map((row) => ({ name: row.name, baseUrl: row.base_url, apiKeyEnv: row.api_key_env, updatedAt: row.updated_at }));
    },

    async listModels(): Promise<ModelRecord[]> {
      const rows = await db.selectFrom('models').selectAll().orderBy('provider_name').orderBy('name').execute();
      return rows.map((row) => ({
        name: row.name,
        providerName: row.provider_name,
        inputPerMillion: row.input_per_million,
        outputPerMillion: row.output_per_million,
        priceSource: row.price_source,
        updatedAt: row.updated_at,
      }));
    },
  };
}

function toProviderRow(provider: ProviderRecord): ProviderTable {
  return { name: provider.name, base_url: provider.baseUrl, api_key_env: provider.apiKeyEnv, updated_at: provider.updatedAt };
}

function toModelRow(model: ModelRecord): ModelTable {
  return {
    provider_name: model.providerName,
    name: model.name,
    input_per_million: model.inputPerMillion,
    output_per_million: model.outputPerMillion,
    price_source: model.priceSource,
    updated_at: model.updatedAt,
  };
}
