/**
 * Trained artifacts kept by what made them, so the same training is never run twice on one machine: a re-run of
 * `understudy demo`, a loop round that retrains on an unchanged dataset, or a second data directory (a CI test, a
 * user's project) training the same dataset version on the same base. The key is the SHA-256 of the dataset version
 * (itself a content hash of the dataset's files and task), the base model's identity, the backend and the
 * hyper-parameters; the entry lives under the shared cache (`UNDERSTUDY_CACHE_DIR`, else the data directory), in
 * `specialists/<key>/`, with copies of the adapter (GGUF and Hugging Face forms) or the whole micro model, and
 * `entry.json` describing them. A hit registers a new specialist that points at the cached files.
 *
 * Only local backends are cached: a hosted fine-tune lives at its provider, which may delete it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { sharedPromptContextSchema } from '../contracts/shared-prompt-context.ts';
import { cacheDirectory } from '../providers/cache-directory.ts';
import { defaultBaseModel } from '../providers/models/default-base-model.ts';
import type { TrainingArtifacts } from './training-backend.ts';
import type { TrainJobSpec } from './training-job.ts';

/** 2: artifacts carry the prompt context a LoRA was trained without (entries of 1 were trained on whole prompts). */
const entryFormatVersion = 2;
const entryFileName = 'entry.json';

/** What a cache hit gives back: the artifacts (paths inside the cache) and how long the original training took. */
export interface CachedTraining {
  key: string;
  directory: string;
  artifacts: TrainingArtifacts;
  /** Seconds the training that produced these artifacts took (not spent again on a hit). */
  trainSeconds: number;
  createdAt: string;
}

const entrySchema = z.object({
  formatVersion: z.literal(entryFormatVersion),
  key: z.string(),
  createdAt: z.string(),
  trainSeconds: z.number(),
  /** Paths relative to the entry's directory (so a cache directory can move). */
  artifacts: z.object({
    backend: z.enum(['lora', 'micro', 'hosted']),
    baseModel: z.string(),
    adapterPath: z.string().nullable(),
    adapterHfDir: z.string().nullable(),
    modelPath: z.string().nullable(),
    steps: z.number(),
    promptContext: sharedPromptContextSchema.nullable(),
    lossCurve: z.array(z.object({ step: z.number(), loss: z.number() })),
    metrics: z.record(z.string(), z.number().nullable()),
  }),
});

/** True for the backends whose artifacts are local files (worth keeping). */
export function isCacheableBackend(backend: TrainJobSpec['backend']): boolean {
  return backend === 'lora' || backend === 'micro';
}

/**
 * The cache key of a training job. The base is identified by file name and size, not path, so the embedded
 * default and an explicit path to the same GGUF (as tests pass it) share entries.
 */
export function trainingCacheKey(spec: Pick<TrainJobSpec, 'datasetVersion' | 'base' | 'backend' | 'hyperparameters'>): string {
  const identity = {
    formatVersion: entryFormatVersion,
    datasetVersion: spec.datasetVersion,
    base: baseIdentity(spec.base, spec.backend),
    backend: spec.backend,
    hyperparameters: sortedKeys(spec.hyperparameters),
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

export function trainingCacheDirectory(dataDir: string): string {
  return path.join(cacheDirectory(dataDir), 'specialists');
}

/** The cached training for `key`, or null when there is none (or its files are gone or unreadable). */
export async function findCachedTraining(dataDir: string, key: string): Promise<CachedTraining | null> {
  const directory = path.join(trainingCacheDirectory(dataDir), key);
  let raw: string;
  try {
    raw = await readFile(path.join(directory, entryFileName), 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = entrySchema.safeParse(json);
  if (!parsed.success || parsed.data.key !== key) return null;
  const entry = parsed.data;
  const inside = (relative: string | null) => (relative === null ? null : path.join(directory, relative));
  const artifacts: TrainingArtifacts = {
    ...entry.artifacts,
    adapterPath: inside(entry.artifacts.adapterPath),
    adapterHfDir: inside(entry.artifacts.adapterHfDir),
    modelPath: inside(entry.artifacts.modelPath),
  };
  for (const file of [artifacts.adapterPath, artifacts.adapterHfDir, artifacts.modelPath]) {
    if (file !== null && !existsSync(file)) return null;
  }
  return { key, directory, artifacts, trainSeconds: entry.trainSeconds, createdAt: entry.createdAt };
}

/**
 * Copies a finished training's files into the cache under `key` (atomically: a half-written entry is never
 * found). An existing entry for the key is kept. Returns the entry as a later hit would see it.
 */
export async function storeCachedTraining(dataDir: string, key: string, artifacts: TrainingArtifacts, trainSeconds: number): Promise<CachedTraining> {
  const existing = await findCachedTraining(dataDir, key);
  if (existing !== null) return existing;
  const root = trainingCacheDirectory(dataDir);
  const directory = path.join(root, key);
  const staging = path.join(root, `.${key}.${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    const copy = async (source: string | null, name: string): Promise<string | null> => {
      if (source === null) return null;
      await cp(source, path.join(staging, name), { recursive: true });
      return name;
    };
    const relative = {
      adapterPath: await copy(artifacts.adapterPath, 'adapter.gguf'),
      adapterHfDir: await copy(artifacts.adapterHfDir, 'adapter'),
      modelPath: await copy(artifacts.modelPath, path.basename(artifacts.modelPath ?? 'model.gguf')),
    };
    const createdAt = new Date().toISOString();
    const entry: z.infer<typeof entrySchema> = {
      formatVersion: entryFormatVersion,
      key,
      createdAt,
      trainSeconds,
      artifacts: {
        backend: artifacts.backend,
        baseModel: artifacts.baseModel,
        ...relative,
        steps: artifacts.steps,
        promptContext: artifacts.promptContext ?? null,
        lossCurve: artifacts.lossCurve,
        metrics: artifacts.metrics,
      },
    };
    await writeFile(path.join(staging, entryFileName), `${JSON.stringify(entry, null, 2)}\n`);
    try {
      await rename(staging, directory);
    } catch (error) {
      // Another worker stored the same key first: theirs is as good as ours.
      if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const stored = await findCachedTraining(dataDir, key);
  if (stored === null) throw new Error(`The training cache entry ${directory} could not be read back.`);
  return stored;
}

function baseIdentity(base: string, backend: TrainJobSpec['backend']): string {
  if (backend === 'micro') return 'none';
  if (base === 'default') return `file:${defaultBaseModel.fileName}:${defaultBaseModel.sizeBytes}`;
  if (existsSync(base)) {
    const stats = statSync(base);
    if (stats.isFile()) return `file:${path.basename(base)}:${stats.size}`;
  }
  return `name:${base}`;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)).map(([key, inner]) => [key, sortedKeys(inner)]));
  }
  return value;
}
