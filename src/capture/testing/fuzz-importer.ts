/**
 * Property-based fuzzing of `understudy import` (importJsonl, issue 9 §2): fast-check writes JSONL files mixing
 * valid import lines (src/capture/testing/wire-shape-arbitraries.ts), mutated ones, garbage (random bytes,
 * invalid UTF-8, truncated JSON), blank lines, huge lines, a BOM and CRLF line ends, then imports each into a
 * real SQLite store and checks the importer's contract (import-jsonl.ts):
 *
 * - it never throws, except `import_invalid` in strict mode when the file has a bad line;
 * - every non-blank line is counted once: imported + duplicates + invalid = lines;
 * - a valid line is never reported bad, a garbage line always is, with its 1-based line number, in file order;
 * - valid lines beside bad ones are still imported, and every stored call passes the stored-call schema.
 *
 * Lines are separated by LF or CRLF only; a lone CR inside a line is not generated (see the report note in the
 * test: readline treats it as a line break).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { callRecordSchema } from '../../contracts/call-record.ts';
import { chatCompletionRequestSchema } from '../../contracts/chat-completion.ts';
import { isUnderstudyError } from '../../contracts/errors.ts';
import { createPricingTable } from '../../providers/pricing-table.ts';
import { openStore } from '../../store/open-store.ts';
import { importJsonl, maxReportedErrors, type ImportSummary } from '../import-jsonl.ts';
import { countInput, createFuzzReport, excerpt, recordFailure, resolveFuzzSeed, sampleRssMb, type FuzzReport } from './fuzz-report.ts';
import { garbageBodyArb, jsonTextArb, serializeJson } from './json-mutation-arbitraries.ts';
import { importLineArb } from './wire-shape-arbitraries.ts';

export interface FuzzImporterOptions {
  /** Generated files to import. */
  numRuns: number;
  /** Default: `FUZZ_SEED`, else random. */
  seed?: number;
  /** Keep going after a failure instead of shrinking it. */
  collectAll?: boolean;
}

/** What a generated line is known to be: valid (must import), garbage (must be refused), blank, or either. */
type LineKind = 'valid' | 'mutated' | 'garbage' | 'blank';

interface GeneratedLine {
  kind: LineKind;
  bytes: Buffer;
}

interface GeneratedFile {
  lines: GeneratedLine[];
  bom: boolean;
  crlf: boolean;
  trailingNewline: boolean;
  strict: boolean;
}

/** LF and CR end lines (readline splits on both): inside a generated line they become spaces. */
function oneLine(bytes: Buffer): Buffer {
  return Buffer.from(bytes.map((byte) => (byte === 0x0a || byte === 0x0d ? 0x20 : byte)));
}

const hugeContentArb = fc.integer({ min: 1_000_000, max: 3_000_000 }).map((length) => 'h'.repeat(length));

const lineArb: fc.Arbitrary<GeneratedLine> = fc.oneof(
  { weight: 4, arbitrary: importLineArb.map((value) => ({ kind: 'valid' as const, bytes: oneLine(Buffer.from(serializeJson(value))) })) },
  { weight: 3, arbitrary: jsonTextArb(importLineArb).map((text) => ({ kind: 'mutated' as const, bytes: oneLine(Buffer.from(text)) })) },
  {
    weight: 1,
    // Invalid UTF-8 inside a valid line's strings: decoded to U+FFFD, the line may import.
    arbitrary: importLineArb.map((value) => ({ kind: 'mutated' as const, bytes: oneLine(Buffer.from(serializeJson(value).replace(/"user","content":"/, '"user","content":"\u0000INVALID\u0000'))) })).map((line) => ({
      ...line,
      bytes: Buffer.from(line.bytes.toString('latin1').replace('\\u0000INVALID\\u0000', '\xff\xfe\xc3'), 'latin1'),
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(garbageBodyArb.map((body) => Buffer.from(body)), fc.constantFrom('{', '{"request":', '{"request":{"model":"gpt-4o-mini"}}', '[]', 'null', '"line"', '{"response":null}', '\ufeff{}'))
      .map((body) => ({ kind: 'garbage' as const, bytes: oneLine(Buffer.from(body)) })),
  },
  {
    weight: 1,
    // Deep nesting where the schema lets unknown keys through: recursive code after JSON.parse must not see it.
    arbitrary: fc.tuple(importLineArb, fc.integer({ min: 100, max: 30_000 }), fc.boolean()).map(([value, depth, asArrays]) => {
      const nested = asArrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      return { kind: 'mutated' as const, bytes: Buffer.from(serializeJson(value).replace('{"request":{', `{"request":{"deep":${nested},`)) };
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '   \t ').map((text) => ({ kind: 'blank' as const, bytes: Buffer.from(text) })) },
  {
    weight: 1,
    arbitrary: fc.tuple(importLineArb, hugeContentArb).map(([value, content]) => {
      const line = value as { request: { messages: Array<Record<string, unknown>> } };
      line.request.messages = [...line.request.messages, { role: 'user', content }];
      return { kind: 'valid' as const, bytes: Buffer.from(serializeJson(line)) };
    }),
  },
);

const fileArb: fc.Arbitrary<GeneratedFile> = fc.record({
  lines: fc.array(lineArb, { maxLength: 12 }),
  bom: fc.boolean(),
  crlf: fc.boolean(),
  trailingNewline: fc.boolean(),
  strict: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

function fileBytes(file: GeneratedFile): Buffer {
  const separator = Buffer.from(file.crlf ? '\r\n' : '\n');
  const parts: Buffer[] = file.bom ? [Buffer.from([0xef, 0xbb, 0xbf])] : [];
  file.lines.forEach((line, index) => {
    if (index > 0) parts.push(separator);
    parts.push(line.bytes);
  });
  if (file.trailingNewline && file.lines.length > 0) parts.push(separator);
  return Buffer.concat(parts);
}

/** Whether the importer sees the line as blank: decoded as it decodes, BOM dropped on line 1, then trimmed. */
function isBlank(line: GeneratedLine, lineNumber: number, bom: boolean): boolean {
  let text = new TextDecoder().decode(line.bytes);
  if (lineNumber === 1 && (bom || text.charCodeAt(0) === 0xfeff)) text = text.replace(/^\ufeff/, '');
  return text.trim().length === 0;
}

export async function fuzzImporter(options: FuzzImporterOptions): Promise<FuzzReport> {
  const seed = resolveFuzzSeed(options.seed);
  const report = createFuzzReport(seed);
  const directory = await mkdtemp(path.join(tmpdir(), 'understudy-fuzz-import-'));
  const store = await openStore({ dataDir: path.join(directory, 'data') });
  const pricing = createPricingTable();
  let fileNumber = 0;
  try {
    report.rssBeforeMb = sampleRssMb();
    const property = fc.asyncProperty(fileArb, async (file) => {
      fileNumber += 1;
      const projectId = `fuzz-${fileNumber}`;
      const filePath = path.join(directory, `${fileNumber}.jsonl`);
      const bytes = fileBytes(file);
      await writeFile(filePath, bytes);
      countInput(report, file.strict ? 'import (strict)' : 'import');
      report.perEndpoint['import lines'] = (report.perEndpoint['import lines'] ?? 0) + file.lines.length;
      const problems = await checkImport(file, filePath, projectId, store, pricing);
      await rm(filePath, { force: true });
      for (const problem of problems) {
        if (problem.crash) report.crashes += 1;
        else report.contractViolations += 1;
        recordFailure(report, { endpoint: 'import', status: 0, problem: problem.message, bodyExcerpt: '', inputExcerpt: excerpt(bytes.toString('latin1'), 600) });
      }
      return problems.length === 0 || options.collectAll === true;
    });
    const details = await fc.check(property, { numRuns: options.numRuns, seed });
    if (details.failed) report.counterexamples.push(`import (FUZZ_SEED=${seed}):\n${excerpt(fc.defaultReportMessage(details) ?? 'failed', 4_000)}`);
    report.rssAfterMb = sampleRssMb();
  } finally {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  }
  return report;
}

interface ImportProblem {
  crash: boolean;
  message: string;
}

async function checkImport(file: GeneratedFile, filePath: string, projectId: string, store: Awaited<ReturnType<typeof openStore>>, pricing: ReturnType<typeof createPricingTable>): Promise<ImportProblem[]> {
  const numbered = file.lines.map((line, index) => ({ line, number: index + 1 }));
  const counted = numbered.filter(({ line, number }) => !isBlank(line, number, file.bom));
  let summary: ImportSummary;
  try {
    summary = await importJsonl({ file: filePath, store, pricing, projectId, strict: file.strict, batchSize: 3 });
  } catch (error) {
    if (file.strict && isUnderstudyError(error, 'import_invalid') && counted.some(({ line }) => line.kind !== 'valid')) return [];
    return [{ crash: !isUnderstudyError(error), message: `importJsonl threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` }];
  }
  const problems: string[] = [];
  const reportedLines = summary.errors.map((error) => error.line);
  if (summary.lines !== counted.length) problems.push(`lines ${summary.lines}, expected ${counted.length} non-blank`);
  if (summary.imported + summary.duplicates + summary.invalid !== summary.lines) problems.push(`imported ${summary.imported} + duplicates ${summary.duplicates} + invalid ${summary.invalid} != lines ${summary.lines}`);
  if (summary.errors.length !== Math.min(summary.invalid, maxReportedErrors)) problems.push(`${summary.errors.length} errors reported for ${summary.invalid} invalid lines`);
  if (reportedLines.some((line, index) => index > 0 && line <= reportedLines[index - 1]!)) problems.push(`error line numbers out of order: ${reportedLines.join(',')}`);
  for (const { line, number } of counted) {
    if (line.kind === 'valid' && reportedLines.includes(number)) problems.push(`valid line ${number} reported bad: ${summary.errors.find((error) => error.line === number)?.message}`);
    if (line.kind === 'garbage' && summary.invalid <= maxReportedErrors && !reportedLines.includes(number)) problems.push(`garbage line ${number} not reported`);
  }
  for (const line of reportedLines) if (!counted.some(({ number }) => number === line)) problems.push(`error names line ${line}, which is blank or absent`);
  if (counted.some(({ line }) => line.kind === 'valid') && summary.imported + summary.duplicates === 0) problems.push('no call imported although valid lines were present');

  const stored = await store.calls.list({ projectId, limit: 1_000, offset: 0, order: 'asc' });
  if (stored.length !== summary.imported) problems.push(`${stored.length} calls stored, summary says ${summary.imported}`);
  for (const call of stored) {
    const record = callRecordSchema.safeParse(call);
    if (!record.success) problems.push(`stored call ${call.id} breaks the call-record schema: ${record.error.issues[0]?.message}`);
    else if (!chatCompletionRequestSchema.safeParse(call.request).success) problems.push(`stored call ${call.id} has a request the gateway would refuse`);
  }
  return problems.map((message) => ({ crash: false, message }));
}
