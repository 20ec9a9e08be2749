/**
 * Model selection on a task's own data: every reachable candidate answers the task's validation split —
 * zero-shot, few-shot (worked examples from the training split) and, for specialists already trained, with
 * their adapter — and each answer is scored against the teacher's answer. The figures per candidate and
 * mode (accuracy with a 95% interval, structural validity, partial credit, latency, serving cost) feed
 * `rankCandidates`, which orders them and says why.
 *
 * Scoring is injected (`scorer`): selection sits above evaluation in the pipeline, so the command wires
 * the evaluation module's metrics in; selection itself only counts. So is answer confidence
 * (`answerConfidence`, the evaluation module's): given it, every call asks the engine for logprobs and each run
 * keeps one confidence record per example, the samples a routing threshold is calibrated on.
 */
import type { ChatMessage } from '../contracts/chat-completion.ts';
import type { LoadedDataset } from '../curate/dataset/read-dataset.ts';
import type { FineTuneMessage } from '../curate/dataset/training-example.ts';
import type { EngineRequest, EngineResult, EngineTokenLogprob, SpecialistEngine } from '../providers/engines/specialist-engine.ts';
import { engineRequestFromChat } from '../providers/engines/engine-request.ts';
import { answerAsText, splitDatasetLine, withFewShotExamples } from './few-shot-prompt.ts';

/** How a candidate is prompted. */
export type SelectionMode = 'zero-shot' | 'few-shot' | 'specialist';

/** An answer in the shape scorers take. */
export interface ScoredAnswer {
  content: string | null;
  toolCalls: Array<{ name: string; arguments: string }>;
}

export interface ScoreVerdict {
  correct: boolean;
  /** 0..1 partial credit (field accuracy, text similarity). */
  score: number;
  /** Parseable and matching the task's response format / offered tools. */
  valid: boolean;
  reason?: string;
  metric: string;
}

export type SelectionScorer = (
  reference: ScoredAnswer,
  candidate: ScoredAnswer,
  context: { responseFormat: Record<string, unknown> | null; tools: Array<Record<string, unknown>> | null },
) => Promise<ScoreVerdict>;

export interface SelectionCandidate {
  /** Stable id: a catalog id, `file:<name>`, `server:<model>` or `specialist:<id>`. */
  id: string;
  label: string;
  origin: 'catalog' | 'local-file' | 'server' | 'specialist';
  modes: SelectionMode[];
  /** LoRA adapter (path or served name) for the `specialist` mode. */
  adapter?: string;
  /**
   * Reshapes the request into the candidate's own prompt format (a compact task prompt, a prompt without the
   * context it learned: specialist-prompt.ts); a throw fails that example with the reason.
   */
  prepareRequest?: (request: EngineRequest) => EngineRequest;
  /** Bytes of weights to hold in memory, when known (file size, or the catalog's estimate). */
  memoryBytes?: number;
  licence?: string;
  /** US dollars per hour of the machine serving it; null when it is not ours to price (a remote server). */
  usdPerHour: number | null;
  /** Opens the engine; a throw makes the candidate unreachable with that reason. */
  open(): Promise<SpecialistEngine>;
}

/** Turns an answer's token logprobs into one confidence in [0, 1], or null without evidence. */
export type SelectionConfidence = (logprobs: EngineTokenLogprob[] | null) => number | null;

/**
 * One example's answer as the router would judge it: how sure the engine was (the injected `answerConfidence`,
 * e.g. the least likely generated token's probability) and how the answer scored. These are the samples a
 * confidence threshold is calibrated on.
 */
export interface AnswerConfidenceRecord {
  /** Null when the engine gave no logprobs, or the call failed. */
  confidence: number | null;
  correct: boolean;
  valid: boolean;
  /** The engine call threw: no answer, counted as neither correct nor valid. */
  error: boolean;
}

export interface FailureExample {
  /** The last prompt message, shortened. */
  input: string;
  expected: string;
  got: string;
  reason: string;
}

export interface CandidateRun {
  candidateId: string;
  label: string;
  origin: SelectionCandidate['origin'];
  mode: SelectionMode;
  examples: number;
  correct: number;
  accuracy: number;
  /** Wilson score interval, 95%. */
  accuracyInterval: [number, number];
  validRate: number;
  meanScore: number;
  /** Calls that threw (prompt too long for the context, grammar failure, server error). */
  errors: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  /** Generated tokens per second of call time, prompt evaluation included. */
  tokensPerSecond: number;
  /** Serving cost per thousand calls at the measured mean latency; null when not priced. */
  usdPer1kCalls: number | null;
  memoryBytes?: number;
  licence?: string;
  metric: string;
  failures: FailureExample[];
  /**
   * One record per example, in split order. Set only when `runSelection` was given `answerConfidence`, so
   * selections without it (and those saved before this field) keep their shape.
   */
  confidences?: AnswerConfidenceRecord[];
}

export interface UnreachableCandidate {
  candidateId: string;
  label: string;
  reason: string;
}

export interface SelectionProgress {
  candidateId: string;
  mode: SelectionMode;
  done: number;
  total: number;
}

export interface RunSelectionOptions {
  dataset: LoadedDataset;
  candidates: readonly SelectionCandidate[];
  scorer: SelectionScorer;
  /**
   * When given, engines are asked for logprobs and each run records every answer's confidence in
   * `confidences` (pass src/evaluate/answer-confidence.ts `answerConfidence`). Without it no logprobs are
   * requested (they cost engine time) and runs have no `confidences`.
   */
  answerConfidence?: SelectionConfidence;
  /** Validation examples to run (the first N, in file order). Default 30. */
  limit?: number;
  /** Worked examples in few-shot mode. Default 3. */
  shots?: number;
  /** Failures kept per run for the side-by-side view. Default 5. */
  keptFailures?: number;
  onProgress?: (progress: SelectionProgress) => void;
  signal?: AbortSignal;
}

export interface SelectionRuns {
  runs: CandidateRun[];
  unreachable: UnreachableCandidate[];
  /** Validation examples each run answered. */
  examples: number;
  responseFormat: Record<string, unknown> | null;
}

const defaultKeptFailures = 5;

/**
 * @example
 * const { runs } = await runSelection({ dataset: await readDataset(dir), candidates, scorer });
 * rankCandidates(runs);
 */
export async function runSelection(options: RunSelectionOptions): Promise<SelectionRuns> {
  const limit = options.limit ?? 30;
  const shots = options.shots ?? 3;
  const validation = options.dataset.validation.slice(0, limit);
  const examples = options.dataset.train.slice(0, shots);
  const responseFormat = dominantResponseFormat(options.dataset);
  const toolChoice = taskToolChoice(options.dataset);
  const maxTokens = answerTokenBudget(options.dataset);
  const runs: CandidateRun[] = [];
  const unreachable: UnreachableCandidate[] = [];
  if (validation.length === 0) return { runs, unreachable, examples: 0, responseFormat };

  for (const candidate of options.candidates) {
    options.signal?.throwIfAborted();
    let engine: SpecialistEngine;
    try {
      engine = await candidate.open();
    } catch (error) {
      unreachable.push({ candidateId: candidate.id, label: candidate.label, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    try {
      for (const mode of candidate.modes) {
        if (mode === 'few-shot' && examples.length === 0) continue;
        const run = newRun(candidate, mode);
        const confidences: AnswerConfidenceRecord[] = [];
        if (options.answerConfidence !== undefined) run.confidences = confidences;
        const latencies: number[] = [];
        let generatedTokens = 0;
        let scoreSum = 0;
        let valid = 0;
        for (const [index, line] of validation.entries()) {
          options.signal?.throwIfAborted();
          const { prompt, answer } = splitDatasetLine(line);
          const tools = line.tools ?? null;
          const asked = mode === 'few-shot' ? withFewShotExamples(prompt, examples) : prompt;
          const reference = toScoredAnswer(answer);
          let result: EngineResult | null = null;
          let failure: string | null = null;
          try {
            const request = engineRequestFromChat({ messages: asked, tools, responseFormat, toolChoice, maxTokens, adapter: mode === 'specialist' ? candidate.adapter : undefined, logprobs: options.answerConfidence !== undefined, signal: options.signal });
            result = await engine.complete(candidate.prepareRequest === undefined ? request : candidate.prepareRequest(request));
          } catch (error) {
            if (options.signal?.aborted) throw error;
            failure = error instanceof Error ? error.message : String(error);
          }
          run.examples += 1;
          if (result === null) {
            run.errors += 1;
            confidences.push({ confidence: null, correct: false, valid: false, error: true });
            recordFailure(options.keptFailures ?? defaultKeptFailures, run, prompt, reference, null, `engine error: ${failure ?? 'unknown'}`);
          } else {
            latencies.push(result.latencyMs);
            generatedTokens += result.tokens.completion;
            const got = { content: result.content, toolCalls: result.toolCalls };
            const verdict = await options.scorer(reference, got, { responseFormat, tools });
            run.metric = verdict.metric;
            scoreSum += verdict.score;
            if (verdict.valid) valid += 1;
            confidences.push({ confidence: options.answerConfidence?.(result.logprobs) ?? null, correct: verdict.correct, valid: verdict.valid, error: false });
            if (verdict.correct) run.correct += 1;
            else recordFailure(options.keptFailures ?? defaultKeptFailures, run, prompt, reference, got, result.finishReason === 'length' ? `cut off at ${maxTokens} tokens; ${verdict.reason ?? ''}` : (verdict.reason ?? 'differs'));
          }
          options.onProgress?.({ candidateId: candidate.id, mode, done: index + 1, total: validation.length });
        }
        finishRun(run, latencies, generatedTokens, scoreSum, valid, candidate.usdPerHour);
        runs.push(run);
      }
    } finally {
      await engine.close();
    }
  }
  return { runs, unreachable, examples: validation.length, responseFormat };
}

function newRun(candidate: SelectionCandidate, mode: SelectionMode): CandidateRun {
  return {
    candidateId: candidate.id,
    label: candidate.label,
    origin: candidate.origin,
    mode,
    examples: 0,
    correct: 0,
    accuracy: 0,
    accuracyInterval: [0, 0],
    validRate: 0,
    meanScore: 0,
    errors: 0,
    latencyP50Ms: 0,
    latencyP95Ms: 0,
    tokensPerSecond: 0,
    usdPer1kCalls: null,
    ...(candidate.memoryBytes === undefined ? {} : { memoryBytes: candidate.memoryBytes }),
    ...(candidate.licence === undefined ? {} : { licence: candidate.licence }),
    metric: 'none',
    failures: [],
  };
}

function finishRun(run: CandidateRun, latencies: number[], generatedTokens: number, scoreSum: number, valid: number, usdPerHour: number | null): void {
  const sorted = [...latencies].sort((left, right) => left - right);
  const totalMs = sorted.reduce((sum, value) => sum + value, 0);
  run.accuracy = run.examples === 0 ? 0 : run.correct / run.examples;
  run.accuracyInterval = wilsonInterval(run.correct, run.examples);
  run.validRate = run.examples === 0 ? 0 : valid / run.examples;
  run.meanScore = run.examples === 0 ? 0 : scoreSum / run.examples;
  run.latencyP50Ms = percentile(sorted, 0.5);
  run.latencyP95Ms = percentile(sorted, 0.95);
  run.tokensPerSecond = totalMs === 0 ? 0 : generatedTokens / (totalMs / 1000);
  // A busy machine answers one call per mean latency: cost of a thousand calls is a thousand latencies of its time.
  run.usdPer1kCalls = usdPerHour === null || sorted.length === 0 ? null : (usdPerHour / 3_600_000) * (totalMs / sorted.length) * 1000;
}

/** 95% Wilson score interval for `successes` out of `trials`: honest at small n and at 0% or 100%. */
export function wilsonInterval(successes: number, trials: number): [number, number] {
  if (trials === 0) return [0, 1];
  const z = 1.959964;
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function percentile(sorted: readonly number[], quantile: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] ?? 0;
}

function recordFailure(keptFailures: number, run: CandidateRun, prompt: readonly ChatMessage[], reference: ScoredAnswer, got: ScoredAnswer | null, reason: string): void {
  if (run.failures.length >= keptFailures) return;
  const last = prompt.at(-1) as { content?: unknown } | undefined;
  const input = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  run.failures.push({ input: shorten(input, 240), expected: shorten(describeAnswer(reference), 240), got: got === null ? '(no answer)' : shorten(describeAnswer(got), 240), reason: shorten(reason, 240) });
}

function describeAnswer(answer: ScoredAnswer): string {
  if (answer.toolCalls.length > 0) return answer.toolCalls.map((call) => `${call.name}(${call.arguments})`).join('; ');
  return answer.content ?? '';
}

function shorten(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`;
}

function toScoredAnswer(answer: FineTuneMessage): ScoredAnswer {
  const content = typeof answer.content === 'string' ? answer.content : answer.content == null ? null : answerAsText({ role: 'assistant', content: answer.content });
  return { content, toolCalls: (answer.tool_calls ?? []).map((call) => ({ name: call.function.name, arguments: call.function.arguments })) };
}

/**
 * The response format most of the task's calls asked for (the manifest records them; fine-tuning lines do
 * not carry it). A task whose calls disagree is scored against the majority's format.
 */
function dominantResponseFormat(dataset: LoadedDataset): Record<string, unknown> | null {
  const formats = [...dataset.manifest.outputShape.responseFormats].sort((left, right) => right.count - left.count);
  const value = formats[0]?.value;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * Fine-tuning lines do not carry `tool_choice`. A task whose teacher sometimes answers in text although tools
 * were offered (an agent's next step: call a tool, or reply when done) is asked with `auto`, as the agent asks;
 * a task that always calls is asked with `required`, so a base model is not scored on chatting instead.
 */
function taskToolChoice(dataset: LoadedDataset): 'auto' | 'required' {
  const withTools = [...dataset.train, ...dataset.validation].filter((line) => (line.tools ?? []).length > 0);
  return withTools.some((line) => (line.messages.at(-1)?.tool_calls ?? []).length === 0) ? 'auto' : 'required';
}

/** Room for the longest reference answer in the training and validation splits, with slack, capped at 1024. */
function answerTokenBudget(dataset: LoadedDataset): number {
  let longest = 0;
  for (const line of [...dataset.train, ...dataset.validation]) {
    const answer = line.messages.at(-1);
    if (answer !== undefined) longest = Math.max(longest, answerAsText(answer).length);
  }
  // About three characters per token for JSON and English under BPE; half again for models that tokenise worse.
  return Math.min(1024, Math.max(32, Math.ceil((longest / 3) * 1.5) + 16));
}
