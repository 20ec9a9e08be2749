/**
 * One real trained specialist for every test suite that needs one: a LoRA on SmolLM2-135M-Instruct for the
 * support agent's contact extraction, trained by the real worker from a dataset built the way `dataset build`
 * builds it (simulated calls, surrogate redaction, value-disjoint split). It is built once per cache directory
 * — once per CI run, whose clean clone starts with an empty `.understudy` — under a cross-process lock, and
 * every later suite (and every later local run) gets the same files back in milliseconds. Suites that test
 * training itself train their own; suites that test what is done *with* a specialist (evaluate, route, select)
 * take this one instead of the untrained base.
 *
 * Inputs are fixed (simulator seed, redaction key, hyper-parameters), so the dataset version and the adapter's
 * key are the same on every machine; a change to any of them (or to the format below) builds a new entry.
 *
 * @example
 * const shared = await sharedTestSpecialist();
 * if (shared.verdict === 'missing') return t.skip(shared.reason);
 * await store.specialists.register(shared.record({ id: 'sp_test' }));
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../../contracts/canonical-json.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import { sharedPromptContextSchema, type SharedPromptContext } from '../../contracts/shared-prompt-context.ts';
import { buildDataset } from '../../curate/dataset/build-dataset.ts';
import { createRedactor } from '../../curate/redact/create-redactor.ts';
import { createSimulatedTraffic } from '../../discover/report/internal/simulated-call-records.ts';
import { withCrossProcessLock } from '../../providers/cross-process-lock.ts';
import { locateSmolLm2 } from '../../providers/engines/internal/llama-test-models.ts';
import { simulatedAgents } from '../../simulate/driver/simulated-agents.ts';
import type { SpecialistRecord } from '../../store/store.ts';
import { prepareTrainingEnvironment, trainLoraAdapter, type LoraHyperparameters } from '../backends/peft-lora-trainer.ts';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const formatVersion = 1;
const task = 'support/extract-contact';
const episodes = 300;
const seed = 'shared-test-specialist';
/** A few CPU steps: enough to beat the base clearly on the task's JSON, short enough for CI (~2–3 minutes). */
const hyperparameters: Partial<LoraHyperparameters> = { rank: 8, alpha: 16, learningRate: 3e-3, maxSteps: 24, batchSize: 1, gradientAccumulationSteps: 4, warmupSteps: 1, seed: 0, checkpointEverySteps: 1000 };

const entrySchema = z.object({
  formatVersion: z.literal(formatVersion),
  task: z.string(),
  datasetDir: z.string(),
  datasetVersion: z.string(),
  adapterPath: z.string(),
  promptContext: sharedPromptContextSchema,
  trainSeconds: z.number(),
  firstLoss: z.number(),
  lastLoss: z.number(),
});

export interface SharedTestSpecialist {
  verdict: 'found';
  task: string;
  /** The dataset it was trained on (train / validation / test splits). */
  datasetDir: string;
  datasetVersion: string;
  baseModelPath: string;
  adapterPath: string;
  promptContext: SharedPromptContext;
  /** Seconds the one training took (not spent again on reuse). */
  trainSeconds: number;
  firstLoss: number;
  lastLoss: number;
  /** True when this call found it built (by an earlier suite or run). */
  reused: boolean;
  /** A store row for it, ready to register. */
  record(overrides: { id: string; name?: string }): SpecialistRecord;
}

export type SharedTestSpecialistLocation = SharedTestSpecialist | { verdict: 'missing'; reason: string };

/** The shared specialist, trained now if no suite has yet; `missing` (a reason to skip) without the model or torch. */
export async function sharedTestSpecialist(options: { onProgress?: (line: string) => void } = {}): Promise<SharedTestSpecialistLocation> {
  const located = await locateSmolLm2();
  if (located.verdict !== 'found') return located;
  const dataDir = path.join(repositoryRoot, '.understudy');
  try {
    await prepareTrainingEnvironment({ dataDir });
  } catch (error) {
    if (error instanceof UnderstudyError && (error.code === 'system_dependency_missing' || error.code === 'upstream_unreachable')) return { verdict: 'missing', reason: error.message.split('\n')[0]! };
    throw error;
  }
  const base = await stat(located.modelPath);
  const key = sha256Hex(canonicalJson({ formatVersion, task, episodes, seed, hyperparameters, base: { name: path.basename(located.modelPath), bytes: base.size } })).slice(0, 24);
  const directory = path.join(dataDir, 'test-specialists', key);
  const entryPath = path.join(directory, 'entry.json');
  let reused = true;
  const entry = await withCrossProcessLock(`${directory}.lock`, async () => {
    const found = await readEntry(entryPath);
    if (found !== null) return found;
    reused = false;
    await rm(directory, { recursive: true, force: true });
    await mkdir(directory, { recursive: true });
    const built = await buildAndTrain(dataDir, directory, located.modelPath, options.onProgress);
    await writeFile(entryPath, `${JSON.stringify(built, null, 2)}\n`);
    return built;
  });
  return {
    verdict: 'found',
    task: entry.task,
    datasetDir: entry.datasetDir,
    datasetVersion: entry.datasetVersion,
    baseModelPath: located.modelPath,
    adapterPath: entry.adapterPath,
    promptContext: entry.promptContext,
    trainSeconds: entry.trainSeconds,
    firstLoss: entry.firstLoss,
    lastLoss: entry.lastLoss,
    reused,
    record: ({ id, name }) => ({
      id,
      task: entry.task,
      name: name ?? `shared-${id}`,
      status: 'ready',
      baseModel: located.modelPath,
      adapterPath: entry.adapterPath,
      adapterHfDir: null,
      promptFormat: 'chat-template',
      promptContext: entry.promptContext,
      datasetVersion: entry.datasetVersion,
      jobId: null,
      metrics: { trainSeconds: entry.trainSeconds },
      createdAt: Date.now(),
    }),
  };
}

async function readEntry(entryPath: string): Promise<z.infer<typeof entrySchema> | null> {
  if (!existsSync(entryPath)) return null;
  const parsed = entrySchema.safeParse(JSON.parse(await readFile(entryPath, 'utf8')));
  if (!parsed.success || !existsSync(parsed.data.adapterPath) || !existsSync(parsed.data.datasetDir)) return null;
  return parsed.data;
}

async function buildAndTrain(dataDir: string, directory: string, baseModelPath: string, onProgress?: (line: string) => void): Promise<z.infer<typeof entrySchema>> {
  const agent = simulatedAgents.support;
  if (agent === undefined) throw new Error('the simulator has no support agent');
  const traffic = await createSimulatedTraffic({ episodesPerAgent: episodes, seed, agents: [agent] });
  // A fixed key: the same surrogates, so the same dataset version, on every machine.
  const redactor = createRedactor({ mode: 'surrogate', scope: `test/${task}`, secretKey: Buffer.alloc(32, 7) });
  const built = await buildDataset({ task, calls: traffic.callsOf(task), redactor, outDir: path.join(directory, 'datasets'), seed });
  onProgress?.(`shared test specialist: training on ${built.dir}`);
  const started = performance.now();
  const losses: number[] = [];
  const trained = await trainLoraAdapter({
    dataDir,
    baseModelPath,
    trainFile: path.join(built.dir, 'train.jsonl'),
    outputDir: path.join(directory, 'run'),
    device: 'cpu',
    hyperparameters,
    onProgress: (progress) => {
      if (progress.phase === 'step') losses.push(progress.loss);
    },
  });
  return {
    formatVersion,
    task,
    datasetDir: built.dir,
    datasetVersion: built.manifest.version,
    adapterPath: trained.ggufAdapterPath,
    promptContext: trained.promptContext,
    trainSeconds: (performance.now() - started) / 1000,
    firstLoss: losses[0] ?? trained.metrics.firstLoss,
    lastLoss: losses.at(-1) ?? trained.metrics.trainLoss,
  };
}
