import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { CallRecord } from '../../contracts/call-record.ts';
import type { Redactor, RedactionStats } from '../redactor.ts';
import { createRedactor } from '../redact/create-redactor.ts';
import { buildDataset } from './build-dataset.ts';
import { datasetFileNames } from './dataset-manifest.ts';
import { createSimulatedTaskRecords } from './internal/simulated-task-records.ts';
import { readDataset } from './read-dataset.ts';

const outDir = await mkdtemp(path.join(os.tmpdir(), 'understudy-dataset-'));
after(() => rm(outDir, { recursive: true, force: true }));
const byTask = await createSimulatedTaskRecords({ agents: 'support', episodesPerAgent: 80, seed: 'build' });

/** Replaces email domains with example.com: enough to see that the builder redacts and reports stats. */
function createDomainRedactor(): Redactor {
  const stats: RedactionStats = { stringsScanned: 0, bytesScanned: 0, replacedByKind: {}, distinctByKind: {} };
  const seen = new Set<string>();
  const redactText = (text: string): string => {
    stats.stringsScanned += 1;
    stats.bytesScanned += Buffer.byteLength(text);
    return text.replace(/@([a-z0-9-]+\.)+[a-z]{2,}/gi, (match) => {
      seen.add(match);
      stats.replacedByKind.email = (stats.replacedByKind.email ?? 0) + 1;
      stats.distinctByKind.email = seen.size;
      return '@example.com';
    });
  };
  const redactValue = (value: unknown): unknown =>
    typeof value === 'string' ? redactText(value) : Array.isArray(value) ? value.map(redactValue) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([key, member]) => [key, key === 'tools' ? member : redactValue(member)])) : value;
  return {
    mode: 'placeholder',
    scope: 'dataset-test',
    redactText,
    redactCall: (record: CallRecord) => ({ ...record, request: redactValue(record.request) as Record<string, unknown>, response: redactValue(record.response) }),
    stats: () => structuredClone(stats),
    takeNewMappings: () => [],
  };
}

function junkCalls(base: CallRecord): unknown[] {
  return [
    null,
    'not a call',
    { ...base, id: 'junk-error', status: 'error', response: null },
    { ...base, id: 'junk-huge', request: { ...base.request, messages: [{ role: 'user', content: 'y'.repeat(250_000) }] } },
    { ...base, id: 'junk-binary', request: { ...base.request, messages: [{ role: 'user', content: '\u0000\u0001ELF\u0002' }] } },
    { ...base, id: 'junk-fffd', request: { ...base.request, messages: [{ role: 'user', content: '\uFFFD\uFFFD\uFFFDorder\uFFFD' }] } },
    { ...base, id: 'junk-types', request: { ...base.request, messages: [{ role: 'user', content: { text: 1 } }] } },
  ];
}

test('builds a redacted, deduplicated, split, versioned dataset and reads it back verified', async () => {
  const calls = byTask.get('support/choose-tool') ?? [];
  const first = calls[0];
  assert.ok(first);
  const duplicate = { ...first, id: 'dup-of-first', startedAt: first.startedAt + 1 };
  const input: unknown[] = [...calls, duplicate, ...junkCalls(first)];
  const built = await buildDataset({ task: 'support/choose-tool', calls: input, redactor: createDomainRedactor(), outDir, seed: 's', now: () => new Date(0) });
  const manifest = built.manifest;

  assert.equal(built.dir, path.join(outDir, 'support-choose-tool', manifest.version));
  assert.match(manifest.version, /^v-[0-9a-f]{12}$/);
  assert.equal(manifest.source.callCount, input.length);
  assert.equal(manifest.filter.dropped.malformed, 3);
  assert.equal(manifest.filter.dropped.error, 1);
  assert.equal(manifest.filter.dropped.too_large, 1);
  assert.equal(manifest.filter.dropped.binary_junk, 1);
  assert.equal(manifest.filter.dropped.non_utf8, 1);
  assert.equal(manifest.dedup.removedCount, 1);
  assert.equal(manifest.dedup.inputCount, calls.length + 1);
  const { counts, removedForValueOverlap } = manifest.split;
  assert.equal(counts.train + counts.validation + counts.test + removedForValueOverlap.train + removedForValueOverlap.validation, manifest.dedup.keptCount);
  assert.ok((manifest.redaction.replacedByKind.email ?? 0) > 0);
  assert.equal(manifest.redaction.scope, 'dataset-test');
  assert.equal(manifest.outputShape.toolsets.length, 1);
  assert.ok(manifest.outputShape.toolsets[0]?.names.includes('lookup_order'));

  const loaded = await readDataset(path.join(outDir, 'support-choose-tool'));
  assert.equal(loaded.dir, built.dir);
  assert.equal(loaded.train.length, counts.train);
  assert.equal(loaded.test.length, counts.test);
  for (const line of [...loaded.train, ...loaded.validation, ...loaded.test]) {
    const last = line.messages.at(-1);
    assert.equal(last?.role, 'assistant');
    assert.ok((last?.tool_calls?.length ?? 0) > 0, 'the answer is a tool call');
    assert.ok(line.tools && line.tools.length > 0, 'tools are offered');
    assert.ok(!line.messages.some((message) => 'refusal' in message || 'annotations' in message));
  }
  const trainText = await readFile(path.join(built.dir, 'train.jsonl'), 'utf8');
  assert.ok(!/@(gmail|orange|ziggo|icloud)\./.test(trainText), 'emails were redacted');

  // Same calls in another order with a fresh redactor: the same version, kept as it was.
  const again = await buildDataset({ task: 'support/choose-tool', calls: [...input].reverse(), redactor: createDomainRedactor(), outDir, seed: 's' });
  assert.equal(again.manifest.version, manifest.version);
  assert.equal(again.reused, true);
  assert.equal(again.manifest.createdAt, new Date(0).toISOString());
  const otherSeed = await buildDataset({ task: 'support/choose-tool', calls: input, redactor: createDomainRedactor(), outDir, seed: 'other' });
  assert.notEqual(otherSeed.manifest.version, manifest.version);
  assert.equal((await readFile(path.join(outDir, 'support-choose-tool', 'latest'), 'utf8')).trim(), otherSeed.manifest.version);
});

test('structured-output tasks keep the instruction in the prompt and the response_format in the manifest', async () => {
  const built = await buildDataset({ task: 'support/extract-order', calls: byTask.get('support/extract-order') ?? [], redactor: createDomainRedactor(), outDir, seed: 's' });
  const format = built.manifest.outputShape.responseFormats[0]?.value as { type?: string } | undefined;
  assert.equal(format?.type, 'json_schema');
  const loaded = await readDataset(built.dir);
  for (const line of loaded.train) {
    assert.ok(!('response_format' in line));
    assert.equal(line.tools, undefined);
    assert.doesNotThrow(() => JSON.parse(String(line.messages.at(-1)?.content)));
  }
});

test('readDataset rejects a tampered or missing dataset', async () => {
  const built = await buildDataset({ task: 'support/classify-intent', calls: byTask.get('support/classify-intent') ?? [], redactor: createDomainRedactor(), outDir, seed: 's' });
  const trainPath = path.join(built.dir, 'train.jsonl');
  const original = await readFile(trainPath, 'utf8');
  await writeFile(trainPath, original.replace('"content":"', '"content":"X'), 'utf8');
  await assert.rejects(readDataset(built.dir), { code: 'import_invalid' });
  await writeFile(trainPath, original, 'utf8');
  await readDataset(built.dir);
  await assert.rejects(readDataset(path.join(outDir, 'no-such-task')), { code: 'not_found' });
  await writeFile(path.join(outDir, 'support-classify-intent', 'latest'), '../../etc\n', 'utf8');
  await assert.rejects(readDataset(path.join(outDir, 'support-classify-intent')), { code: 'import_invalid' });
});

test('a redactor that throws drops the call with a counted reason', async () => {
  const calls = (byTask.get('support/extract-contact') ?? []).slice(0, 20);
  const redactor = createDomainRedactor();
  const failing: Redactor = { ...redactor, redactCall: (record) => (record.id === calls[0]?.id ? ((): never => { throw new Error('boom'); })() : redactor.redactCall(record)) };
  const built = await buildDataset({ task: 'support/extract-contact', calls, redactor: failing, outDir, seed: 's' });
  assert.equal(built.manifest.filter.dropped.redaction_failed, 1);
  assert.equal(built.manifest.dedup.inputCount, calls.length - 1);
});

test('the same calls captured in another order, under other call ids and at other times give the same files and version', async () => {
  // A second capture of one seeded simulation (another data directory, a CI run): every call is there again, but
  // concurrent episodes finished in another order, and the store gave each call a new id and a new time.
  // Placeholder numbering and dedup depend on the order calls are processed in, so this fails unless that order
  // is fixed by content. Some calls carry no episode, so their split cannot hang on their id either.
  const calls = [...(byTask.get('support/extract-contact') ?? []), ...(byTask.get('support/extract-order') ?? [])].map((record, index) =>
    index % 7 === 0 ? { ...record, episodeId: null } : record,
  );
  assert.ok(calls.length > 100);
  const recaptured = calls
    .map((record, index) => ({ ...record, id: `recaptured-${(index * 7919) % calls.length}`, startedAt: 1_900_000_000_000 - index * 37 }))
    .sort((left, right) => left.id.localeCompare(right.id));
  const secretKey = new Uint8Array(32).fill(7);
  const build = async (input: typeof calls, directory: string) =>
    buildDataset({ task: 'support/extract', calls: input, redactor: createRedactor({ mode: 'placeholder', scope: 'dataset:support/extract', secretKey }), outDir: path.join(outDir, directory), seed: 's' });

  const first = await build(calls, 'capture-a');
  const second = await build(recaptured, 'capture-b');
  assert.ok((first.manifest.redaction.replacedByKind.email ?? 0) > 0, 'placeholders were numbered');
  assert.ok(first.manifest.split.groupCounts.test > 0 && first.manifest.split.counts.validation > 0);
  assert.equal(second.reused, false, 'built afresh in its own directory');
  for (const fileName of datasetFileNames) {
    assert.equal(await readFile(path.join(second.dir, fileName), 'utf8'), await readFile(path.join(first.dir, fileName), 'utf8'), `${fileName} differs`);
  }
  assert.equal(second.manifest.version, first.manifest.version);
});
