/**
 * `understudy dataset augment TASK --teacher MODEL`: more training examples for a task with few, written by the
 * teacher (the LLM the agent calls), in two requests per example:
 *
 * A. *variation* — a few final user messages (the payloads, already redacted) of the train split, picked by a
 *    seeded hash, and a request for ONE new input of the same kind with other values (`internal/variation-prompt.ts`);
 * B. *target* — the new input put in place of the final user message of the first of them (system prompt, earlier
 *    turns, tools and response format kept) and sent as the agent would have sent it; the teacher's answer,
 *    content or tool call, is the target.
 *
 * Candidates go through the dataset filter (`judgeCall`: refusals, truncation, answers that break their
 * response format or tool arguments, text quality), then the augmentation guard (`internal/augmentation-guard.ts`:
 * an input already in any split, or a validation/test value no train example carries, is dropped). Every drop is
 * counted by reason. The result is a NEW dataset version beside the parent: train = the parent's train plus the
 * accepted lines, validation and test byte-identical, manifest with an `augmentation` record; `latest` points at it.
 *
 * Deterministic: attempt `i` depends only on the seed, `i` and the teacher's answers, and candidates are judged in
 * attempt order whatever the concurrency — a teacher that answers the same request the same way (temperature 0,
 * the simulator's seeded teacher) gives the same version twice.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CallRecord } from '../../contracts/call-record.ts';
import { chatCompletionRequestSchema, type ChatCompletion, type ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import { createAugmentationGuard, finalUserText } from './internal/augmentation-guard.ts';
import { canonicalJson, isPlainObject, seededUnit, sha256Hex } from './internal/canonical-json.ts';
import { datasetVersion, taskSlug } from './internal/dataset-paths.ts';
import { readDatasetSources, writeDatasetSources } from './internal/dataset-sources.ts';
import { lineResponseFormat } from './internal/line-response-format.ts';
import { buildVariationRequest, readVariationReply } from './internal/variation-prompt.ts';
import { writeDatasetVersion } from './internal/write-dataset-version.ts';
import { datasetFileNames, type DatasetManifest } from './dataset-manifest.ts';
import { filterReasons, judgeCall } from './filter-calls.ts';
import type { LoadedDataset } from './read-dataset.ts';
import { toFineTuneLine, type FineTuneLine, type TrainingExample } from './training-example.ts';

/**
 * Completes one chat request as the teacher model: the provider's chat completion, as sent (read defensively).
 * The CLI passes the configured provider that serves the model (`dataset-command.ts`); tests, the simulator's teacher.
 */
export type DatasetTeacher = (request: ChatCompletionRequest) => Promise<ChatCompletion>;

/** Why an attempt added nothing, besides the dataset filter's own reasons (`filterReasons`). */
export const augmentationDropReasons = ['teacher_error', 'empty_input', 'duplicate_input', 'held_out_value', 'empty_answer'] as const;
export type AugmentationDropReason = (typeof augmentationDropReasons)[number] | (typeof filterReasons)[number];

export interface AugmentDatasetOptions {
  /** The parent version, as `readDataset` loaded it; it is never modified. */
  dataset: LoadedDataset;
  /** New training examples to ask for (one attempt each); drops make the accepted count smaller. */
  count: number;
  teacher: DatasetTeacher;
  /** Sent as `model` in every request and recorded in the manifest. */
  teacherModel: string;
  /** Picks the seed examples of each attempt (default `understudy`). */
  seed?: string;
  /** Attempts in flight at once (default 4). */
  concurrency?: number;
  /** Inputs shown in each variation request (default 3; fewer when train has fewer of the same shape). */
  examplesPerPrompt?: number;
  /** Clock for `createdAt` (tests). */
  now?: () => Date;
  /** Called after each attempt, `done` of `total` (= count). */
  onProgress?: (done: number, total: number) => void;
}

export interface AugmentDatasetResult {
  /** The new version directory; the parent's when nothing was accepted (nothing written then). */
  dir: string;
  manifest: DatasetManifest;
  /** True when the version already existed (an identical earlier run) or nothing was accepted. */
  reused: boolean;
  parentVersion: string;
  requested: number;
  generated: number;
  accepted: number;
  /** Attempts dropped per reason; only reasons that happened. */
  dropped: Partial<Record<AugmentationDropReason, number>>;
  /** The accepted lines, in the order they were appended to train. */
  lines: FineTuneLine[];
}

type Attempt =
  | { kind: 'generated'; example: TrainingExample }
  | { kind: 'dropped'; reason: AugmentationDropReason; error?: unknown };

/**
 * @example
 * // The CLI wires the provider that serves the model (`dataset-command.ts`); any OpenAI-compatible client fits.
 * const result = await augmentDataset({ dataset: await readDataset(dir), count: 200, teacher: teacher.complete, teacherModel: 'gpt-4.1' });
 * console.log(result.accepted, result.dropped, result.dir);
 */
export async function augmentDataset(options: AugmentDatasetOptions): Promise<AugmentDatasetResult> {
  const { dataset, teacherModel } = options;
  const count = options.count;
  if (!Number.isInteger(count) || count < 1) throw new UnderstudyError('invalid_request', `count must be a whole number of at least 1, got ${count}`, { param: 'count' });
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const perPrompt = Math.max(1, Math.floor(options.examplesPerPrompt ?? 3));
  const seed = options.seed ?? 'understudy';
  // Only lines whose prompt ends with the user's message can take a new one: replacing a user message that
  // tool results answered would leave those results about another input.
  const eligible = dataset.train.filter((line) => finalUserText(line.messages.slice(0, -1)) !== null);
  if (eligible.length === 0) {
    throw new UnderstudyError('invalid_request', `Dataset ${dataset.manifest.name} has no training example that ends with a user message to vary`);
  }

  const attemptOne = async (index: number): Promise<Attempt> => {
    const shown = pickShownLines(eligible, `${seed}/${index}`, perPrompt);
    const base = shown[0]!;
    const variation = await askTeacher(options.teacher, buildVariationRequest(teacherModel, shown.map((line) => finalUserText(line.messages.slice(0, -1))!)));
    if (!variation.ok) return { kind: 'dropped', reason: 'teacher_error', error: variation.error };
    const input = readVariationReply(firstMessage(variation.completion)?.content as string | null | undefined);
    if (input.length === 0) return { kind: 'dropped', reason: 'empty_input' };
    const request = targetRequest(base, input, teacherModel, lineResponseFormat(base, dataset.manifest));
    if (request === null) return { kind: 'dropped', reason: 'malformed' };
    const target = await askTeacher(options.teacher, request);
    if (!target.ok) return { kind: 'dropped', reason: 'teacher_error', error: target.error };
    const verdict = judgeCall(teacherCallRecord(request, target.completion, dataset.manifest.task, index));
    if (!verdict.keep) return { kind: 'dropped', reason: verdict.reason === 'malformed' && isEmptyAnswer(target.completion) ? 'empty_answer' : verdict.reason };
    return { kind: 'generated', example: verdict.example };
  };

  const attempts = await runPool(count, concurrency, attemptOne, options.onProgress);

  const guard = createAugmentationGuard(dataset);
  const dropped: Partial<Record<AugmentationDropReason, number>> = {};
  const drop = (reason: AugmentationDropReason): void => {
    dropped[reason] = (dropped[reason] ?? 0) + 1;
  };
  const lines: FineTuneLine[] = [];
  let generated = 0;
  for (const attempt of attempts) {
    if (attempt.kind === 'dropped') {
      drop(attempt.reason);
      continue;
    }
    generated += 1;
    const reason = guard.judge(attempt.example);
    if (reason !== null) {
      drop(reason);
      continue;
    }
    guard.accept(attempt.example);
    lines.push(toFineTuneLine(attempt.example));
  }
  const summary = { parentVersion: dataset.manifest.version, requested: count, generated, accepted: lines.length, dropped, lines };
  if (lines.length === 0) {
    // A teacher that failed every time is a configuration problem, not a result: say what it answered.
    const errors = attempts.flatMap((attempt) => (attempt.kind === 'dropped' && attempt.reason === 'teacher_error' ? [attempt.error] : []));
    if (errors.length === count) {
      const first = errors[0];
      if (first instanceof UnderstudyError) throw first;
      throw new UnderstudyError('upstream_error', `Teacher ${teacherModel} failed on every request: ${first instanceof Error ? first.message : String(first)}`, { cause: first });
    }
    return { dir: dataset.dir, manifest: dataset.manifest, reused: true, ...summary };
  }
  const written = await writeAugmentedVersion(dataset, lines, {
    method: 'teacher-variation',
    parentVersion: dataset.manifest.version,
    teacherModel,
    seed,
    requested: count,
    generated,
    accepted: lines.length,
    dropped: Object.fromEntries(Object.entries(dropped).sort(([left], [right]) => (left < right ? -1 : 1))),
  }, options.now);
  return { ...written, ...summary };
}

/** The seed line and the others shown beside it: lines of the same shape (turns, tools), in seeded order. */
function pickShownLines(eligible: readonly FineTuneLine[], key: string, perPrompt: number): FineTuneLine[] {
  const ordered = eligible
    .map((line, index) => ({ line, unit: seededUnit(key, String(index)) }))
    .sort((left, right) => left.unit - right.unit)
    .map((entry) => entry.line);
  const base = ordered[0]!;
  const shape = lineShape(base);
  return [base, ...ordered.slice(1).filter((line) => lineShape(line) === shape).slice(0, perPrompt - 1)];
}

function lineShape(line: FineTuneLine): string {
  return sha256Hex(canonicalJson({ roles: line.messages.map((message) => message.role), tools: line.tools ?? null }));
}

/** The seed line's request with `input` as its final user message, validated as the chat request it is. */
function targetRequest(base: FineTuneLine, input: string, model: string, responseFormat: Record<string, unknown> | null): ChatCompletionRequest | null {
  const prompt = base.messages.slice(0, -1);
  const body: Record<string, unknown> = { model, messages: [...prompt.slice(0, -1), { ...prompt[prompt.length - 1], role: 'user', content: input }] };
  if (base.tools !== undefined) body.tools = base.tools;
  if (base.parallel_tool_calls !== undefined) body.parallel_tool_calls = base.parallel_tool_calls;
  if (responseFormat !== null) body.response_format = responseFormat;
  const parsed = chatCompletionRequestSchema.safeParse(body);
  return parsed.success ? parsed.data : null;
}

async function askTeacher(teacher: DatasetTeacher, request: ChatCompletionRequest): Promise<{ ok: true; completion: ChatCompletion } | { ok: false; error: unknown }> {
  try {
    return { ok: true, completion: await teacher(request) };
  } catch (error) {
    return { ok: false, error };
  }
}

function firstMessage(completion: unknown): Record<string, unknown> | null {
  if (!isPlainObject(completion) || !Array.isArray(completion.choices)) return null;
  const choice: unknown = completion.choices[0];
  return isPlainObject(choice) && isPlainObject(choice.message) ? choice.message : null;
}

function isEmptyAnswer(completion: unknown): boolean {
  const message = firstMessage(completion);
  const content = message?.content;
  const hasText = typeof content === 'string' ? content.trim().length > 0 : Array.isArray(content) && content.length > 0;
  return !hasText && !(Array.isArray(message?.tool_calls) && message.tool_calls.length > 0);
}

/**
 * The teacher's answer as the call record the dataset filter judges: the same checks a logged call passes to
 * get into a dataset. Never stored; ids, times and costs are placeholders.
 */
function teacherCallRecord(request: ChatCompletionRequest, completion: ChatCompletion, task: string, index: number): CallRecord {
  const choice = isPlainObject(completion) && Array.isArray(completion.choices) && isPlainObject(completion.choices[0]) ? completion.choices[0] : null;
  return {
    version: 1,
    id: `augment-${index}`,
    source: 'sdk',
    projectId: 'understudy-augment',
    endUserId: null,
    episodeId: null,
    task,
    route: 'llm',
    status: 'ok',
    errorClass: null,
    errorMessage: null,
    httpStatus: 200,
    model: request.model,
    responseModel: typeof completion.model === 'string' ? completion.model : null,
    provider: null,
    stream: false,
    startedAt: 0,
    latencyMs: 0,
    ttftMs: null,
    tokensIn: null,
    tokensOut: null,
    tokensEstimated: false,
    costUsd: null,
    finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : null,
    request: request as Record<string, unknown>,
    response: completion,
  };
}

/** Runs `total` attempts with at most `concurrency` in flight; results keep attempt order. */
async function runPool<T>(total: number, concurrency: number, work: (index: number) => Promise<T>, onProgress?: (done: number, total: number) => void): Promise<T[]> {
  const results = new Array<T>(total);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next;
      next += 1;
      results[index] = await work(index);
      done += 1;
      onProgress?.(done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}

/** The parent's files with `lines` appended to train, written as a new version with the parent's provenance. */
async function writeAugmentedVersion(
  parent: LoadedDataset,
  lines: readonly FineTuneLine[],
  augmentation: NonNullable<DatasetManifest['augmentation']>,
  now: (() => Date) | undefined,
): Promise<{ dir: string; manifest: DatasetManifest; reused: boolean }> {
  const files = new Map<string, string>();
  for (const fileName of datasetFileNames) {
    const content = await readFile(path.join(parent.dir, fileName), 'utf8');
    // The parent was verified when loaded; a file changed since then must not be carried into a new version.
    if (sha256Hex(content) !== parent.manifest.files[fileName].sha256) {
      throw new UnderstudyError('import_invalid', `Dataset ${parent.dir} changed while it was being augmented: ${fileName} no longer matches its manifest`);
    }
    files.set(fileName, fileName === 'train.jsonl' ? content + lines.map((line) => `${JSON.stringify(line)}\n`).join('') : content);
  }
  const entries = Object.fromEntries(
    datasetFileNames.map((fileName) => {
      const content = files.get(fileName) ?? '';
      return [fileName, { sha256: sha256Hex(content), lines: content.length === 0 ? 0 : content.split('\n').length - 1, bytes: Buffer.byteLength(content) }];
    }),
  ) as DatasetManifest['files'];
  const task = parent.manifest.task;
  const version = datasetVersion(task, Object.fromEntries(datasetFileNames.map((fileName) => [fileName, entries[fileName].sha256])));
  const { counts } = parent.manifest.split;
  const manifest: DatasetManifest = {
    ...parent.manifest,
    name: `${taskSlug(task)}@${version}`,
    version,
    createdAt: (now?.() ?? new Date()).toISOString(),
    source: { ...parent.manifest.source, exampleCount: parent.manifest.source.exampleCount + lines.length },
    // The augmented lines use the parent's response formats and tool sets: `outputShape` (and its signature) stays.
    split: { ...parent.manifest.split, counts: { ...counts, train: counts.train + lines.length } },
    files: entries,
    augmentation,
  };
  const written = await writeDatasetVersion(path.dirname(parent.dir), manifest, files);
  // Deletion (docs/data-protection.md) must find this version from the calls its parent came from.
  await writeDatasetSources(written.dir, (await readDatasetSources(parent.dir)) ?? []);
  return written;
}
