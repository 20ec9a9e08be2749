/**
 * `understudy dataset build TASK`: turns the logged calls of one task into a versioned dataset —
 * filter (drop what must not be learned) → redact (personal data and secrets) → dedup (on payload and
 * answer, not template) → split (by episode, test held out on values) → write `train.jsonl`,
 * `validation.jsonl`, `test.jsonl` in OpenAI chat fine-tuning format and a `manifest.json`.
 * Deterministic: the same calls, seed and options give byte-identical files and so the same version, whatever
 * order, call ids and times the calls were captured with (`internal/canonical-example-order.ts`); the call ids go
 * to `sources.json`, outside the hashed files.
 */
import type { CallRecord } from '../../contracts/call-record.ts';
import type { Redactor } from '../redactor.ts';
import { sortByExampleContent } from './internal/canonical-example-order.ts';
import { canonicalJson, compareStrings, sha256Hex } from './internal/canonical-json.ts';
import { datasetVersion, taskDirectory, taskSlug } from './internal/dataset-paths.ts';
import { writeDatasetSources } from './internal/dataset-sources.ts';
import { writeDatasetVersion } from './internal/write-dataset-version.ts';
import { datasetFileNames, type DatasetFileName, type DatasetManifest } from './dataset-manifest.ts';
import { dedupExamples, type SlottedExample } from './dedup-examples.ts';
import type { SlotModelOptions } from './extract-variable-slots.ts';
import { filterCalls, judgeCall, type FilterCallsOptions } from './filter-calls.ts';
import { defaultSplitShares, splitExamples, type SplitShares } from './split-examples.ts';
import { readTrainingExample, toFineTuneLine, type TrainingExample } from './training-example.ts';

export interface BuildDatasetOptions {
  task: string;
  /** The calls of this one task, in any order; anything that is not a usable call is counted and skipped. */
  calls: Iterable<unknown>;
  /**
   * A fresh redactor per dataset: its scope (same surrogate for the same value) and its stats are the
   * dataset's. The builder does not store pseudonym mappings: the caller hands `takeNewMappings()` to the vault.
   */
  redactor: Redactor;
  /** Root folder; the dataset goes to `<outDir>/<task-slug>/<version>/`. */
  outDir: string;
  /** Seed of the episode split (default `understudy`). */
  seed?: string;
  shares?: SplitShares;
  filter?: FilterCallsOptions;
  slots?: SlotModelOptions;
  /**
   * Keys the order calls are redacted in (see `datasetOrderKey`), so placeholder numbers reveal nothing about
   * the real text. Without it the order is an unkeyed hash of the calls' content (tests, redactors without secrets).
   */
  orderKey?: Uint8Array;
  /** Clock for `createdAt` (tests). */
  now?: () => Date;
}

export interface BuiltDataset {
  /** The version directory. */
  dir: string;
  manifest: DatasetManifest;
  /** True when this exact version already existed and was kept. */
  reused: boolean;
}

/**
 * @example
 * const { dir, manifest } = await buildDataset({ task: 'support/extract-order', calls, redactor, outDir: 'data/datasets' });
 * console.log(manifest.version, manifest.split.counts);
 */
export async function buildDataset(options: BuildDatasetOptions): Promise<BuiltDataset> {
  const seed = options.seed ?? 'understudy';
  const shares = options.shares ?? defaultSplitShares;
  const calls = [...options.calls];
  const filtered = filterCalls(calls, options.filter);
  const dropped: Record<string, number> = { ...filtered.dropped, redaction_failed: 0 };

  // Redaction numbers placeholders and picks surrogates in the order it sees values: fix that order by content.
  const readable = filtered.kept.map((record) => {
    const read = readTrainingExample(record);
    // filterCalls keeps only calls that read as examples.
    if (!read.ok) throw new Error(`kept call ${record.id} does not read as an example: ${read.detail}`);
    return { record, example: read.example };
  });
  const ordered = sortByExampleContent(readable, (entry) => entry.example, options.orderKey);
  const examples: TrainingExample[] = [];
  for (const { record } of ordered) {
    const example = redactToExample(record, options.redactor, options.filter);
    if (example === null) dropped.redaction_failed = (dropped.redaction_failed ?? 0) + 1;
    else examples.push(example);
  }

  const dedup = dedupExamples(examples, options.slots);
  const split = splitExamples(dedup.kept, { seed, shares });
  const files = new Map<DatasetFileName, string>([
    ['train.jsonl', toJsonl(split.train)],
    ['validation.jsonl', toJsonl(split.validation)],
    ['test.jsonl', toJsonl(split.test)],
  ]);
  const fileEntries = Object.fromEntries(
    datasetFileNames.map((fileName) => {
      const content = files.get(fileName) ?? '';
      return [fileName, { sha256: sha256Hex(content), lines: content.length === 0 ? 0 : content.split('\n').length - 1, bytes: Buffer.byteLength(content) }];
    }),
  ) as DatasetManifest['files'];
  const version = datasetVersion(options.task, Object.fromEntries(datasetFileNames.map((fileName) => [fileName, fileEntries[fileName].sha256])));
  const stats = options.redactor.stats();
  const finalExamples = [...split.train, ...split.validation, ...split.test].map((slotted) => slotted.example);
  const manifest: DatasetManifest = {
    formatVersion: 1,
    kind: 'understudy-dataset',
    name: `${taskSlug(options.task)}@${version}`,
    task: options.task,
    version,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    format: 'openai-chat-jsonl',
    source: { callCount: calls.length, exampleCount: finalExamples.length },
    filter: { maxChars: options.filter?.maxChars ?? 200_000, dropped },
    redaction: {
      mode: options.redactor.mode,
      scope: options.redactor.scope,
      stringsScanned: stats.stringsScanned,
      bytesScanned: stats.bytesScanned,
      replacedByKind: definedCounts(stats.replacedByKind),
      distinctByKind: definedCounts(stats.distinctByKind),
    },
    dedup: {
      method: 'variable-slots+output',
      inputCount: dedup.inputCount,
      keptCount: dedup.kept.length,
      removedCount: dedup.removedCount,
      skeletonShare: dedup.model.skeletonShare,
      minSkeletonCalls: dedup.model.minSkeletonCalls,
      skeletonThreshold: dedup.model.skeletonThreshold,
      skeletonTokenCount: dedup.model.skeletonTokens.size,
      minValueLength: dedup.model.minValueLength,
      maxValueCalls: dedup.model.maxValueCalls,
    },
    split: {
      method: 'episode-hash+value-disjoint-test',
      seed,
      shares,
      counts: { train: split.train.length, validation: split.validation.length, test: split.test.length },
      groupCounts: split.groupCounts,
      removedForValueOverlap: split.removedForValueOverlap,
      heldOutValueCount: split.heldOutValueCount,
    },
    outputShape: describeOutputShape(finalExamples),
    files: fileEntries,
  };
  const written = await writeDatasetVersion(taskDirectory(options.outDir, options.task), manifest, files);
  // Provenance for deletion (docs/data-protection.md): which calls this version may hold examples of.
  await writeDatasetSources(written.dir, filtered.kept.map((record) => record.id));
  return written;
}

/** The redacted call as an example, or null when the redactor failed on it or left it unusable. */
function redactToExample(record: CallRecord, redactor: Redactor, filter: FilterCallsOptions | undefined): TrainingExample | null {
  let redacted: CallRecord;
  try {
    redacted = redactor.redactCall(record);
  } catch {
    return null;
  }
  // Re-judged after redaction: a surrogate must not turn a valid answer into an invalid one unnoticed.
  const verdict = judgeCall(redacted, filter);
  return verdict.keep ? verdict.example : null;
}

function toJsonl(examples: readonly SlottedExample[]): string {
  return examples.map((slotted) => `${JSON.stringify(toFineTuneLine(slotted.example))}\n`).join('');
}

function definedCounts(counts: Partial<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
}

function describeOutputShape(examples: readonly TrainingExample[]): DatasetManifest['outputShape'] {
  const responseFormats = new Map<string, { value: unknown; count: number }>();
  const toolsets = new Map<string, { sha256: string; names: string[]; count: number }>();
  for (const example of examples) {
    const formatKey = canonicalJson(example.responseFormat);
    const format = responseFormats.get(formatKey) ?? { value: example.responseFormat, count: 0 };
    format.count += 1;
    responseFormats.set(formatKey, format);
    const tools = example.tools ?? [];
    const toolsKey = sha256Hex(canonicalJson(tools));
    const names = tools.map((tool) => {
      const fn = tool.function;
      return fn !== null && typeof fn === 'object' && 'name' in fn && typeof fn.name === 'string' ? fn.name : '?';
    });
    const toolset = toolsets.get(toolsKey) ?? { sha256: toolsKey, names, count: 0 };
    toolset.count += 1;
    toolsets.set(toolsKey, toolset);
  }
  const byCount = <T extends { count: number }>(entries: Iterable<[string, T]>): T[] =>
    [...entries].sort((left, right) => right[1].count - left[1].count || compareStrings(left[0], right[0])).map((entry) => entry[1]);
  const sortedFormats = byCount(responseFormats);
  const sortedToolsets = byCount(toolsets);
  return { signature: sha256Hex(canonicalJson({ responseFormats: sortedFormats, toolsets: sortedToolsets })), responseFormats: sortedFormats, toolsets: sortedToolsets };
}
