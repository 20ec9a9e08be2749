/**
 * What a worker process needs to run training jobs, wired once for `understudy train` and `understudy
 * worker`: the backends, the base-model resolver (the embedded default, a local GGUF, or any model source
 * with download progress), and the evaluation metrics that verify a specialist before it is registered.
 */
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UnderstudyError } from '../contracts/errors.ts';
import { defaultSlmServing } from '../discover/report/default-cost-model.ts';
import { selectionScorer } from '../evaluate/index.ts';
import { ensureDefaultBaseModel } from '../providers/models/default-base-model.ts';
import { resolveModelSource } from '../providers/models/resolve-model-source.ts';
import type { Store } from '../store/store.ts';
import { createHostedFineTuningBackend } from '../train/backends/hosted-fine-tuning-backend.ts';
import { createLoraBackend } from '../train/backends/lora-backend.ts';
import { createMicroBackend } from '../train/backends/micro-backend.ts';
import type { RunTrainingJobOptions } from '../train/run-training-job.ts';
import type { TrainingBackendName } from '../train/training-backend.ts';

export function workerId(): string {
  return `${os.hostname()}:${process.pid}`;
}

export function trainingDependencies(store: Store, dataDir: string, onDownload?: (message: string) => void): Omit<RunTrainingJobOptions, 'onProgress' | 'signal'> {
  return {
    store,
    dataDir,
    workerId: workerId(),
    createBackend: (spec) => {
      if (spec.backend === 'lora') return createLoraBackend();
      if (spec.backend === 'micro') return createMicroBackend();
      if (spec.backend === 'hosted' && spec.hosted !== undefined) return createHostedFineTuningBackend({ baseUrl: spec.hosted.baseUrl, ...(spec.hosted.apiKeyEnv === undefined ? {} : { apiKeyEnv: spec.hosted.apiKeyEnv }) });
      return undefined;
    },
    resolveBase: (base, backend) => resolveBase(base, backend, dataDir, onDownload),
    scorer: selectionScorer,
    usdPerHour: defaultSlmServing.vmUsdPerHour,
    costBasis: `${defaultSlmServing.vmName} at $${defaultSlmServing.vmUsdPerHour}/h`,
  };
}

async function resolveBase(base: string, backend: TrainingBackendName, dataDir: string, onDownload?: (message: string) => void): Promise<string> {
  if (backend === 'hosted') return base;
  // A micro specialist is trained from scratch: it has no base model.
  if (backend === 'micro') return base;
  if (base === 'default') return (await ensureDefaultBaseModel({ dataDir, onProgress: (progress) => onDownload?.(`${progress.source}: ${(progress.receivedBytes / 1e6).toFixed(1)} MB`) })).path;
  // A directory is a Hugging Face checkpoint, which resolveModelSource converts to a GGUF once.
  if (existsSync(base) && statSync(base).isFile()) return path.resolve(base);
  const resolved = await resolveModelSource(base, { dataDir, onProgress: (progress) => onDownload?.(`${(progress.receivedBytes / 1e6).toFixed(1)} MB`), onMessage: onDownload });
  if (resolved.kind === 'ollama') throw new UnderstudyError('invalid_request', `Base ${base} is an Ollama model; LoRA training needs a GGUF file (pypi:, hf:, https:// or a path).`);
  return resolved.path;
}
