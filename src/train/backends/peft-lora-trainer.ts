/**
 * Trains a LoRA adapter for a llama-architecture GGUF base (SmolLM2-135M-Instruct by default) with
 * transformers + PEFT in Understudy's `train` Python environment, and returns it in both forms: Hugging Face
 * PEFT (`adapter/`) and a GGUF LoRA that node-llama-cpp applies over the same base GGUF (`adapter.gguf`).
 *
 * Examples are OpenAI chat fine-tuning lines. They are rendered and tokenised here with the llama.cpp engine's
 * own prompt renderer, so the worker (python/train_lora.py) only sees token ids and training cannot drift
 * from serving. By default the system prompt and tools that every training example shares are left out of the
 * prompts (`omitSharedContext`, see specialist-prompt.ts) and returned as `promptContext`, which the specialist
 * must be served with. The worker checkpoints into `outputDir`; calling again with the same `outputDir` resumes.
 * Aborting the signal asks the worker to checkpoint and stop, then rejects with the signal's reason.
 *
 * Torch comes from Debian (`apt-get install python3-torch libopenblas0-pthread`), see
 * python/requirements-train.txt for why; the venv is made by `/usr/bin/python3.11` with system site packages.
 *
 * @example
 * const adapter = await trainLoraAdapter({ dataDir: '.understudy', baseModelPath, trainFile: 'train.jsonl', outputDir: 'runs/task-1' });
 * await engine.complete({ messages, adapter: adapter.ggufAdapterPath });
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { SharedPromptContext } from '../../contracts/shared-prompt-context.ts';
import { getSharedLlama } from '../../providers/engines/internal/llama-instance.ts';
import {
  ensurePythonEnvironment,
  pythonRequirementsFile,
  pythonScriptPath,
  runPythonScript,
  type PythonEnvironment,
  type PythonEnvironmentProgress,
} from '../../providers/python/index.ts';
import { findSharedPromptContext } from '../../providers/engines/specialist-prompt.ts';
import { createTrainingExampleRenderer, readTrainingLines, trainingLineTools, type TokenizedExample, type TrainingLine } from './internal/render-training-examples.ts';
import { runTrainingWorker, type WorkerEvent } from './internal/run-training-worker.ts';

export interface LoraHyperparameters {
  rank: number;
  alpha: number;
  dropout: number;
  /** Hugging Face Llama module names; each must map to a llama.cpp tensor (q/k/v/o, gate/up/down). */
  targetModules: readonly LoraTargetModule[];
  learningRate: number;
  epochs: number;
  /** Overrides `epochs` when set. */
  maxSteps?: number;
  batchSize: number;
  gradientAccumulationSteps: number;
  /** Longer examples lose the start of their prompt; the answer is always kept whole. */
  maxSequenceLength: number;
  /**
   * A step's examples run in micro-batches of at most this many padded tokens (grouped by length; a longer example
   * runs alone), so memory follows this limit rather than the task's prompt length. The gradient is the same.
   */
  maxBatchTokens: number;
  seed: number;
  warmupSteps: number;
  weightDecay: number;
  checkpointEverySteps: number;
  /**
   * Leave the system prompt and tools every training example shares out of the prompts (the adapter learns
   * them; a tool loop's examples shrink ~4×, and so does their training and serving time). Default true.
   */
  omitSharedContext: boolean;
  /**
   * Also write `merged.gguf`: the adapter folded into the base's weights (python/merge_lora_to_gguf.py), for
   * runtimes that take one model file and no adapter. Off by default: it costs a full copy of the base on disk.
   */
  exportMerged: boolean;
}

export type LoraTargetModule = 'q_proj' | 'k_proj' | 'v_proj' | 'o_proj' | 'gate_proj' | 'up_proj' | 'down_proj';

export const defaultLoraHyperparameters: LoraHyperparameters = {
  rank: 8,
  alpha: 16,
  dropout: 0,
  targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  learningRate: 2e-4,
  epochs: 3,
  batchSize: 4,
  gradientAccumulationSteps: 1,
  maxSequenceLength: 1024,
  maxBatchTokens: 1024,
  seed: 0,
  warmupSteps: 0,
  weightDecay: 0,
  checkpointEverySteps: 50,
  omitSharedContext: true,
  exportMerged: false,
};

export type LoraTrainingProgress =
  | { phase: 'environment'; message: string }
  | { phase: 'render'; examples: number }
  | { phase: 'started'; device: string; totalSteps: number; resumedFromStep: number }
  | { phase: 'step'; step: number; totalSteps: number; epoch: number; loss: number; secondsPerStep: number; etaSeconds: number }
  | { phase: 'checkpoint'; step: number; path: string };

export interface TrainLoraAdapterOptions {
  /** Understudy's data directory; the `train` venv lives in `<dataDir>/python/train`. */
  dataDir: string;
  /** The base GGUF the adapter is trained on and later applied over. */
  baseModelPath: string;
  /** OpenAI chat fine-tuning JSONL. */
  trainFile: string;
  /** Same format; its loss is reported as `metrics.evalLoss`. */
  evalFile?: string;
  /** Checkpoints, tokenised data and the adapters; reuse it to resume. */
  outputDir: string;
  hyperparameters?: Partial<LoraHyperparameters>;
  /** Default `auto`: CUDA when the environment's torch sees a GPU. */
  device?: 'auto' | 'cpu' | 'cuda';
  /** Interpreter for the venv; default `$UNDERSTUDY_TRAIN_PYTHON`, else `/usr/bin/python3.11` (Debian's, which sees python3-torch). */
  python?: string;
  onProgress?: (progress: LoraTrainingProgress) => void;
  signal?: AbortSignal;
}

export interface LoraTrainingResult {
  hfAdapterDir: string;
  ggufAdapterPath: string;
  /** The base with the adapter merged in, when `exportMerged` asked for it; null otherwise. */
  mergedModelPath: string | null;
  metrics: { trainLoss: number; firstLoss: number; evalLoss: number | null; secondsPerStep: number | null };
  steps: number;
  /** What was left out of the prompts; the adapter must be served with it (specialist-prompt.ts). */
  promptContext: SharedPromptContext;
}

const environmentName = 'train';
const configFormatVersion = 1;

/** Builds (once) and checks the `train` Python environment; throws `system_dependency_missing` with the fix. */
export async function prepareTrainingEnvironment(options: {
  dataDir: string;
  python?: string;
  onProgress?: (progress: PythonEnvironmentProgress) => void;
  signal?: AbortSignal;
}): Promise<PythonEnvironment> {
  const python = options.python ?? (nonEmpty(process.env.UNDERSTUDY_TRAIN_PYTHON) ? process.env.UNDERSTUDY_TRAIN_PYTHON : '/usr/bin/python3.11');
  const environment = await ensurePythonEnvironment({
    dataDir: options.dataDir,
    name: environmentName,
    requirementsFiles: [pythonRequirementsFile('train')],
    python,
    systemSitePackages: true,
    noDependencies: true,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  try {
    await runPythonScript(environment, pythonScriptPath('lora_gguf_model.py'), [], { signal: options.signal });
  } catch (error) {
    throw new UnderstudyError(
      'system_dependency_missing',
      `The training environment cannot import torch, transformers and peft. Install Debian's CPU torch ` +
        `(apt-get install python3-torch libopenblas0-pthread) or point UNDERSTUDY_TRAIN_PYTHON at a Python with torch. ` +
        `${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return environment;
}

export async function trainLoraAdapter(options: TrainLoraAdapterOptions): Promise<LoraTrainingResult> {
  const hyperparameters = { ...defaultLoraHyperparameters, ...options.hyperparameters };
  const outputDir = path.resolve(options.outputDir);
  await mkdir(outputDir, { recursive: true });
  const environment = await prepareTrainingEnvironment({
    dataDir: options.dataDir,
    python: options.python,
    onProgress: (progress) => options.onProgress?.({ phase: 'environment', message: progress.message }),
    signal: options.signal,
  });

  const trainTokensPath = path.join(outputDir, 'train-tokens.jsonl');
  const evalTokensPath = options.evalFile === undefined ? null : path.join(outputDir, 'eval-tokens.jsonl');
  const { examples, promptContext } = await renderTrainingFiles(options.baseModelPath, hyperparameters.omitSharedContext, [
    { source: options.trainFile, target: trainTokensPath },
    ...(options.evalFile === undefined || evalTokensPath === null ? [] : [{ source: options.evalFile, target: evalTokensPath }]),
  ]);
  options.onProgress?.({ phase: 'render', examples });

  const configPath = path.join(outputDir, 'job.json');
  await writeFile(
    configPath,
    `${JSON.stringify(
      {
        format_version: configFormatVersion,
        base_model_gguf: path.resolve(options.baseModelPath),
        train_file: trainTokensPath,
        eval_file: evalTokensPath,
        output_dir: outputDir,
        device: options.device ?? 'auto',
        lora: { rank: hyperparameters.rank, alpha: hyperparameters.alpha, dropout: hyperparameters.dropout, target_modules: hyperparameters.targetModules },
        training: {
          learning_rate: hyperparameters.learningRate,
          epochs: hyperparameters.epochs,
          max_steps: hyperparameters.maxSteps ?? null,
          batch_size: hyperparameters.batchSize,
          gradient_accumulation_steps: hyperparameters.gradientAccumulationSteps,
          max_sequence_length: hyperparameters.maxSequenceLength,
          max_batch_tokens: hyperparameters.maxBatchTokens,
          seed: hyperparameters.seed,
          warmup_steps: hyperparameters.warmupSteps,
          weight_decay: hyperparameters.weightDecay,
          checkpoint_every_steps: hyperparameters.checkpointEverySteps,
        },
        // Outside `training`: not part of the checkpoint's fingerprint, so it can change when resuming.
        exports: { merged_gguf: hyperparameters.exportMerged },
      },
      null,
      2,
    )}\n`,
  );

  const outcome = await runTrainingWorker(environment, pythonScriptPath('train_lora.py'), configPath, (event) => reportEvent(event, options.onProgress), options.signal);
  const done = outcome.events.find((event) => event.event === 'done');
  if (outcome.exitCode === 0 && done !== undefined) {
    return {
      hfAdapterDir: done.artifacts.hf_adapter_dir,
      ggufAdapterPath: done.artifacts.gguf_adapter_path,
      mergedModelPath: done.artifacts.merged_model_path,
      metrics: {
        trainLoss: done.metrics.train_loss,
        firstLoss: done.metrics.first_loss,
        evalLoss: done.metrics.eval_loss,
        secondsPerStep: done.metrics.seconds_per_step,
      },
      steps: done.steps,
      promptContext,
    };
  }
  if (options.signal?.aborted === true) throw options.signal.reason;
  const failed = outcome.events.find((event) => event.event === 'failed');
  throw new UnderstudyError(
    'internal_error',
    `LoRA training in ${outputDir} failed (exit ${outcome.exitCode ?? outcome.exitSignal})` +
      `${failed === undefined ? '' : `: ${failed.message}`}\n${outcome.stderrTail}`,
  );
}

/**
 * Tokenises the files with the engine's renderer. The shared context is found on the first (training) file and
 * applied to every file, so validation loss is measured on prompts shaped as they will be served.
 */
async function renderTrainingFiles(
  baseModelPath: string,
  omitSharedContext: boolean,
  files: Array<{ source: string; target: string }>,
): Promise<{ examples: number; promptContext: SharedPromptContext }> {
  for (const { source } of files) {
    await access(source).catch((error: unknown) => {
      throw new UnderstudyError('not_found', `Training file ${source} cannot be read.`, { cause: error });
    });
  }
  const llama = await getSharedLlama(false);
  const model = await llama.loadModel({ modelPath: path.resolve(baseModelPath), gpuLayers: 0 }).catch((error: unknown) => {
    throw new UnderstudyError('invalid_request', `Base model ${baseModelPath} could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  try {
    const renderer = createTrainingExampleRenderer(model);
    let promptContext: SharedPromptContext = { system: null, tools: null };
    let count = 0;
    for (const [index, { source, target }] of files.entries()) {
      const lines: TrainingLine[] = [];
      for await (const line of readTrainingLines(source)) lines.push(line);
      if (lines.length === 0) throw new UnderstudyError('invalid_request', `Training file ${source} holds no examples.`);
      if (index === 0 && omitSharedContext) {
        promptContext = findSharedPromptContext(lines.map((line) => ({ messages: line.messages.slice(0, -1), tools: trainingLineTools(line) })));
      }
      const rows: TokenizedExample[] = lines.map((line) => renderer.render(line, promptContext));
      await writeFile(target, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
      count += rows.length;
    }
    return { examples: count, promptContext };
  } finally {
    await model.dispose();
  }
}

function reportEvent(event: WorkerEvent, onProgress: TrainLoraAdapterOptions['onProgress']): void {
  if (onProgress === undefined) return;
  switch (event.event) {
    case 'started':
      onProgress({ phase: 'started', device: event.device, totalSteps: event.total_steps, resumedFromStep: event.resumed_from_step });
      return;
    case 'progress':
      onProgress({ phase: 'step', step: event.step, totalSteps: event.total_steps, epoch: event.epoch, loss: event.loss, secondsPerStep: event.seconds_per_step, etaSeconds: event.eta_s });
      return;
    case 'checkpoint':
      onProgress({ phase: 'checkpoint', step: event.step, path: event.path });
      return;
    default:
      return;
  }
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.length > 0;
}
