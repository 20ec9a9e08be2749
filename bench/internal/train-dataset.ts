/**
 * The dataset `bench:train` learns from: the support agent's simulated traffic for one task, logged as
 * `CallRecord`s, then built exactly as `understudy dataset build` would (filter → surrogate redaction →
 * dedup → episode split with a value-disjoint test split) and read back verified. The redaction key is
 * fresh per run, as a user's would be unknown to the bench; the split is seeded, so the same episodes give
 * the same train / validation / test membership.
 */
import { randomBytes } from 'node:crypto';
import { buildDataset } from '../../src/curate/dataset/build-dataset.ts';
import { readDataset, type LoadedDataset } from '../../src/curate/dataset/read-dataset.ts';
import { createRedactor } from '../../src/curate/redact/create-redactor.ts';
import { createSimulatedTraffic } from '../../src/discover/report/internal/simulated-call-records.ts';
import { resolveSimulatedAgents } from '../../src/simulate/driver/simulated-agents.ts';

export interface TrainBenchDataset {
  dataset: LoadedDataset;
  /** Calls of the task the simulator logged before filtering and dedup. */
  loggedCalls: number;
}

export async function buildTrainBenchDataset(options: { task: string; agent: string; episodes: number; seed: string; outDir: string }): Promise<TrainBenchDataset> {
  const traffic = await createSimulatedTraffic({ episodesPerAgent: options.episodes, seed: options.seed, agents: resolveSimulatedAgents(options.agent) });
  const calls = traffic.callsOf(options.task);
  const redactor = createRedactor({ mode: 'surrogate', scope: `bench-train/${options.task}`, secretKey: randomBytes(32) });
  const built = await buildDataset({ task: options.task, calls, redactor, outDir: options.outDir, seed: options.seed });
  return { dataset: await readDataset(built.dir), loggedCalls: calls.length };
}
