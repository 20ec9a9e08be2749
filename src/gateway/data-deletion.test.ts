/**
 * Deletion end to end (docs/data-protection.md), on a real gateway over SQLite in a temp data directory: calls
 * with planted unique strings go through the gateway; a dataset is built from them, a specialist registered on
 * it (adapter file, training directory, cache entry, evaluation, a route serving it); a spool segment of a dead
 * process holds more planted calls. Deleting by episode and user (admin API) and by project (CLI) must leave no
 * byte of the deleted strings anywhere under the data directory — database, WAL, free pages, spool, datasets,
 * adapters — while the kept strings are still found (so the search can fail). Then the same deletion on
 * PostgreSQL (rows gone), retention, and redaction at ingest with its pseudonym mappings.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig, type LoadedConfig } from '../contracts/config.ts';
import { createProgram } from '../cli/create-program.ts';
import { applyRetention } from '../curate/delete-captured-data.ts';
import { buildTaskDataset } from '../curate/dataset/build-task-dataset.ts';
import { loadOrCreateSecretKey } from '../curate/redact/load-or-create-secret-key.ts';
import { createPseudonymVault } from '../curate/redact/pseudonym-vault.ts';
import { startFixedUpstream, type FixedUpstream } from '../simulate/fixed-upstream.ts';
import { createTestCallRecord } from '../store/internal/call-record-fixture.ts';
import { storeTestEngines } from '../store/internal/store-test-engines.ts';
import { loadCalls } from '../store/load-calls.ts';
import { openStore } from '../store/open-store.ts';
import { startGateway, type RunningGateway } from './start-gateway.ts';

const adminToken = `usa_test_${randomBytes(8).toString('hex')}`;

/** Lowercase letters only, so no secret or PII detector rewrites them on the way into a dataset. */
function plant(label: string): string {
  return `zq${label}${Array.from(randomBytes(10), (byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;
}

interface Harness {
  gateway: RunningGateway;
  upstream: FixedUpstream;
  dataDir: string;
  configPath: string;
  keys: Record<string, string>;
  close(): Promise<void>;
}

async function startHarness(extra: Record<string, unknown> = {}, databaseUrl?: string): Promise<Harness> {
  const upstream = await startFixedUpstream();
  const root = mkdtempSync(path.join(tmpdir(), 'understudy-deletion-'));
  const dataDir = path.join(root, 'data');
  const raw = {
    gateway: { port: 0 },
    store: { dataDir },
    providers: [{ name: 'stand-in', baseUrl: upstream.url, apiKeyEnv: 'TEST_PROVIDER_KEY', models: ['gpt-4o*'] }],
    logWriter: { flushIntervalMs: 20 },
    routing: { enabled: false },
    ...extra,
  };
  const configPath = path.join(root, 'understudy.config.json');
  writeFileSync(configPath, JSON.stringify(raw));
  const loaded: LoadedConfig = { config: parseConfig(raw, 'test'), dataDir, databaseUrl, configPath, environment: {} };
  const gateway = await startGateway({ loaded, environment: { TEST_PROVIDER_KEY: 'sk-test', UNDERSTUDY_ADMIN_TOKEN: adminToken } });
  const keys: Record<string, string> = {};
  for (const project of ['alpha', 'beta']) keys[project] = (await gateway.store.apiKeys.create({ projectId: project, name: project })).secret;
  return {
    gateway,
    upstream,
    dataDir,
    configPath,
    keys,
    async close() {
      await gateway.close();
      await upstream.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** One call with `token` in the user message, a tool call's arguments and the tool's result. */
async function sendCall(harness: Harness, tags: { project: string; episode: string; user: string }, token: string, text = token): Promise<void> {
  const response = await fetch(`${harness.gateway.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${harness.keys[tags.project]}`, 'content-type': 'application/json', 'x-understudy-episode': tags.episode, 'x-understudy-user': tags.user, 'x-understudy-task': 'extract' },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Summarise the order.' },
        { role: 'user', content: `Order note: ${text}` },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: JSON.stringify({ note: token }) } }] },
        { role: 'tool', tool_call_id: 'call_1', content: `found ${token}` },
      ],
      tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { note: { type: 'string' } } } } }],
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

async function adminDelete(harness: Harness, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${harness.gateway.port}/admin/data/deletions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  assert.equal(response.status, 200, JSON.stringify(json));
  return json;
}

/** Every file under `root`, raw bytes, searched for each string as UTF-8, JSON-escaped and UTF-16LE. */
function byteSearch(root: string, strings: readonly string[]): { found: Map<string, string[]>; files: number; bytes: number } {
  const found = new Map<string, string[]>();
  let files = 0;
  let bytes = 0;
  const forms = strings.map((value) => ({ value, needles: [Buffer.from(value), Buffer.from(JSON.stringify(value).slice(1, -1)), Buffer.from(value, 'utf16le')] }));
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const content = readFileSync(full);
        files += 1;
        bytes += content.length;
        for (const { value, needles } of forms) if (needles.some((needle) => content.includes(needle))) found.set(value, [...(found.get(value) ?? []), path.relative(root, full)]);
      }
    }
  };
  walk(root);
  return { found, files, bytes };
}

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  assert.ok(child.pid !== undefined);
  return child.pid;
}

async function runCli(args: string[]): Promise<string> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (chunks.push(chunk.toString()), true)) as typeof process.stdout.write;
  try {
    await createProgram().parseAsync(['node', 'understudy', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

describe('data deletion on SQLite', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  it('leaves no byte of deleted episodes, users and projects anywhere under the data directory', async () => {
    const episodes = {
      a: { project: 'alpha', episode: 'ep-a', user: 'user-1' }, // deleted by episode
      b: { project: 'alpha', episode: 'ep-b', user: 'user-2' }, // deleted by end user
      c: { project: 'beta', episode: 'ep-c', user: 'user-3' }, // deleted by project
      k: { project: 'alpha', episode: 'ep-k', user: 'user-1' }, // kept
    };
    const planted: Record<string, string[]> = { a: [], b: [], c: [], k: [] };
    for (const [key, tags] of Object.entries(episodes)) {
      for (let index = 0; index < 4; index += 1) {
        const token = plant(key);
        planted[key]!.push(token);
        await sendCall(harness, tags, token);
      }
    }
    const { store } = harness.gateway;
    await harness.gateway.logWriter.flush();

    // What was built from the calls: a dataset, a specialist on it with its files, an evaluation, a route.
    const built = await buildTaskDataset({ taskId: 'extract', calls: await loadCalls(store, {}), pseudonyms: store.pseudonyms, dataDir: harness.dataDir, mode: 'surrogate' });
    const datasetText = ['train.jsonl', 'validation.jsonl', 'test.jsonl'].map((name) => readFileSync(path.join(built.dir, name), 'utf8')).join('');
    assert.ok(planted.a!.some((token) => datasetText.includes(token)), 'the dataset holds planted strings (or the search below proves nothing about it)');
    const adapterBytes = randomBytes(4096);
    const trainingDir = path.join(harness.dataDir, 'training', 'job_deleted');
    const cacheEntry = path.join(harness.dataDir, 'specialists', 'c0ffee');
    for (const directory of [trainingDir, cacheEntry]) mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(trainingDir, 'adapter.gguf'), adapterBytes);
    writeFileSync(path.join(trainingDir, 'report.json'), JSON.stringify({ failures: [planted.a![0]] }));
    writeFileSync(path.join(cacheEntry, 'adapter.gguf'), adapterBytes);
    writeFileSync(path.join(cacheEntry, 'entry.json'), '{}');
    await store.specialists.register({ id: 'sp_deleted', task: 'extract', name: 'extract-lora', status: 'ready', baseModel: 'base.gguf', adapterPath: path.join(trainingDir, 'adapter.gguf'), adapterHfDir: null, promptFormat: 'chat-template', promptContext: null, datasetVersion: built.manifest.version, jobId: 'job_deleted', metrics: {}, createdAt: Date.now() });
    await store.evaluations.put({ id: 'ev_deleted', specialistId: 'sp_deleted', task: 'extract', createdAt: Date.now(), examples: 1, agreement: 0, validRate: 1, metric: 'exact', passed: false, threshold: null, coverage: null, failures: [{ input: planted.b![0]!, expected: 'x', actual: 'y', score: 0, reason: 'mismatch' }] });
    await store.routes.put({ task: 'extract', mode: 'shadow', canaryShare: 0, specialistId: 'sp_deleted', confidenceThreshold: null, timeoutMs: 1000, auditShare: 0, automatic: true, updatedAt: Date.now(), reason: 'test' }, { actor: 'operator', reason: 'test' });

    // A spool segment left by a dead process: a call of the deleted episode and one of a kept one.
    const spooledDeleted = plant('spoola');
    const spooledKept = plant('spoolk');
    const base = createTestCallRecord();
    const spooled = (id: string, episodeId: string, token: string) =>
      JSON.stringify(createTestCallRecord({ id, projectId: 'alpha', episodeId, endUserId: 'user-9', request: { ...base.request, messages: [{ role: 'user', content: token }] } }));
    const segmentPath = path.join(harness.dataDir, 'spool', `segment-${Date.now()}-${deadPid()}-1.jsonl`);
    writeFileSync(segmentPath, `${spooled('call_spool_a', 'ep-a', spooledDeleted)}\n${spooled('call_spool_k', 'ep-k', spooledKept)}\n`, { mode: 0o600 });

    const byEpisode = await adminDelete(harness, { episodeId: 'ep-a', confirm: true });
    assert.equal(byEpisode.calls, 4);
    assert.deepEqual(byEpisode.spool, { segmentsScanned: 1, segmentsRewritten: 1, callsRemoved: 1, liveSegments: 0 });
    const derived = byEpisode.derived as { datasets: unknown[]; specialists: string[]; routesSwitchedOff: string[]; evaluations: number };
    assert.equal(derived.datasets.length, 1);
    assert.deepEqual(derived.specialists, ['sp_deleted']);
    assert.deepEqual(derived.routesSwitchedOff, ['extract']);
    assert.equal(derived.evaluations, 1);
    assert.equal((await adminDelete(harness, { endUserId: 'user-2', confirm: true })).calls, 4);
    const byProject = JSON.parse(await runCli(['data', 'delete', '--project', 'beta', '--yes', '--json', '--config', harness.configPath])) as { calls: number };
    assert.equal(byProject.calls, 4);

    // Derived data: dataset gone, specialist retired, its files and cache entry gone, route off by 'deletion'.
    assert.equal(existsSync(built.dir), false);
    assert.equal((await store.specialists.get('sp_deleted'))?.status, 'retired');
    assert.equal(existsSync(trainingDir), false);
    assert.equal(existsSync(cacheEntry), false);
    assert.equal((await store.routes.get('extract'))?.mode, 'off');
    assert.equal((await store.routes.events({ task: 'extract', limit: 1 }))[0]?.actor, 'deletion');
    assert.equal(await store.evaluations.latest('sp_deleted'), undefined);
    assert.equal(await store.calls.count({ projectId: 'alpha' }), 4);

    const deletedStrings = [...planted.a!, ...planted.b!, ...planted.c!, spooledDeleted];
    const keptStrings = [...planted.k!, spooledKept];
    const search = byteSearch(harness.dataDir, [...deletedStrings, ...keptStrings]);
    const leaks = deletedStrings.filter((value) => search.found.has(value)).map((value) => `${value} in ${search.found.get(value)!.join(', ')}`);
    assert.deepEqual(leaks, [], 'deleted strings still on disk');
    for (const value of keptStrings) assert.ok(search.found.has(value), `kept string ${value} not found: the search cannot fail`);
    console.log(`byte search: ${search.files} files, ${search.bytes} bytes, ${deletedStrings.length} deleted strings absent, ${keptStrings.length} kept strings found`);
  });

  it('refuses a deletion without confirmation or without a selector', async () => {
    for (const body of [{ episodeId: 'ep-k' }, { confirm: true }]) {
      const response = await fetch(`http://127.0.0.1:${harness.gateway.port}/admin/data/deletions`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(response.status, 400);
      await response.body?.cancel();
    }
    assert.equal(await harness.gateway.store.calls.count({ episodeId: 'ep-k' }), 4);
  });
});

const postgres = storeTestEngines().find((engine) => engine.engine === 'postgres')!;

describe('data deletion on PostgreSQL', { skip: postgres.skip }, () => {
  it('deletes the rows of an episode and keeps the others', async () => {
    const location = await postgres.createLocation();
    const harness = await startHarness({}, location.options.databaseUrl);
    try {
      const deleted = plant('pgdel');
      const kept = plant('pgkeep');
      await sendCall(harness, { project: 'alpha', episode: 'ep-del', user: 'user-1' }, deleted);
      await sendCall(harness, { project: 'alpha', episode: 'ep-keep', user: 'user-1' }, kept);
      assert.equal((await adminDelete(harness, { episodeId: 'ep-del', confirm: true })).calls, 1);
      const remaining = (await loadCalls(harness.gateway.store, {})).map((call) => JSON.stringify(call));
      assert.equal(remaining.length, 1);
      assert.ok(remaining[0]!.includes(kept) && !remaining[0]!.includes(deleted));
    } finally {
      await harness.close();
      await location.dispose();
    }
  });
});

describe('retention', () => {
  it('deletes calls and finished jobs older than the configured days, through the CLI, and keeps newer ones', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-retention-'));
    try {
      const day = 86_400_000;
      const store = await openStore({ dataDir });
      try {
        const now = Date.now();
        await store.calls.insertMany([createTestCallRecord({ id: 'call_old', startedAt: now - 40 * day }), createTestCallRecord({ id: 'call_new', startedAt: now - day })]);
        const job = await store.jobs.enqueue({ kind: 'train', spec: {} });
        const claimed = await store.jobs.claimNext({ workerId: 'w', kinds: ['train'], staleAfterMs: 60_000 });
        assert.equal(claimed?.id, job.id);
        await store.jobs.finish(job.id, 'w', { status: 'succeeded', result: null });
        // Not yet old: kept.
        assert.equal((await applyRetention({ store, dataDir, retention: { jobRetentionDays: 30 } })).jobs, 0);
        assert.equal((await applyRetention({ store, dataDir, retention: { jobRetentionDays: 30 }, now: () => now + 31 * day })).jobs, 1);
      } finally {
        await store.close();
      }
      const configPath = path.join(dataDir, 'understudy.config.json');
      writeFileSync(configPath, JSON.stringify({ store: { dataDir }, data: { callRetentionDays: 30 } }));
      const report = JSON.parse(await runCli(['data', 'retention', '--json', '--config', configPath])) as { calls: { calls: number } };
      assert.equal(report.calls.calls, 1);
      const reopened = await openStore({ dataDir });
      try {
        assert.equal(await reopened.calls.get('call_old'), undefined);
        assert.ok(await reopened.calls.get('call_new'));
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('is swept by a running gateway', async () => {
    const harness = await startHarness({ data: { callRetentionDays: 30, sweepEveryMinutes: 0.002 } });
    try {
      const { store } = harness.gateway;
      await store.calls.insertMany([createTestCallRecord({ id: 'call_old', startedAt: Date.now() - 40 * 86_400_000 }), createTestCallRecord({ id: 'call_new', startedAt: Date.now() })]);
      for (let attempt = 0; attempt < 100 && (await store.calls.get('call_old')) !== undefined; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await store.calls.get('call_old'), undefined);
      assert.ok(await store.calls.get('call_new'));
    } finally {
      await harness.close();
    }
  });
});

describe('redaction at ingest', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ curation: { redactAtIngest: true } });
  });
  after(() => harness.close());

  it('stores surrogates only, keeps real values encrypted, and deletes the mappings only a deleted call used', async () => {
    const people = {
      gone: { email: `daniel.girard.${plant('m')}@acme-corp.com`, phone: '+44 20 7946 0958', card: '4111 1111 1111 1111', name: 'Daniel Girard' },
      kept: { email: `maria.lopez.${plant('m')}@example-mail.com`, phone: '+44 20 7946 0321', card: '5555 5555 5555 4444', name: 'Maria Lopez' },
    };
    for (const [key, person] of Object.entries(people)) {
      const text = `Hi, my name is ${person.name} (${person.email}, ${person.phone}). Card ${person.card}.`;
      await sendCall(harness, { project: 'alpha', episode: `ep-${key}`, user: `user-${key}` }, plant(key), text);
    }
    await harness.gateway.logWriter.flush();
    const { store } = harness.gateway;
    const reals = Object.values(people).flatMap((person) => [person.email, person.phone, person.card, 'Girard', 'Lopez']);
    const databaseFiles = readdirSync(harness.dataDir).filter((name) => name.startsWith('understudy.db'));
    const inDatabase = databaseFiles.flatMap((name) => {
      const bytes = readFileSync(path.join(harness.dataDir, name));
      return reals.filter((value) => bytes.includes(Buffer.from(value)) || bytes.includes(Buffer.from(value, 'utf16le')));
    });
    assert.deepEqual(inDatabase, [], 'real values in the database files');
    assert.deepEqual(readdirSync(path.join(harness.dataDir, 'spool')), [], 'the spool is empty once stored');
    const [stored] = await store.calls.list({ episodeId: 'ep-gone', limit: 1 });
    const storedText = JSON.stringify(stored?.request);
    assert.ok(storedText.includes('Hi, my name is') && !storedText.includes('Girard'), storedText);

    // The vault holds each real value encrypted: it reveals, and only with the key.
    const rows = await store.pseudonyms.listScope('alpha');
    assert.ok(rows.length >= 8, `mappings: ${rows.length}`);
    assert.ok(rows.every((row) => row.realCiphertext === null || !reals.some((real) => row.realCiphertext!.includes(real))));
    const vault = createPseudonymVault({ repository: store.pseudonyms, secretKey: loadOrCreateSecretKey(harness.dataDir) });
    const emailRow = rows.find((row) => row.kind === 'email' && storedText.includes(row.surrogate));
    assert.ok(emailRow);
    assert.deepEqual((await vault.reveal('alpha', emailRow.surrogate)).map((revealed) => revealed.real), [people.gone.email]);

    const report = await adminDelete(harness, { episodeId: 'ep-gone', confirm: true });
    assert.ok((report.pseudonyms as number) >= 4, `pseudonyms deleted: ${String(report.pseudonyms)}`);
    const left = await store.pseudonyms.listScope('alpha');
    assert.equal(left.length, rows.length - (report.pseudonyms as number));
    assert.equal(left.some((row) => row.surrogate === emailRow.surrogate), false);
    const [keptCall] = await store.calls.list({ episodeId: 'ep-kept', limit: 1 });
    const keptText = JSON.stringify(keptCall?.request);
    assert.ok(left.every((row) => keptText.includes(row.surrogate)), 'every remaining mapping is used by the remaining call');
    assert.ok(left.length >= 4);
  });
});
