/**
 * The local LoRA backend: `trainLoraAdapter` (transformers + PEFT on CPU or CUDA) behind the `TrainingBackend`
 * contract. Hyper-parameters from the job are checked here, so a typo (`learning_rate` for `learningRate`)
 * fails the job before a venv is built or a step is taken.
 */
import path from 'node:path';
import { z } from 'zod';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { TrainingArtifacts, TrainingBackend } from '../training-backend.ts';
import { defaultLoraHyperparameters, trainLoraAdapter, type LoraHyperparameters } from './peft-lora-trainer.ts';

const targetModule = z.enum(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']);

export const loraHyperparametersSchema = z.strictObject({
  rank: z.number().int().positive().max(256),
  alpha: z.number().positive(),
  dropout: z.number().min(0).max(0.9),
  targetModules: z.array(targetModule).min(1),
  learningRate: z.number().positive().max(1),
  epochs: z.number().positive().max(100),
  maxSteps: z.number().int().positive(),
  batchSize: z.number().int().positive().max(512),
  gradientAccumulationSteps: z.number().int().positive(),
  maxSequenceLength: z.number().int().min(32),
  maxBatchTokens: z.number().int().min(32),
  seed: z.number().int(),
  warmupSteps: z.number().int().min(0),
  weightDecay: z.number().min(0),
  checkpointEverySteps: z.number().int().positive(),
  omitSharedContext: z.boolean(),
  exportMerged: z.boolean(),
}).partial();

/** Hyper-parameters from a job spec, or an `invalid_request` naming every bad key. */
export function parseLoraHyperparameters(value: Record<string, unknown>): Partial<LoraHyperparameters> {
  const parsed = loraHyperparametersSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => (issue.code === 'unrecognized_keys' ? `unknown ${issue.keys.join(', ')}` : `${issue.path.join('.')}: ${issue.message}`));
    throw new UnderstudyError('invalid_request', `Invalid LoRA hyper-parameters: ${problems.join('; ')}. Known: ${Object.keys(defaultLoraHyperparameters).join(', ')}, maxSteps.`);
  }
  return parsed.data;
}

export function createLoraBackend(): TrainingBackend {
  return {
    name: 'lora',
    async train(request, options) {
      const hyperparameters = parseLoraHyperparameters(request.hyperparameters);
      const lossCurve: TrainingArtifacts['lossCurve'] = [];
      const trainFile = path.join(request.dataset.dir, 'train.jsonl');
      const evalFile = request.dataset.validation.length > 0 ? path.join(request.dataset.dir, 'validation.jsonl') : undefined;
      const result = await trainLoraAdapter({
        dataDir: request.dataDir,
        baseModelPath: request.base,
        trainFile,
        ...(evalFile === undefined ? {} : { evalFile }),
        outputDir: request.outputDir,
        hyperparameters,
        device: request.device,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onProgress: (progress) => {
          switch (progress.phase) {
            case 'environment':
              options.onProgress?.({ phase: 'environment', message: progress.message });
              return;
            case 'render':
              options.onProgress?.({ phase: 'prepare', message: `${progress.examples} examples rendered with the engine's prompt format` });
              return;
            case 'started':
              options.onProgress?.({ phase: 'training', step: progress.resumedFromStep, totalSteps: progress.totalSteps, message: `on ${progress.device}${progress.resumedFromStep > 0 ? `, resumed at step ${progress.resumedFromStep}` : ''}` });
              return;
            case 'step':
              lossCurve.push({ step: progress.step, loss: progress.loss });
              options.onProgress?.({ phase: 'training', step: progress.step, totalSteps: progress.totalSteps, loss: progress.loss, etaSeconds: progress.etaSeconds });
              return;
            case 'checkpoint':
              return;
          }
        },
      });
      return {
        backend: 'lora',
        baseModel: path.resolve(request.base),
        adapterPath: result.ggufAdapterPath,
        adapterHfDir: result.hfAdapterDir,
        modelPath: null,
        steps: result.steps,
        promptContext: result.promptContext,
        lossCurve,
        metrics: { trainLoss: result.metrics.trainLoss, firstLoss: result.metrics.firstLoss, evalLoss: result.metrics.evalLoss, secondsPerStep: result.metrics.secondsPerStep },
      };
    },
  };
}
