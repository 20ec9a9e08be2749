/**
 * The derived-data half of a deletion (docs/data-protection.md): the datasets that may hold examples of deleted
 * calls are deleted from disk, with their pseudonym scope; the specialists trained on them are retired, their
 * adapters, training directories, cached trainings and evaluations deleted, and the routes serving them switched
 * off. The next loop round trains again from what remains.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeletedCalls, SpecialistRecord, Store } from '../../store/store.ts';
import { datasetManifestSchema, datasetVersionPattern, type DatasetManifest } from '../dataset/dataset-manifest.ts';
import { latestFileName, manifestFileName } from '../dataset/internal/dataset-paths.ts';
import { readDatasetSources } from '../dataset/internal/dataset-sources.ts';

export interface RemovedDataset {
  task: string;
  version: string;
  dir: string;
  /** `provenance`: its sources.json names a deleted call; `no-provenance`: built without one, of an affected task. */
  because: 'provenance' | 'no-provenance';
}

export interface DerivedDataRemoval {
  datasets: RemovedDataset[];
  /** Specialists trained on a deleted dataset version (retired now, or already). */
  specialists: string[];
  /** Tasks whose route served one of them and is now `off`. */
  routesSwitchedOff: string[];
  evaluations: number;
  /** Pseudonym rows of the deleted datasets' scopes (`dataset:<task>`). */
  pseudonyms: number;
  /** Files deleted from disk: dataset files, adapters, training directories, cache entries. */
  filesRemoved: number;
}

export interface RemoveDerivedDataOptions {
  store: Store;
  dataDir: string;
  deleted: DeletedCalls;
  datasetDirs: readonly string[];
  /** The shared cache root; training-cache entries are in `<cacheDir>/specialists/`. */
  cacheDir: string;
  now: number;
}

export async function removeDerivedData(options: RemoveDerivedDataOptions): Promise<DerivedDataRemoval> {
  const removal: DerivedDataRemoval = { datasets: [], specialists: [], routesSwitchedOff: [], evaluations: 0, pseudonyms: 0, filesRemoved: 0 };
  if (options.deleted.calls === 0) return removal;
  const deletedIds = new Set(options.deleted.callIds);
  const affectedTasks = new Set(options.deleted.tasks);
  // A deleted call with no task may have been in any discovered task's dataset: datasets without provenance go.
  const anyTaskAffected = options.deleted.untaggedCalls > 0;

  for (const root of options.datasetDirs) {
    for (const taskDir of await listDirectories(root)) {
      const versions: Array<{ dir: string; manifest: DatasetManifest }> = [];
      for (const versionDir of await listDirectories(taskDir)) {
        if (!datasetVersionPattern.test(path.basename(versionDir))) continue;
        const manifest = await readManifest(versionDir);
        if (manifest !== null) versions.push({ dir: versionDir, manifest });
      }
      const removedHere: string[] = [];
      for (const { dir, manifest } of versions) {
        const sources = await readDatasetSources(dir);
        const because = sources !== null ? (sources.some((id) => deletedIds.has(id)) ? 'provenance' : null) : affectedTasks.has(manifest.task) || anyTaskAffected ? 'no-provenance' : null;
        if (because === null) continue;
        removal.filesRemoved += await removePath(dir);
        removal.datasets.push({ task: manifest.task, version: manifest.version, dir, because });
        removedHere.push(manifest.version);
      }
      if (removedHere.length > 0) await repointLatest(taskDir, versions.filter((entry) => !removedHere.includes(entry.manifest.version)));
    }
  }
  for (const task of new Set(removal.datasets.map((dataset) => dataset.task))) {
    removal.pseudonyms += await options.store.data.deletePseudonyms(`dataset:${task}`);
  }

  const removedVersions = new Set(removal.datasets.map((dataset) => dataset.version));
  if (removedVersions.size === 0) return removal;
  const trained = (await options.store.specialists.list({ includeRetired: true })).filter(
    (specialist) => specialist.datasetVersion !== null && removedVersions.has(specialist.datasetVersion),
  );
  if (trained.length === 0) return removal;
  const retiredIds = new Set(trained.map((specialist) => specialist.id));
  for (const route of await options.store.routes.list()) {
    if (route.specialistId === null || !retiredIds.has(route.specialistId) || route.mode === 'off') continue;
    const reason = `deletion: specialist ${route.specialistId} was trained on a deleted dataset`;
    await options.store.routes.put({ ...route, mode: 'off', specialistId: null, updatedAt: options.now, reason }, { actor: 'deletion', reason });
    removal.routesSwitchedOff.push(route.task);
  }
  for (const specialist of trained) {
    if (specialist.status !== 'retired') await options.store.specialists.setStatus(specialist.id, 'retired');
    removal.specialists.push(specialist.id);
  }
  removal.evaluations = await options.store.data.deleteEvaluations([...retiredIds]);
  removal.filesRemoved += await removeTrainedFiles(trained, options);
  return removal;
}

/** Adapters, trained models, training directories and the training-cache entries that hold copies of them. */
async function removeTrainedFiles(trained: readonly SpecialistRecord[], options: RemoveDerivedDataOptions): Promise<number> {
  const trainingRoot = path.resolve(options.dataDir, 'training');
  const cacheRoot = path.resolve(options.cacheDir, 'specialists');
  const artifactPaths: string[] = [];
  for (const specialist of trained) {
    for (const candidate of [specialist.adapterPath, specialist.adapterHfDir]) if (candidate !== null) artifactPaths.push(path.resolve(candidate));
    // A model trained whole (micro) is its own base: delete it only where training put it.
    const base = path.resolve(specialist.baseModel);
    if (isInside(base, trainingRoot) || isInside(base, cacheRoot)) artifactPaths.push(base);
  }
  // A fresh training copies its artifacts into the cache; a cache hit points the specialist into the cache.
  // Either way the entry holds the same bytes: find entries by the artifacts' hashes before deleting them.
  const artifactHashes = new Set<string>();
  const artifactSizes = new Set<number>();
  for (const artifact of artifactPaths) {
    const stats = await lstat(artifact).catch(() => null);
    if (stats?.isFile() !== true) continue;
    artifactSizes.add(stats.size);
    artifactHashes.add(await hashFile(artifact));
  }
  let removed = 0;
  for (const entryDir of await listDirectories(cacheRoot)) {
    if (artifactPaths.some((artifact) => isInside(artifact, entryDir)) || (await holdsAnyOf(entryDir, artifactSizes, artifactHashes))) {
      removed += await removePath(entryDir);
    }
  }
  for (const artifact of artifactPaths) removed += await removePath(artifact);
  for (const specialist of trained) {
    if (specialist.jobId !== null) removed += await removePath(path.join(trainingRoot, specialist.jobId));
  }
  return removed;
}

async function holdsAnyOf(directory: string, sizes: ReadonlySet<number>, hashes: ReadonlySet<string>): Promise<boolean> {
  if (hashes.size === 0) return false;
  for (const entry of await readdir(directory, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    const file = path.join(directory, entry.name);
    const stats = await lstat(file).catch(() => null);
    if (stats !== null && sizes.has(stats.size) && hashes.has(await hashFile(file))) return true;
  }
  return false;
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (data) => hash.update(data))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Subdirectories (not hidden ones: temporary writes) of a directory; none when it does not exist. */
async function listDirectories(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => path.join(directory, entry.name));
}

async function readManifest(versionDir: string): Promise<DatasetManifest | null> {
  try {
    const parsed = datasetManifestSchema.safeParse(JSON.parse(await readFile(path.join(versionDir, manifestFileName), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Points `latest` at the newest remaining version, or removes it (and an emptied task directory). */
async function repointLatest(taskDir: string, remaining: ReadonlyArray<{ manifest: DatasetManifest }>): Promise<void> {
  const latestPath = path.join(taskDir, latestFileName);
  const newest = [...remaining].sort((left, right) => right.manifest.createdAt.localeCompare(left.manifest.createdAt))[0];
  if (newest === undefined) {
    await rm(latestPath, { force: true });
    if ((await readdir(taskDir).catch(() => ['?'])).length === 0) await rm(taskDir, { recursive: true, force: true });
    return;
  }
  const temporaryPath = path.join(taskDir, `.${latestFileName}-${process.pid}-${Date.now()}`);
  await writeFile(temporaryPath, `${newest.manifest.version}\n`, 'utf8');
  await rename(temporaryPath, latestPath);
}

/** Deletes a file or a directory tree; returns how many files it held (0 when it did not exist). */
async function removePath(target: string): Promise<number> {
  const stats = await lstat(target).catch(() => null);
  if (stats === null) return 0;
  const files = stats.isDirectory() ? await countFiles(target) : 1;
  await rm(target, { recursive: true, force: true });
  return files;
}

async function countFiles(directory: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    count += entry.isDirectory() ? await countFiles(path.join(directory, entry.name)) : 1;
  }
  return count;
}
