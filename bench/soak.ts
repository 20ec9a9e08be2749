/**
 * `npm run bench:soak [-- --quick] [-- --rate 50 --minutes 15]` — the gateway under a steady load for a long
 * time with logging on: does its memory stay flat, does p99 stay where it started, and does every answered
 * call reach the store?
 *
 * What runs where — three processes, so the gateway's memory is measured alone:
 * - This process: the load generator, the samplers and the report.
 * - The stand-in upstream (`startFixedUpstream`, `recordRequests: false`, a few ms of latency before each
 *   answer, 1 ms between SSE events) in its own process.
 * - Our gateway (`internal/soak-gateway-process.ts`) as the CLI runs it: API keys required, default log
 *   writer, SQLite store in a temp directory that this process owns and checks at the end.
 *
 * Method: open loop. Request `i` is due at `start + i / rate` whatever happened before it, and its latency
 * runs from that due time to the last byte of its body, so a slow gateway shows up as latency (and as
 * requests piling up), never as a quietly lower rate. Requests go through one undici `Pool` with keep-alive
 * connections; the mix (`internal/soak-workload.ts`) is seeded: plain and streamed answers, prompts from
 * 80 characters to 12 KB, multi-turn history, tool calls and results, `json_schema`, episode/task tags.
 * Every `--sample-seconds` (10) the gateway reports its own `process.memoryUsage()` over IPC (RSS includes
 * its log-writer and store worker threads) and `GET /admin/summary` gives the log writer's counters. After
 * the load, the writer is drained, the gateway closed, and the store opened here: every call id the gateway
 * answered with (`x-understudy-call-id`) must be in it.
 *
 * Verdicts (`ok`/`FAIL` lines): memory flat = RSS slope after the first minute below 1 MB/min, and also over
 * the second half alone (an early dip must not hide a climb); p99 stable = last minute's p99 within 1.5× of
 * the first's (the median minute and the trend after warm-up are printed beside it, since minute 1 carries
 * the JIT warm-up). Exit code 0 even when those miss (they are measurements
 * for the note); 1 when an answered call is missing from the store or nothing was answered. The last line
 * is `BENCH {json}`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { z } from 'zod';
import { openStore } from '../src/store/open-store.ts';
import { benchReplyText } from './internal/bench-fixtures.ts';
import { startChildService, type RunningChildService } from './internal/start-child-service.ts';
import { startUpstreamProcess } from './internal/start-upstream-process.ts';
import { createSoakWorkload, type SoakRequest } from './internal/soak-workload.ts';
import { buildMinuteRows, computeSoakFigures, formatMinuteTable, formatVerdicts, type GatewaySample, type MinuteRecord } from './internal/soak-report.ts';

const optionsSchema = z.object({
  rate: z.coerce.number().positive().max(2000),
  minutes: z.coerce.number().positive().max(24 * 60),
  sampleSeconds: z.coerce.number().min(1),
  upstreamLatencyMs: z.coerce.number().min(0),
  connections: z.coerce.number().int().min(1),
  seed: z.string().min(1),
});
type SoakOptions = z.infer<typeof optionsSchema>;

function readOptions(): SoakOptions {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rate: { type: 'string', default: '50' },
      minutes: { type: 'string' },
      'sample-seconds': { type: 'string', default: '10' },
      'upstream-latency-ms': { type: 'string', default: '5' },
      connections: { type: 'string', default: '64' },
      seed: { type: 'string', default: 'soak' },
    },
    strict: true,
  });
  return optionsSchema.parse({
    rate: values.rate,
    minutes: values.minutes ?? (values.quick ? 1 : 15),
    sampleSeconds: values['sample-seconds'],
    upstreamLatencyMs: values['upstream-latency-ms'],
    connections: values.connections,
    seed: values.seed,
  });
}

/** What one request came to: answered (status 200, whole body, `[DONE]` for streams) with its call id, or not. */
type Outcome = { ok: true; callId: string } | { ok: false; reason: string };

const summaryShape = z.object({ logWriter: z.object({ pending: z.number(), stored: z.number() }).nullable() });

function megabytes(bytes: number): number {
  return bytes / (1024 * 1024);
}

async function sendSoakRequest(pool: Pool, chatPath: string, apiKey: string, request: SoakRequest): Promise<Outcome> {
  try {
    const response = await pool.request({
      path: chatPath,
      method: 'POST',
      headers: { ...request.headers, authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: request.body,
    });
    const callIdHeader = response.headers['x-understudy-call-id'];
    let tail = '';
    let bytes = 0;
    for await (const piece of response.body) {
      const chunk = piece as Buffer;
      bytes += chunk.length;
      tail = (tail + chunk.toString('utf8')).slice(-400);
    }
    if (response.statusCode !== 200) return { ok: false, reason: `HTTP ${response.statusCode}: ${tail.slice(-300)}` };
    if (typeof callIdHeader !== 'string') return { ok: false, reason: 'no x-understudy-call-id header' };
    if (request.stream && !tail.includes('data: [DONE]')) return { ok: false, reason: `${request.kind}: the stream ended without data: [DONE]` };
    if (!request.stream && bytes === 0) return { ok: false, reason: `${request.kind}: empty body` };
    return { ok: true, callId: callIdHeader };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

interface Services {
  upstream: RunningChildService;
  gateway: RunningChildService;
  adminToken: string;
  dataDir: string;
}

async function startServices(options: SoakOptions): Promise<Services> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-soak-'));
  const adminToken = `usa_soak_${randomBytes(18).toString('base64url')}`;
  const upstream = await startUpstreamProcess({ replyText: benchReplyText, chunkDelayMs: 1, latencyMs: options.upstreamLatencyMs });
  try {
    const gateway = await startChildService({ entry: new URL('./internal/soak-gateway-process.ts', import.meta.url), args: [upstream.ready.url, dataDir, adminToken] });
    return { upstream, gateway, adminToken, dataDir };
  } catch (error) {
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Samples the gateway every `sampleSeconds` until stopped; one sample at a time, failures counted. */
function startSampler(services: Services, adminPool: Pool, loadStartedAt: () => number, sampleSeconds: number) {
  const samples: GatewaySample[] = [];
  let failures = 0;
  let lastFailure: string | null = null;
  let running: Promise<void> | null = null;

  const takeSample = async (): Promise<void> => {
    const atSeconds = (performance.now() - loadStartedAt()) / 1000;
    try {
      const memory = await services.gateway.sampleMemory();
      const summaryStartedAt = performance.now();
      const response = await adminPool.request({ path: '/admin/summary', method: 'GET', headers: { authorization: `Bearer ${services.adminToken}` } });
      const text = await response.body.text();
      const summaryMs = performance.now() - summaryStartedAt;
      let writer: { pending: number; stored: number } | null = null;
      if (response.statusCode === 200) {
        writer = summaryShape.safeParse(JSON.parse(text)).data?.logWriter ?? null;
      } else {
        failures += 1;
        lastFailure = `GET /admin/summary: HTTP ${response.statusCode}: ${text.slice(0, 200)}`;
      }
      samples.push({
        atSeconds,
        rssMb: megabytes(memory.rssBytes),
        heapUsedMb: megabytes(memory.heapUsedBytes),
        externalMb: megabytes(memory.externalBytes),
        pending: writer?.pending ?? null,
        stored: writer?.stored ?? null,
        summaryMs: writer === null ? null : summaryMs,
      });
    } catch (error) {
      failures += 1;
      lastFailure = error instanceof Error ? error.message : String(error);
    }
  };
  const tick = (): void => {
    if (running === null) running = takeSample().finally(() => (running = null));
  };
  let timer: NodeJS.Timeout | null = null;
  return {
    samples,
    takeSample,
    start() {
      timer = setInterval(tick, sampleSeconds * 1000);
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
    failures: () => ({ count: failures, last: lastFailure }),
  };
}

interface LoadResult {
  records: MinuteRecord[];
  answeredIds: string[];
  firstErrors: string[];
  wallSeconds: number;
}

/** The open loop: fires request `i` at `startedAt + i / rate`, records latency from that due time. */
async function driveLoad(options: SoakOptions, services: Services, pool: Pool, onStart: (startedAt: number) => void): Promise<LoadResult> {
  const workload = createSoakWorkload(options.seed);
  const intervalMs = 1000 / options.rate;
  const total = Math.round(options.rate * options.minutes * 60);
  const records: MinuteRecord[] = Array.from({ length: Math.ceil(options.minutes) }, () => ({ sent: 0, answered: 0, errors: 0, latencies: [] }));
  const answeredIds: string[] = [];
  const firstErrors: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const chatPath = `${services.gateway.basePath}/chat/completions`;
  const apiKey = services.gateway.ready.apiKey ?? '';

  const fire = (request: SoakRequest, dueAt: number, minute: number): void => {
    const record = records[Math.min(minute, records.length - 1)]!;
    record.sent += 1;
    const exchange = sendSoakRequest(pool, chatPath, apiKey, request).then((outcome) => {
      if (outcome.ok) {
        record.answered += 1;
        record.latencies.push(performance.now() - dueAt);
        answeredIds.push(outcome.callId);
      } else {
        record.errors += 1;
        if (firstErrors.length < 5) firstErrors.push(`${request.kind}: ${outcome.reason}`);
      }
    });
    inFlight.add(exchange);
    void exchange.finally(() => inFlight.delete(exchange));
  };

  const startedAt = performance.now();
  onStart(startedAt);
  let nextMinuteReport = 1;
  let next = workload.requestAt(0);
  for (let index = 0; index < total; ) {
    const dueAt = startedAt + index * intervalMs;
    const wait = dueAt - performance.now();
    if (wait > 0) {
      await sleep(wait);
      continue;
    }
    fire(next, dueAt, Math.floor((index * intervalMs) / 60_000));
    index += 1;
    // The next request is built right away, before its due time, so building it is not timed.
    if (index < total) next = workload.requestAt(index);
    if (index * intervalMs >= nextMinuteReport * 60_000) {
      const record = records[nextMinuteReport - 1]!;
      process.stderr.write(`[soak] minute ${nextMinuteReport}: sent ${record.sent}, answered ${record.answered}, errors ${record.errors}, in flight ${inFlight.size}\n`);
      nextMinuteReport += 1;
    }
  }
  await Promise.all(inFlight);
  return { records, answeredIds, firstErrors, wallSeconds: (performance.now() - startedAt) / 1000 };
}

/** Opens the closed gateway's store and looks every answered call id up; also counts every stored row. */
async function checkStore(dataDir: string, answeredIds: readonly string[]): Promise<{ logged: number; lost: number; storedTotal: number; missingExamples: string[] }> {
  const store = await openStore({ dataDir, databaseUrl: undefined });
  try {
    const storedIds = new Set<string>();
    const pageSize = 1000;
    for (let offset = 0; ; offset += pageSize) {
      const page = await store.calls.list({ limit: pageSize, offset, order: 'asc' });
      for (const call of page) storedIds.add(call.id);
      if (page.length < pageSize) break;
    }
    const missing = answeredIds.filter((id) => !storedIds.has(id));
    return { logged: answeredIds.length - missing.length, lost: missing.length, storedTotal: storedIds.size, missingExamples: missing.slice(0, 5) };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const runStartedAt = performance.now();
  const warmUpSeconds = options.minutes > 1 ? 60 : Math.min(20, options.minutes * 20);
  process.stderr.write(`[soak] ${options.rate} requests/s for ${options.minutes} min, upstream latency ${options.upstreamLatencyMs} ms, sampling every ${options.sampleSeconds} s\n`);
  const services = await startServices(options);
  const pool = new Pool(services.gateway.origin, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
  const adminPool = new Pool(services.gateway.origin, { connections: 1, keepAliveTimeout: 60_000 });
  let loadStartedAt = performance.now();
  const sampler = startSampler(services, adminPool, () => loadStartedAt, options.sampleSeconds);
  let closed = false;
  try {
    await sampler.takeSample();
    const baseline = sampler.samples[0];
    sampler.start();
    const load = await driveLoad(options, services, pool, (startedAt) => (loadStartedAt = startedAt));
    await sampler.stop();
    await sampler.takeSample();
    const drained = await services.gateway.drain();
    const afterDrain = await services.gateway.sampleMemory();
    await Promise.allSettled([pool.close(), adminPool.close()]);
    await services.gateway.close();
    closed = true;
    const storeCheck = await checkStore(services.dataDir, load.answeredIds);

    const input = {
      minutes: options.minutes,
      rateRps: options.rate,
      warmUpSeconds,
      records: load.records,
      samples: sampler.samples,
      logged: storeCheck.logged,
      lost: storeCheck.lost,
      storedTotal: storeCheck.storedTotal,
      drainMs: drained.drainMs,
      pendingAtDrain: drained.pendingAtDrain,
      wallSeconds: load.wallSeconds,
    };
    const rows = buildMinuteRows(load.records, sampler.samples);
    const figures = computeSoakFigures(input, rows);
    const out = process.stdout;
    out.write(`\nbench:soak — ${options.rate} requests/s open loop for ${options.minutes} min through the gateway (logging on, API keys, SQLite), upstream ${options.upstreamLatencyMs} ms\n`);
    out.write(`pids: load ${process.pid}, gateway ${services.gateway.pid}, upstream ${services.upstream.pid}; achieved ${figures.achieved_rps} requests/s over ${figures.wall_seconds} s\n`);
    if (baseline) out.write(`gateway before load: RSS ${baseline.rssMb.toFixed(1)} MB, heap ${baseline.heapUsedMb.toFixed(1)} MB\n`);
    out.write(`gateway after drain: RSS ${megabytes(afterDrain.rssBytes).toFixed(1)} MB, heap ${megabytes(afterDrain.heapUsedBytes).toFixed(1)} MB\n\n`);
    out.write(`${formatMinuteTable(rows)}\n\n`);
    out.write(`log writer: pending max ${figures.pending_max} (sampled every ${options.sampleSeconds} s), ${drained.pendingAtDrain} pending at drain, drained in ${drained.drainMs.toFixed(1)} ms, store errors ${drained.storeErrors}; GET /admin/summary max ${figures.summary_ms_max} ms\n`);
    out.write(`store: ${storeCheck.storedTotal} calls stored; ${figures.logged} of ${figures.answered} answered calls found, ${figures.lost} missing${storeCheck.missingExamples.length > 0 ? ` (e.g. ${storeCheck.missingExamples.join(', ')})` : ''}\n`);
    const sampleFailures = sampler.failures();
    if (sampleFailures.count > 0) out.write(`samples that failed: ${sampleFailures.count} (last: ${sampleFailures.last})\n`);
    if (load.firstErrors.length > 0) out.write(`first errors:\n${load.firstErrors.map((line) => `  ${line}`).join('\n')}\n`);
    out.write(`\n${formatVerdicts(figures, warmUpSeconds).join('\n')}\n`);
    out.write(`BENCH ${JSON.stringify(figures)}\n`);
    if (figures.lost > 0 || figures.answered === 0) process.exitCode = 1;
  } finally {
    await sampler.stop();
    await Promise.allSettled([pool.close(), adminPool.close()]);
    if (!closed) await services.gateway.close().catch(() => undefined);
    await services.upstream.close();
    rmSync(services.dataDir, { recursive: true, force: true });
  }
  process.stderr.write(`[soak] done in ${((performance.now() - runStartedAt) / 1000).toFixed(0)} s\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
