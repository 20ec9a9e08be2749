/**
 * `npm run bench:train` — one specialist end to end on a laptop-class CPU: by default the support agent's
 * `support/extract-order` calls (order text → JSON under a strict schema) from simulated traffic become a
 * redacted, split dataset; a LoRA on SmolLM2-135M-Instruct is trained on it with the transformers + PEFT
 * worker; the GGUF adapter is served by the embedded llama.cpp engine over the Q4_1 base with the task's
 * JSON-schema grammar and scored against the teacher on the held-out test split, whose payload values never
 * occur in training, beside the same base zero-shot and few-shot. Finally torch's greedy answers (PEFT
 * adapter) are compared with what the engine serves, to show the export changes nothing.
 *
 * `BENCH_TRAIN_TASK=toolloop/next-step` measures a language-model-agency step instead: the tool-loop agent's
 * next step under its fixed system prompt and tools (choose the tool, fill its arguments), scored by tool-call
 * match on the held-out steps whose teacher answer is a tool call (the closing replies are free text, counted
 * and left out). The LoRA learns the shared system prompt and tools and is served without them (~990 → ~250
 * prompt tokens, see specialist-prompt.ts); the zero- and few-shot baselines see the whole prompt.
 *
 * Env (all optional): BENCH_TRAIN_TASK (default support/extract-order), BENCH_TRAIN_STEPS (optimizer steps, default 40), BENCH_TRAIN_EVAL (held-out examples,
 * default 60), BENCH_TRAIN_ENGINE_THREADS (llama.cpp threads, default 1: on a busy 2-core VM two
 * threads made calls many times slower), BENCH_TRAIN_EPISODES (simulated support episodes, default 1000), BENCH_TRAIN_SHOTS (few-shot
 * examples, default 3), BENCH_TRAIN_RANK (default 16), BENCH_TRAIN_LR (default 1.5e-3), BENCH_TRAIN_BATCH
 * (examples per step, default 4), BENCH_TRAIN_DEVICE (cpu | cuda | auto, default cpu), BENCH_TRAIN_TORCH_THREADS
 * (sets OMP_NUM_THREADS for the Python workers; default: torch's own choice), BENCH_TRAIN_KEEP=1 keeps the
 * work folder. CI-sized: `BENCH_TRAIN_STEPS=4 BENCH_TRAIN_EVAL=8 BENCH_TRAIN_EPISODES=200 npm run bench:train`.
 * Ends with `BENCH {json}`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { locateSmolLm2 } from '../src/providers/engines/internal/llama-test-models.ts';
import type { EngineResult } from '../src/providers/engines/specialist-engine.ts';
import { answerAsText } from '../src/select/few-shot-prompt.ts';
import { prepareTrainingEnvironment, trainLoraAdapter, type LoraHyperparameters } from '../src/train/backends/peft-lora-trainer.ts';
import { buildTrainBenchDataset } from './internal/train-dataset.ts';
import { evaluateHeldOut, generateWithoutGrammar, type EngineSettings } from './internal/train-evaluate.ts';
import { formatComparisonTable, formatFailures, formatTrainingFigures } from './internal/train-report.ts';
import { generateWithTorch, sameAnswer } from './internal/train-torch-greedy.ts';

const environmentSchema = z.object({
  BENCH_TRAIN_TASK: z.string().regex(/^[a-z]+\/[a-z-]+$/).default('support/extract-order'),
  BENCH_TRAIN_STEPS: z.coerce.number().int().positive().default(40),
  BENCH_TRAIN_EVAL: z.coerce.number().int().positive().default(60),
  BENCH_TRAIN_ENGINE_THREADS: z.coerce.number().int().positive().default(1),
  BENCH_TRAIN_EPISODES: z.coerce.number().int().positive().default(1000),
  BENCH_TRAIN_SHOTS: z.coerce.number().int().nonnegative().default(3),
  BENCH_TRAIN_RANK: z.coerce.number().int().positive().default(16),
  BENCH_TRAIN_LR: z.coerce.number().positive().default(1.5e-3),
  BENCH_TRAIN_BATCH: z.coerce.number().int().positive().default(4),
  BENCH_TRAIN_DEVICE: z.enum(['cpu', 'cuda', 'auto']).default('cpu'),
  BENCH_TRAIN_TORCH_THREADS: z.coerce.number().int().positive().optional(),
  BENCH_TRAIN_KEEP: z.enum(['0', '1']).default('0'),
});
const settings = environmentSchema.parse(process.env);
const task = settings.BENCH_TRAIN_TASK;
const agent = task.slice(0, task.indexOf('/'));
if (settings.BENCH_TRAIN_TORCH_THREADS !== undefined) process.env.OMP_NUM_THREADS = String(settings.BENCH_TRAIN_TORCH_THREADS);

// One example per micro-batch, accumulated to the step's batch: the worker pads each micro-batch to its
// longest example, and these prompts vary from ~150 to ~600 tokens, so batches of one waste no compute.
const hyperparameters: Partial<LoraHyperparameters> = {
  rank: settings.BENCH_TRAIN_RANK,
  alpha: settings.BENCH_TRAIN_RANK * 2,
  dropout: 0,
  learningRate: settings.BENCH_TRAIN_LR,
  maxSteps: settings.BENCH_TRAIN_STEPS,
  batchSize: 1,
  gradientAccumulationSteps: settings.BENCH_TRAIN_BATCH,
  warmupSteps: Math.min(3, Math.floor(settings.BENCH_TRAIN_STEPS / 10)),
  maxSequenceLength: 1024,
  seed: 0,
  checkpointEverySteps: 1000,
};
const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (since: number) => (performance.now() - since) / 1000;

const located = await locateSmolLm2();
if (located.verdict !== 'found') {
  console.error(`bench:train needs SmolLM2-135M-Instruct: ${located.reason}`);
  process.exit(1);
}
const repositoryRoot = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(repositoryRoot, '.understudy');
const workDir = await mkdtemp(path.join(tmpdir(), 'understudy-bench-train-'));
const engineSettings: EngineSettings = { modelPath: located.modelPath, threads: settings.BENCH_TRAIN_ENGINE_THREADS, contextSize: 4096 };
const benchStarted = performance.now();

try {
  const environment = await prepareTrainingEnvironment({ dataDir, onProgress: (progress) => log(`  python: ${progress.message}`) });

  let started = performance.now();
  const built = await buildTrainBenchDataset({ task, agent, episodes: settings.BENCH_TRAIN_EPISODES, seed: 'bench-train', outDir: path.join(workDir, 'datasets') });
  const { loggedCalls } = built;
  const counts = built.dataset.manifest.split.counts;
  // A tool task is scored where the teacher called a tool; its free-text closing replies are counted, not scored.
  const isToolTask = built.dataset.test.some((line) => (line.tools ?? []).length > 0);
  const scoredTest = isToolTask ? built.dataset.test.filter((line) => (line.messages.at(-1)?.tool_calls ?? []).length > 0) : built.dataset.test;
  const dataset = { ...built.dataset, test: scoredTest };
  const evalExamples = Math.min(settings.BENCH_TRAIN_EVAL, scoredTest.length);
  log(`dataset ${dataset.manifest.name}: ${loggedCalls} calls → train ${counts.train}, validation ${counts.validation}, test ${counts.test} (value-disjoint) in ${seconds(started).toFixed(1)} s`);
  if (isToolTask) log(`scoring the ${scoredTest.length} test steps answered with a tool call; ${counts.test - scoredTest.length} closing replies left out`);

  started = performance.now();
  const losses: number[] = [];
  const training = await trainLoraAdapter({
    dataDir,
    baseModelPath: located.modelPath,
    trainFile: path.join(dataset.dir, 'train.jsonl'),
    outputDir: path.join(workDir, 'run'),
    device: settings.BENCH_TRAIN_DEVICE,
    hyperparameters,
    onProgress: (progress) => {
      if (progress.phase === 'started') log(`training on ${progress.device}: ${progress.totalSteps} steps`);
      if (progress.phase === 'step') {
        losses.push(progress.loss);
        log(`  step ${progress.step}/${progress.totalSteps} loss ${progress.loss.toFixed(4)} ${progress.secondsPerStep.toFixed(1)} s/step eta ${progress.etaSeconds.toFixed(0)} s`);
      }
    },
  });
  const trainSeconds = seconds(started);
  const loopSeconds = (training.metrics.secondsPerStep ?? 0) * training.steps;
  const examplesSeen = training.steps * settings.BENCH_TRAIN_BATCH;
  const meanTokens = await meanExampleTokens(path.join(workDir, 'run', 'train-tokens.jsonl'), 1024);
  const tokensPerSecond = loopSeconds > 0 ? (examplesSeen * meanTokens) / loopSeconds : 0;
  const lastLosses = losses.slice(-5);
  const lastLoss = lastLosses.reduce((sum, loss) => sum + loss, 0) / Math.max(lastLosses.length, 1);

  started = performance.now();
  const promptContext = training.promptContext;
  log(`prompt context left out: system prompt ${promptContext.system === null ? 'kept' : 'learned'}, tools ${promptContext.tools === null ? 'kept' : 'learned'}`);
  const evaluation = await evaluateHeldOut({ dataset, examples: evalExamples, shots: settings.BENCH_TRAIN_SHOTS, adapterPath: training.ggufAdapterPath, promptContext, engine: engineSettings, onProgress: (line) => log(`  ${line}`) });
  const evaluateSeconds = seconds(started);

  // The answer budget: the longest held-out reference, with room to spare (an extraction answer is ~30 tokens).
  const maxNewTokens = 96;
  started = performance.now();
  const heldOut = dataset.test.slice(0, evalExamples);
  const torchTexts = await generateWithTorch({ environment, baseModelPath: located.modelPath, hfAdapterDir: training.hfAdapterDir, lines: heldOut, promptContext, maxNewTokens, device: settings.BENCH_TRAIN_DEVICE });
  const torchSeconds = seconds(started);
  const served = evaluation.specialistAnswers.map((answer) => (answer === null ? null : servedText(answer)));
  const servedMatches = served.filter((text, index) => text !== null && sameAnswer(text, torchTexts[index] ?? '')).length;
  const ungrammared = await generateWithoutGrammar({ dataset, examples: evalExamples, adapterPath: training.ggufAdapterPath, promptContext, maxTokens: maxNewTokens, engine: engineSettings });
  const textMatches = ungrammared.filter((text, index) => text === torchTexts[index]).length;
  const textDifferences = ungrammared.flatMap((text, index) => (text === torchTexts[index] ? [] : [`  engine ${JSON.stringify(text)}\n  torch  ${JSON.stringify(torchTexts[index])}`]));
  const torchCorrect = heldOut.filter((line, index) => sameAnswer(answerAsText(line.messages.at(-1)!), torchTexts[index] ?? '')).length;

  const round4 = (value: number) => Number(value.toFixed(4));
  console.log(
    `\n${task} — SmolLM2-135M-Instruct Q4_1 in llama.cpp (${engineSettings.threads} threads, ${isToolTask ? 'tool-call grammar, scored by tool-call match' : 'JSON-schema grammar'}), ` +
      `${evalExamples} held-out examples whose values never occur in training`,
  );
  console.log(
    formatComparisonTable([
      { label: 'zero-shot', run: evaluation.zeroShot },
      { label: `${settings.BENCH_TRAIN_SHOTS}-shot`, run: evaluation.fewShot },
      { label: `LoRA r${hyperparameters.rank} specialist`, run: evaluation.specialist },
    ]),
  );
  if (evaluation.specialist.failures.length > 0) console.log(`specialist misses (first ${evaluation.specialist.failures.length}):\n${formatFailures(evaluation.specialist)}`);
  console.log(formatTrainingFigures({ steps: training.steps, examplesSeen, trainSeconds, loopSeconds, tokensPerSecond, firstLoss: training.metrics.firstLoss, lastLoss }));
  console.log(`hyper-parameters: ${JSON.stringify(hyperparameters)}`);
  console.log(
    `engine (GGUF adapter, grammar on) vs torch (PEFT adapter, greedy, unconstrained): same parsed answer ${servedMatches}/${evalExamples}; ` +
      `engine without grammar, identical text ${textMatches}/${evalExamples}; torch itself exact ${torchCorrect}/${evalExamples}`,
  );
  if (textDifferences.length > 0) console.log(`engine without grammar vs torch, differing texts (first ${Math.min(5, textDifferences.length)}):\n${textDifferences.slice(0, 5).join('\n')}`);
  console.log(`time: train ${trainSeconds.toFixed(0)} s, held-out evaluation ${evaluateSeconds.toFixed(0)} s, torch greedy ${torchSeconds.toFixed(0)} s, total ${seconds(benchStarted).toFixed(0)} s`);
  console.log(
    `BENCH ${JSON.stringify({
      backend: 'peft-lora',
      base: 'SmolLM2-135M-Instruct.Q4_1',
      task,
      metric: evaluation.specialist.metric,
      device: settings.BENCH_TRAIN_DEVICE,
      prompt_context: { system: promptContext.system !== null, tools: promptContext.tools !== null },
      mean_example_tokens: Math.round(meanTokens),
      exact_unseen: round4(evaluation.specialist.accuracy),
      zero_shot_exact: round4(evaluation.zeroShot.accuracy),
      few_shot_exact: round4(evaluation.fewShot.accuracy),
      valid_unseen: round4(evaluation.specialist.validRate),
      eval_examples: evalExamples,
      train_examples: counts.train,
      examples_seen: examplesSeen,
      steps: training.steps,
      train_seconds: Number(trainSeconds.toFixed(1)),
      step_seconds: Number(loopSeconds.toFixed(1)),
      train_tokens_per_s: Number(tokensPerSecond.toFixed(1)),
      first_loss: round4(training.metrics.firstLoss),
      last_loss: round4(lastLoss),
      gguf_matches_torch: round4(servedMatches / Math.max(evalExamples, 1)),
      gguf_text_matches_torch_no_grammar: round4(textMatches / Math.max(evalExamples, 1)),
      torch_exact_unseen: round4(torchCorrect / Math.max(evalExamples, 1)),
      specialist_p50_ms: Math.round(evaluation.specialist.latencyP50Ms),
      zero_shot_p50_ms: Math.round(evaluation.zeroShot.latencyP50Ms),
      few_shot_p50_ms: Math.round(evaluation.fewShot.latencyP50Ms),
      rank: hyperparameters.rank,
      learning_rate: hyperparameters.learningRate,
      batch: settings.BENCH_TRAIN_BATCH,
    })}`,
  );
} finally {
  if (settings.BENCH_TRAIN_KEEP === '1') log(`kept ${workDir}`);
  else await rm(workDir, { recursive: true, force: true });
}

/** What the engine served, as text comparable with torch's: the content, or a tool call as the grammar's JSON. */
function servedText(answer: EngineResult): string {
  const call = answer.toolCalls[0];
  if (call === undefined) return answer.content ?? '';
  return answerAsText({ role: 'assistant', content: null, tool_calls: [{ id: 'served', type: 'function', function: { name: call.name, arguments: call.arguments } }] });
}

/** Mean tokens per training example as the worker sees them (prompt cut to fit `maxLength`). */
async function meanExampleTokens(tokensFile: string, maxLength: number): Promise<number> {
  const lines = (await readFile(tokensFile, 'utf8')).split('\n').filter((line) => line.trim().length > 0);
  let total = 0;
  for (const line of lines) {
    const row = z.object({ prompt_tokens: z.array(z.number()), completion_tokens: z.array(z.number()) }).parse(JSON.parse(line));
    total += Math.min(maxLength, row.prompt_tokens.length + row.completion_tokens.length);
  }
  return lines.length === 0 ? 0 : total / lines.length;
}
