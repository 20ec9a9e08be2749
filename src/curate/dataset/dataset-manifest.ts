/**
 * The manifest written beside a dataset's files: what went in, what was dropped and why, how the splits were
 * made, and the sha256 of every file. It is the stored contract later steps (train, evaluate, select) read a
 * dataset through, so it is a zod schema with a `formatVersion`, parsed whenever it is read back.
 */
import { z } from 'zod';

export const datasetFileNames = ['train.jsonl', 'validation.jsonl', 'test.jsonl'] as const;
export type DatasetFileName = (typeof datasetFileNames)[number];

const countSchema = z.number().int().nonnegative();
const fileEntrySchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), lines: countSchema, bytes: countSchema });
const splitCountsSchema = z.object({ train: countSchema, validation: countSchema, test: countSchema });

export const datasetVersionPattern = /^v-[0-9a-f]{12}$/;

export const datasetManifestSchema = z.object({
  formatVersion: z.literal(1),
  kind: z.literal('understudy-dataset'),
  /** `<task-slug>@<version>`. */
  name: z.string().min(1),
  task: z.string().min(1),
  /** `v-` and 12 hex digits of a hash of the task and the files' hashes: same content, same version. */
  version: z.string().regex(datasetVersionPattern),
  /** ISO time of the first build of this version (a rebuild with identical content keeps it). */
  createdAt: z.string(),
  /** Every line is one OpenAI chat fine-tuning example: `messages`, optional `tools` and `parallel_tool_calls`. */
  format: z.literal('openai-chat-jsonl'),
  source: z.object({ callCount: countSchema, exampleCount: countSchema }),
  filter: z.object({
    maxChars: countSchema,
    /** Calls dropped per reason: the filter's reasons plus `redaction_failed`. */
    dropped: z.record(z.string(), countSchema),
  }),
  redaction: z.object({
    mode: z.string(),
    /** The redactor's consistency scope (same surrogate for the same value within it). */
    scope: z.string(),
    stringsScanned: countSchema,
    bytesScanned: countSchema,
    replacedByKind: z.record(z.string(), countSchema),
    distinctByKind: z.record(z.string(), countSchema),
  }),
  dedup: z.object({
    method: z.literal('variable-slots+output'),
    inputCount: countSchema,
    keptCount: countSchema,
    removedCount: countSchema,
    skeletonShare: z.number(),
    minSkeletonCalls: countSchema,
    skeletonThreshold: countSchema,
    skeletonTokenCount: countSchema,
    minValueLength: countSchema,
    maxValueCalls: countSchema,
  }),
  split: z.object({
    method: z.literal('episode-hash+value-disjoint-test'),
    seed: z.string(),
    shares: z.object({ train: z.number(), validation: z.number(), test: z.number() }),
    counts: splitCountsSchema,
    /** Episodes (or calls without an episode) per split. */
    groupCounts: splitCountsSchema,
    removedForValueOverlap: z.object({ train: countSchema, validation: countSchema }),
    heldOutValueCount: countSchema,
  }),
  /** What the task's answers must look like; not part of the fine-tuning lines, so recorded here. */
  outputShape: z.object({
    /** sha256 of the response formats and tool sets below. */
    signature: z.string(),
    responseFormats: z.array(z.object({ value: z.unknown(), count: countSchema })),
    toolsets: z.array(z.object({ sha256: z.string(), names: z.array(z.string()), count: countSchema })),
  }),
  files: z.object({ 'train.jsonl': fileEntrySchema, 'validation.jsonl': fileEntrySchema, 'test.jsonl': fileEntrySchema }),
  /**
   * Set only on a version made by `dataset augment` (see `augment-dataset.ts`): its train split is the parent's
   * plus teacher-written examples, validation and test are the parent's byte for byte. Optional because built
   * versions (and every manifest written before augmentation existed) have none.
   */
  augmentation: z
    .object({
      method: z.literal('teacher-variation'),
      parentVersion: z.string().regex(datasetVersionPattern),
      teacherModel: z.string().min(1),
      seed: z.string(),
      /** New training examples asked for (one variation attempt each). */
      requested: countSchema,
      /** Attempts where the teacher wrote both an input and an answer. */
      generated: countSchema,
      accepted: countSchema,
      /** Attempts dropped per reason (the dataset filter's reasons plus augmentation's own). */
      dropped: z.record(z.string(), countSchema),
    })
    .optional(),
});

export type DatasetManifest = z.infer<typeof datasetManifestSchema>;
