/**
 * What every way of training a specialist looks like to the job runner: a local LoRA on a GGUF base (torch
 * on CPU or CUDA), a micro model trained from scratch, or a hosted fine-tuning API. A backend turns one task's
 * dataset into artifacts the runtime can serve; the runner (run-training-job.ts) then proves them in the
 * engine and registers the specialist, so a backend never registers anything itself.
 */
import type { SharedPromptContext } from '../contracts/shared-prompt-context.ts';
import type { LoadedDataset } from '../curate/dataset/read-dataset.ts';

export type TrainingBackendName = 'lora' | 'micro' | 'hosted';

export interface TrainingRequest {
  /** Understudy's data directory (venvs, model cache). */
  dataDir: string;
  /** The verified dataset (train / validation / test splits and manifest). */
  dataset: LoadedDataset;
  /** Base model: a GGUF path for local backends, a provider model name for hosted ones. */
  base: string;
  /** Where the backend keeps checkpoints and artifacts; the same directory resumes an interrupted run. */
  outputDir: string;
  /** Backend-specific settings (LoRA rank, steps, learning rate …), validated by the backend. */
  hyperparameters: Record<string, unknown>;
  device: 'auto' | 'cpu' | 'cuda';
}

export interface TrainingProgress {
  phase: 'environment' | 'prepare' | 'upload' | 'queued' | 'training' | 'export';
  message?: string;
  step?: number;
  totalSteps?: number;
  loss?: number;
  etaSeconds?: number;
}

export interface TrainingArtifacts {
  backend: TrainingBackendName;
  /** What serves it: the base GGUF (local) or the provider's base model name (hosted). */
  baseModel: string;
  /** GGUF LoRA adapter applied over `baseModel` by the embedded engine; null when there is none. */
  adapterPath: string | null;
  /** The adapter in Hugging Face PEFT format, for vLLM multi-LoRA. */
  adapterHfDir: string | null;
  /** A whole model file trained by us (micro specialists), served without an adapter. */
  modelPath: string | null;
  /** Hosted backends: the provider's fine-tuned model name and the API it is served from. */
  served?: { baseUrl: string; model: string; /** Env var holding the key that serves it (never the key). */ apiKeyEnv?: string };
  steps: number;
  /** The system prompt and tools the specialist was trained without (LoRA); absent or null: it sees whole prompts. */
  promptContext?: SharedPromptContext | null;
  /** Training loss per step, for the loss curve in the training report. */
  lossCurve: Array<{ step: number; loss: number }>;
  metrics: Record<string, number | null>;
}

export interface TrainingBackend {
  readonly name: TrainingBackendName;
  train(request: TrainingRequest, options: { onProgress?: (progress: TrainingProgress) => void; signal?: AbortSignal }): Promise<TrainingArtifacts>;
}
