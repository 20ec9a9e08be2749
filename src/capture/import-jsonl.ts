/**
 * Imports existing LLM logs so a team can start from the calls it already made. The file is JSON Lines,
 * one call per line, in OpenAI chat format:
 *
 * ```json
 * {"request": {"model": "gpt-4o-mini", "messages": [...]}, "response": {"id": "chatcmpl-…", "object": "chat.completion", …}, "metadata": {"task": "triage", "started_at": "2025-06-01T10:00:00Z"}}
 * ```
 *
 * - `request`: a chat completion request, validated with the same schema the gateway uses.
 * - `response`: a `chat.completion` (`model` and `choices` required; `id`, `object`, `created`, a choice's
 *   `index` and `finish_reason` are filled in when missing), an OpenAI error body `{"error": {"message": …}}`
 *   (stored as an error call), or `null` (a call that got no answer, stored as an error). The key must be
 *   present so a misspelt key is reported instead of silently importing an error.
 * - `metadata` (optional; unknown keys are ignored):
 *   `task`, `episode_id`, `end_user_id` (or `user`) — tags, which win over the request's own
 *   `user` / `metadata.understudy_*`; `started_at` — ISO 8601 or epoch milliseconds (numbers below 1e11 are
 *   taken as epoch seconds), default: the response's `created`, else the import time; `latency_ms`,
 *   `ttft_ms` (default 0 / none); `provider`; `http_status`; `stream` (default: the request's `stream`);
 *   `source` — `import` (default), `gateway` or `sdk`, for logs exported from another Understudy.
 *
 * The file is streamed line by line, never read whole. Bad lines are collected (first 20 kept) and
 * skipped unless `strict` is set. Re-importing is idempotent: the record id is a hash of the project and
 * the line's content, and the store skips ids it already has.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { callSourceSchema, type CallRecord, type CallStatus, type ErrorClass } from '../contracts/call-record.ts';
import {
  chatCompletionRequestSchema,
  chatCompletionResponseSchema,
  type ChatCompletion,
} from '../contracts/chat-completion.ts';
import { formatIssues } from '../contracts/config.ts';
import { UnderstudyError } from '../contracts/errors.ts';
import type { PricingTable } from '../providers/pricing-table.ts';
import type { Store } from '../store/store.ts';
import { buildCallRecord } from './build-call-record.ts';
import { maxImportNesting, nestsDeeperThan } from './internal/json-nesting-depth.ts';
import { resolveCallTags } from './resolve-call-tags.ts';

/** Accepted `metadata` keys; anything else on the object is ignored. */
export const importMetadataSchema = z.looseObject({
  task: z.string().nullable().optional(),
  episode_id: z.string().nullable().optional(),
  end_user_id: z.string().nullable().optional(),
  user: z.string().nullable().optional(),
  started_at: z.union([z.number().nonnegative(), z.iso.datetime({ offset: true, local: true })]).optional(),
  latency_ms: z.number().nonnegative().optional(),
  ttft_ms: z.number().nonnegative().nullable().optional(),
  provider: z.string().nullable().optional(),
  http_status: z.number().int().min(100).max(599).optional(),
  stream: z.boolean().optional(),
  source: callSourceSchema.optional(),
});
export type ImportMetadata = z.infer<typeof importMetadataSchema>;

const importedToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

/** A logged `chat.completion`: the gateway's loose response check, plus what building a record reads. */
export const importedCompletionSchema = chatCompletionResponseSchema.extend({
  object: z.literal('chat.completion').optional(),
  created: z.number().optional(),
  model: z.string().min(1),
  choices: z.array(
    z.looseObject({
      index: z.number().int().nonnegative().optional(),
      message: z.looseObject({
        role: z.literal('assistant').optional(),
        content: z.string().nullable().optional(),
        refusal: z.string().nullable().optional(),
        tool_calls: z.array(importedToolCallSchema).optional(),
      }),
      finish_reason: z.string().nullable().optional(),
    }),
  ),
  usage: z
    .looseObject({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() })
    .nullable()
    .optional(),
});
type ImportedCompletion = z.infer<typeof importedCompletionSchema>;

/** OpenAI's error body. */
export const importedErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    type: z.string().nullable().optional(),
    code: z.union([z.string(), z.number()]).nullable().optional(),
    param: z.string().nullable().optional(),
  }),
});
type ImportedError = z.infer<typeof importedErrorSchema>;

const importLineSchema = z.looseObject({
  request: chatCompletionRequestSchema,
  // Optional here only so a missing key gets the explanatory message below.
  response: z.unknown().optional(),
  metadata: importMetadataSchema.nullable().optional(),
});

export interface ImportLineError {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  /** Non-blank lines read so far. */
  lines: number;
  imported: number;
  /** Invalid lines plus duplicates so far. */
  skipped: number;
}

export interface ImportSummary {
  file: string;
  /** Non-blank lines read (blank lines are ignored). */
  lines: number;
  /** New calls stored. */
  imported: number;
  /** Valid lines whose call was already stored (an earlier import, or the same line twice in the file). */
  duplicates: number;
  invalid: number;
  /** The first `maxReportedErrors` invalid lines. */
  errors: ImportLineError[];
  durationMs: number;
}

export interface ImportJsonlOptions {
  file: string;
  store: Pick<Store, 'calls' | 'projects'>;
  pricing: PricingTable;
  projectId: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Stop at the first invalid line with `import_invalid`; lines before it stay imported. */
  strict?: boolean;
  /** Calls per `insertMany` transaction. */
  batchSize?: number;
}

export const maxReportedErrors = 20;
const defaultBatchSize = 500;
/** Below this a numeric `started_at` cannot be epoch milliseconds (it would be before March 1973). */
const epochSecondsLimit = 1e11;

type LineResult = { ok: true; record: CallRecord } | { ok: false; message: string };

/**
 * Streams `file` into the store and reports what happened.
 *
 * @example
 * const summary = await importJsonl({ file: 'calls.jsonl', store, pricing, projectId: 'default' });
 * console.log(`${summary.imported} imported, ${summary.duplicates} already there, ${summary.invalid} invalid`);
 *
 * @throws UnderstudyError `import_invalid` when the file cannot be read, or on the first bad line when `strict`.
 */
export async function importJsonl(options: ImportJsonlOptions): Promise<ImportSummary> {
  const { file, store, pricing, projectId, onProgress } = options;
  const batchSize = Math.max(1, options.batchSize ?? defaultBatchSize);
  const startedAt = Date.now();
  let totalBytes: number;
  try {
    totalBytes = (await stat(file)).size;
  } catch (error) {
    throw new UnderstudyError('import_invalid', `Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  await store.projects.ensure(projectId);

  const summary: ImportSummary = { file, lines: 0, imported: 0, duplicates: 0, invalid: 0, errors: [], durationMs: 0 };
  // Decoded by the stream, not by readline: readline drops an incomplete UTF-8 sequence at the end of the file,
  // where the stream's decoder ends it with U+FFFD (a bad line to report, not a line lost).
  const input = createReadStream(file, { encoding: 'utf8' });
  const reader = createInterface({ input, crlfDelay: Infinity });
  const pending: CallRecord[] = [];
  const pendingIds = new Set<string>();

  const report = () =>
    onProgress?.({
      bytesRead: input.bytesRead,
      totalBytes,
      lines: summary.lines,
      imported: summary.imported,
      skipped: summary.invalid + summary.duplicates,
    });

  // One batch is stored while the next is parsed (parsing and hashing are a third of the work), but
  // batches are stored one at a time, in file order, so duplicate counting stays exact.
  let storing: Promise<void> | null = null;
  const startFlush = async () => {
    if (storing) await storing;
    if (pending.length === 0) return;
    const batch = pending.splice(0);
    pendingIds.clear();
    storing = store.calls.insertMany(batch).then((inserted) => {
      summary.imported += inserted;
      summary.duplicates += batch.length - inserted;
      report();
    });
    // Awaited at the next flush; the handler only keeps a failure from counting as unhandled meanwhile.
    storing.catch(() => undefined);
  };
  const flush = async () => {
    await startFlush();
    if (storing) await storing;
  };

  let lineNumber = 0;
  try {
    for await (const rawLine of reader) {
      lineNumber += 1;
      const text = lineNumber === 1 && rawLine.charCodeAt(0) === 0xfeff ? rawLine.slice(1) : rawLine;
      if (text.trim().length === 0) continue;
      summary.lines += 1;
      const result = parseImportLine(text, { projectId, pricing, importedAt: startedAt });
      if (!result.ok) {
        summary.invalid += 1;
        if (summary.errors.length < maxReportedErrors) summary.errors.push({ line: lineNumber, message: result.message });
        if (options.strict) {
          await flush();
          throw new UnderstudyError('import_invalid', `line ${lineNumber}: ${result.message}`);
        }
        continue;
      }
      if (pendingIds.has(result.record.id)) {
        summary.duplicates += 1;
        continue;
      }
      pending.push(result.record);
      pendingIds.add(result.record.id);
      if (pending.length >= batchSize) await startFlush();
    }
    await flush();
  } finally {
    reader.close();
    input.destroy();
  }
  summary.durationMs = Date.now() - startedAt;
  report();
  return summary;
}

/**
 * Validates one line and builds its record. Exported for the ingest endpoint and tests; never throws for
 * bad input.
 */
export function parseImportLine(text: string, context: { projectId: string; pricing: PricingTable; importedAt: number }): LineResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not valid JSON (${(error as Error).message})` };
  }
  // Hashing and validation below recurse: a line nested thousands of levels deep would overflow the stack.
  if (nestsDeeperThan(raw, maxImportNesting)) return { ok: false, message: `nested more than ${maxImportNesting} levels deep` };
  const line = importLineSchema.safeParse(raw);
  if (!line.success) return { ok: false, message: formatIssues(line.error) };
  if (line.data.response === undefined) return { ok: false, message: 'response: missing (use null for a call that got no answer)' };
  const metadata: ImportMetadata = line.data.metadata ?? {};

  let completion: ImportedCompletion | null = null;
  let failure: ImportedError | null = null;
  const response = line.data.response;
  if (typeof response === 'object' && response !== null && 'error' in response) {
    const parsed = importedErrorSchema.safeParse(response);
    if (!parsed.success) return { ok: false, message: prefixIssues('response', parsed.error) };
    failure = parsed.data;
  } else if (response !== null) {
    const parsed = importedCompletionSchema.safeParse(response);
    if (!parsed.success) return { ok: false, message: prefixIssues('response', parsed.error) };
    completion = parsed.data;
  }

  const startedAt = resolveStartedAt(metadata.started_at, completion?.created, context.importedAt);
  if (startedAt === null) return { ok: false, message: 'metadata.started_at: not a valid date' };
  const status: CallStatus = completion ? 'ok' : 'error';
  const stream = metadata.stream ?? line.data.request.stream ?? false;
  const record = buildCallRecord(
    {
      id: importRecordId(context.projectId, raw),
      source: metadata.source ?? 'import',
      projectId: context.projectId,
      request: line.data.request,
      response: completion ? toChatCompletion(completion, Math.floor(startedAt / 1000)) : null,
      tags: resolveCallTags({
        request: line.data.request,
        override: { task: metadata.task, episodeId: metadata.episode_id, endUserId: metadata.end_user_id ?? metadata.user },
      }),
      provider: metadata.provider ?? null,
      status,
      errorClass: completion ? null : errorClassOf(metadata.http_status, failure),
      errorMessage: completion ? null : (failure?.error.message ?? 'no response recorded'),
      httpStatus: metadata.http_status ?? (completion ? 200 : null),
      startedAt,
      latencyMs: metadata.latency_ms ?? 0,
      ttftMs: metadata.ttft_ms ?? (completion && !stream && metadata.latency_ms !== undefined ? metadata.latency_ms : null),
      stream,
    },
    context.pricing,
  );
  return { ok: true, record };
}

/**
 * `imp_` + sha256 of the project and the line's request, response and metadata as canonical JSON (keys
 * sorted), so formatting and key order do not matter but any change of content does. The project is part
 * of the hash so the same log can be imported into two projects.
 */
export function importRecordId(projectId: string, line: unknown): string {
  const fields = typeof line === 'object' && line !== null ? (line as Record<string, unknown>) : {};
  const canonical = canonicalJson({
    projectId,
    request: fields['request'] ?? null,
    response: fields['response'] ?? null,
    metadata: fields['metadata'] ?? null,
  });
  return `imp_${createHash('sha256').update(canonical).digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function resolveStartedAt(value: ImportMetadata['started_at'], created: number | undefined, importedAt: number): number | null {
  if (typeof value === 'number') return value < epochSecondsLimit ? Math.round(value * 1000) : Math.round(value);
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return typeof created === 'number' && created > 0 ? created * 1000 : importedAt;
}

function toChatCompletion(parsed: ImportedCompletion, createdFallback: number): ChatCompletion {
  return {
    ...parsed,
    id: parsed.id ?? '',
    object: 'chat.completion',
    created: parsed.created ?? createdFallback,
    model: parsed.model,
    choices: parsed.choices.map((choice, position) => ({
      ...choice,
      index: choice.index ?? position,
      message: { ...choice.message, role: 'assistant', content: choice.message.content ?? null },
      finish_reason: choice.finish_reason ?? null,
    })),
  };
}

function errorClassOf(httpStatus: number | undefined, failure: ImportedError | null): ErrorClass | null {
  if (httpStatus !== undefined) {
    if (httpStatus === 429) return 'upstream_429';
    if (httpStatus === 408 || httpStatus === 504) return 'upstream_timeout';
    if (httpStatus >= 500) return 'upstream_5xx';
    if (httpStatus >= 400) return 'upstream_4xx';
  }
  const type = failure?.error.type;
  const code = failure?.error.code;
  if (type === 'rate_limit_error' || code === 'rate_limit_exceeded' || code === 'insufficient_quota') return 'upstream_429';
  if (type === 'server_error' || type === 'api_error') return 'upstream_5xx';
  if (type === 'timeout_error') return 'upstream_timeout';
  if (typeof type === 'string' && type.endsWith('_error')) return 'upstream_4xx';
  return null;
}

function prefixIssues(prefix: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => `${[prefix, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
}
