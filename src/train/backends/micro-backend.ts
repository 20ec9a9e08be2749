/**
 * The micro-specialist backend, for users with no base model at all: a tiny byte-level llama (~1–3M
 * parameters) trained from scratch on one task by python/train_micro.py in the same `train` Python
 * environment and with the same worker protocol as the LoRA backend, exported as a whole GGUF model that the
 * embedded engine serves without an adapter (`modelPath`, and `baseModel` is the same file).
 *
 * `request.base` is ignored: there is no base model. Examples longer than `contextLength` bytes are left out
 * of training (counted in `metrics.droppedExamples`); a served prompt that long is outside what the model saw.
 *
 * Prompt format: the compact task prompt (internal/micro-prompt.ts) — the final user message only. The runner
 * must serve it with `compactTaskPrompt(messages)`. Known limit: such a model learns an answer's format and
 * labels well, but copies unseen values (names, ids) from the prompt poorly; a pretrained base (LoRA) does.
 *
 * @example
 * const artifacts = await createMicroBackend().train({ dataDir, dataset, base: '', outputDir, hyperparameters: { maxSeconds: 600 }, device: 'cpu' }, {});
 * const engine = await createLlamaCppEngine({ modelPath: artifacts.modelPath! });
 * await engine.complete({ messages: compactTaskPrompt(request.messages), maxTokens: 128 });
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { FineTuneLine } from '../../curate/dataset/training-example.ts';
import { pythonScriptPath } from '../../providers/python/index.ts';
import type { TrainingArtifacts, TrainingBackend, TrainingRequest } from '../training-backend.ts';
import { toMicroTrainingText } from './internal/micro-prompt.ts';
import { runTrainingWorker } from './internal/run-training-worker.ts';
import { prepareTrainingEnvironment } from './peft-lora-trainer.ts';

export { compactTaskPrompt } from './internal/micro-prompt.ts';

export const microHyperparametersSchema = z.strictObject({
  dim: z.number().int().min(16).max(2048),
  layers: z.number().int().min(1).max(32),
  heads: z.number().int().min(1).max(64),
  kvHeads: z.number().int().min(1).max(64),
  ffnDim: z.number().int().min(16).max(8192),
  /** Bytes per example (prompt + answer + BOS/EOS); longer examples are left out of training. */
  contextLength: z.number().int().min(32).max(8192),
  learningRate: z.number().positive().max(1),
  epochs: z.number().positive().max(1000),
  /** Overrides `epochs` when set. */
  maxSteps: z.number().int().positive(),
  /** Wall-clock budget: training stops after this many seconds and the model is exported as it is. */
  maxSeconds: z.number().positive(),
  batchSize: z.number().int().positive().max(1024),
  seed: z.number().int(),
  warmupSteps: z.number().int().min(0),
  weightDecay: z.number().min(0),
  checkpointEverySteps: z.number().int().positive(),
  /** CPU threads for torch; default torch's own choice. */
  threads: z.number().int().positive(),
  /** Held-out (test split) prompts torch answers greedily after training, for the GGUF parity check. */
  heldoutLimit: z.number().int().min(0),
});
export type MicroHyperparameters = z.infer<typeof microHyperparametersSchema>;

export const defaultMicroHyperparameters: Omit<MicroHyperparameters, 'maxSteps' | 'maxSeconds' | 'threads'> = {
  dim: 192,
  layers: 4,
  heads: 6,
  kvHeads: 2,
  ffnDim: 512,
  contextLength: 768,
  learningRate: 2e-3,
  epochs: 10,
  batchSize: 16,
  seed: 0,
  warmupSteps: 20,
  weightDecay: 0.01,
  checkpointEverySteps: 100,
  heldoutLimit: 50,
};

/** Hyper-parameters from a job spec, or an `invalid_request` naming every bad key. */
export function parseMicroHyperparameters(value: Record<string, unknown>): Partial<MicroHyperparameters> {
  const parsed = microHyperparametersSchema.partial().safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => (issue.code === 'unrecognized_keys' ? `unknown ${issue.keys.join(', ')}` : `${issue.path.join('.')}: ${issue.message}`));
    throw new UnderstudyError('invalid_request', `Invalid micro hyper-parameters: ${problems.join('; ')}. Known: ${Object.keys(microHyperparametersSchema.shape).join(', ')}.`);
  }
  return parsed.data;
}

const resultSchema = z.object({
  artifacts: z.object({ model_path: z.string(), checkpoint_path: z.string(), torch_greedy_path: z.string().nullable() }),
  metrics: z.object({
    train_loss: z.number(),
    first_loss: z.number(),
    eval_loss: z.number().nullable(),
    // null when a finished job is run again: no step ran in this process.
    seconds_per_step: z.number().nullable(),
    train_tokens_per_s: z.number().nullable(),
    parameters: z.number(),
    torch_exact_heldout: z.number().nullable(),
    dropped_examples: z.number(),
  }),
  steps: z.number(),
});

const configFormatVersion = 1;

export function createMicroBackend(): TrainingBackend {
  return {
    name: 'micro',
    async train(request, options) {
      const hyperparameters = { ...defaultMicroHyperparameters, ...parseMicroHyperparameters(request.hyperparameters) };
      const outputDir = path.resolve(request.outputDir);
      await mkdir(outputDir, { recursive: true });
      const environment = await prepareTrainingEnvironment({
        dataDir: request.dataDir,
        onProgress: (progress) => options.onProgress?.({ phase: 'environment', message: progress.message }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });

      const files = await writeTrainingTexts(request, outputDir);
      options.onProgress?.({ phase: 'prepare', message: `${files.trainCount} examples as compact task prompts (${files.skipped} without a text answer skipped)` });
      const configPath = path.join(outputDir, 'job.json');
      await writeFile(configPath, `${JSON.stringify(workerConfig(request, outputDir, files, hyperparameters), null, 2)}\n`);

      const lossCurve: TrainingArtifacts['lossCurve'] = [];
      const outcome = await runTrainingWorker(
        environment,
        pythonScriptPath('train_micro.py'),
        configPath,
        (event) => {
          if (event.event === 'started') {
            options.onProgress?.({ phase: 'training', step: event.resumed_from_step, totalSteps: event.total_steps, message: `on ${event.device}` });
          } else if (event.event === 'progress') {
            lossCurve.push({ step: event.step, loss: event.loss });
            options.onProgress?.({ phase: 'training', step: event.step, totalSteps: event.total_steps, loss: event.loss, etaSeconds: event.eta_s });
          }
        },
        options.signal,
      );
      if (options.signal?.aborted === true) throw options.signal.reason;
      if (outcome.exitCode !== 0) {
        const failed = outcome.events.find((event) => event.event === 'failed');
        throw new UnderstudyError(
          'internal_error',
          `Micro training in ${outputDir} failed (exit ${outcome.exitCode ?? outcome.exitSignal})${failed === undefined ? '' : `: ${failed.message}`}\n${outcome.stderrTail}`,
        );
      }
      // The worker's `done` event carries micro artifacts the shared LoRA event schema does not know, so the
      // same object is read back from result.json.
      const result = resultSchema.parse(JSON.parse(await readFile(path.join(outputDir, 'result.json'), 'utf8')));
      options.onProgress?.({ phase: 'export', message: `GGUF written to ${result.artifacts.model_path}` });
      return {
        backend: 'micro',
        baseModel: result.artifacts.model_path,
        adapterPath: null,
        adapterHfDir: null,
        modelPath: result.artifacts.model_path,
        steps: result.steps,
        lossCurve,
        metrics: {
          trainLoss: result.metrics.train_loss,
          firstLoss: result.metrics.first_loss,
          evalLoss: result.metrics.eval_loss,
          secondsPerStep: result.metrics.seconds_per_step,
          trainTokensPerSecond: result.metrics.train_tokens_per_s,
          parameters: result.metrics.parameters,
          torchExactHeldOut: result.metrics.torch_exact_heldout,
          droppedExamples: result.metrics.dropped_examples,
        },
      };
    },
  };
}

interface TrainingTextFiles {
  train: string;
  eval: string | null;
  heldout: string | null;
  trainCount: number;
  skipped: number;
}

async function writeTrainingTexts(request: TrainingRequest, outputDir: string): Promise<TrainingTextFiles> {
  const write = async (name: string, lines: FineTuneLine[]) => {
    const texts = lines.map(toMicroTrainingText);
    const kept = texts.filter((text) => text !== null);
    const target = path.join(outputDir, name);
    await writeFile(target, kept.map((text) => JSON.stringify(text)).join('\n') + (kept.length > 0 ? '\n' : ''));
    return { target, count: kept.length, skipped: texts.length - kept.length };
  };
  const train = await write('train-text.jsonl', request.dataset.train);
  if (train.count === 0) throw new UnderstudyError('invalid_request', `The dataset in ${request.dataset.dir} has no training example with a plain-text answer; micro specialists learn text answers only.`);
  const validation = await write('eval-text.jsonl', request.dataset.validation);
  const test = await write('heldout-text.jsonl', request.dataset.test);
  return { train: train.target, eval: validation.count > 0 ? validation.target : null, heldout: test.count > 0 ? test.target : null, trainCount: train.count, skipped: train.skipped };
}

function workerConfig(request: TrainingRequest, outputDir: string, files: TrainingTextFiles, hyperparameters: typeof defaultMicroHyperparameters & Partial<MicroHyperparameters>) {
  return {
    format_version: configFormatVersion,
    name: `understudy-micro ${request.dataset.manifest.task}`,
    train_file: files.train,
    eval_file: files.eval,
    heldout_file: files.heldout,
    output_dir: outputDir,
    device: request.device,
    model: {
      dim: hyperparameters.dim,
      layers: hyperparameters.layers,
      heads: hyperparameters.heads,
      kv_heads: hyperparameters.kvHeads,
      ffn_dim: hyperparameters.ffnDim,
      context_length: hyperparameters.contextLength,
    },
    training: {
      learning_rate: hyperparameters.learningRate,
      epochs: hyperparameters.epochs,
      max_steps: hyperparameters.maxSteps ?? null,
      max_seconds: hyperparameters.maxSeconds ?? null,
      batch_size: hyperparameters.batchSize,
      seed: hyperparameters.seed,
      warmup_steps: hyperparameters.warmupSteps,
      weight_decay: hyperparameters.weightDecay,
      checkpoint_every_steps: hyperparameters.checkpointEverySteps,
      threads: hyperparameters.threads ?? null,
      heldout_limit: hyperparameters.heldoutLimit,
    },
  };
}
