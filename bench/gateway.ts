/**
 * `npm run bench:gateway` — how much latency the Understudy gateway adds to an LLM call, with logging on,
 * next to the Portkey gateway measured in the same run, and whether every logged call reaches the store.
 *
 * What runs where — four processes, so every hop between client, gateway and provider crosses a process
 * boundary as it does in a deployment (at concurrency 1 only one of them works at any moment, so the 2
 * cores of the reference machine are not oversubscribed):
 * - This process: the load generator only.
 * - The stand-in upstream (`startFixedUpstream`, a fixed ~600 B chat completion; streams send one SSE
 *   event per `BENCH_CHUNK_DELAY_MS`) in its own process — see `internal/upstream-process.ts` for why.
 * - Our gateway in its own process (`internal/gateway-process.ts`), started as the CLI starts it: API keys
 *   required, default log writer, SQLite store in a temp directory. Logging is on: every call is spooled
 *   on the request path and stored by the background writer.
 * - Portkey (`@portkey-ai/gateway`) in its own process, `--headless`; it stores nothing.
 *
 * Method: one undici `Pool` (one keep-alive connection) per target, timed with `process.hrtime.bigint()`
 * around request + whole body. After a warm-up, rounds of `BENCH_ROUND_SIZE` requests per path run in a
 * rotating order until each path has `BENCH_REQUESTS` samples, so drift (CPU frequency, GC, the writer's
 * flushes) lands on all paths alike. Added latency at a percentile = percentile(gateway) − percentile(direct);
 * the paired estimate is the median over rounds of (round median via gateway − round median direct).
 * Streaming compares time to the first content chunk, direct vs our gateway, the same way.
 *
 * Exit code 0 even when a latency target is missed (this is a measurement); 1 when a request failed or the
 * store holds a different number of calls than were sent through our gateway (a correctness failure).
 * The last line is `BENCH {json}` for machines.
 */
import { createRequire } from 'node:module';
import { request as sendRequest } from 'undici';
import { z } from 'zod';
import { benchProviderKey, benchReplyText, completionRequestBody, streamRequestBody } from './internal/bench-fixtures.ts';
import type { DrainReport } from './internal/child-service-messages.ts';
import { createTimedClient, type TimedClient, type TimedTarget } from './internal/create-timed-client.ts';
import { summarizeLatencies, type LatencySummary } from './internal/latency-summary.ts';
import { printGatewayReport, type CompletionPath, type StreamPath } from './internal/print-gateway-report.ts';
import { addedLatency, createPathRecords, recordFailure, runRounds } from './internal/run-rounds.ts';
import type { RunningChildService } from './internal/start-child-service.ts';
import { startGatewayProcess } from './internal/start-gateway-process.ts';
import { startPortkeyProcess, type PortkeyProcess } from './internal/start-portkey-process.ts';
import { startUpstreamProcess } from './internal/start-upstream-process.ts';

const settingsSchema = z.object({
  /** Measured non-streaming requests per path. */
  BENCH_REQUESTS: z.coerce.number().int().min(100).default(2000),
  /** Unmeasured requests per path before measuring (JIT, connection set-up, caches). */
  BENCH_WARMUP: z.coerce.number().int().min(0).default(300),
  /** Consecutive requests per path before the next path takes over. */
  BENCH_ROUND_SIZE: z.coerce.number().int().min(1).default(100),
  /** Measured streaming requests per path (each takes about a dozen chunk delays). */
  BENCH_STREAM_REQUESTS: z.coerce.number().int().min(10).default(1000),
  /** Delay between the stand-in's SSE events, so the first content chunk travels on its own. */
  BENCH_CHUNK_DELAY_MS: z.coerce.number().min(0).default(1),
  /** Extra Node flags for our gateway's process, space-separated, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  BENCH_GATEWAY_NODE_FLAGS: z.string().default(''),
});
type Settings = z.infer<typeof settingsSchema>;


/**
 * One request outside the timed client that proves a route reaches the stand-in: status 200 and the
 * stand-in's own reply text. Returns the response size in bytes.
 */
async function verifyRoute(label: string, target: TimedTarget, expectHeader: string | null): Promise<number> {
  const response = await sendRequest(`${target.origin}${target.path}`, {
    method: 'POST',
    headers: { ...target.headers, 'content-type': 'application/json' },
    body: completionRequestBody,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${label}: HTTP ${response.statusCode}: ${text.slice(0, 500)}`);
  const shape = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1) });
  let content: string | undefined;
  try {
    content = shape.safeParse(JSON.parse(text)).data?.choices[0]?.message.content;
  } catch {
    content = undefined;
  }
  if (content !== benchReplyText) throw new Error(`${label}: the answer did not come from the stand-in upstream: ${text.slice(0, 300)}`);
  if (expectHeader !== null && response.headers[expectHeader] === undefined) throw new Error(`${label}: response lacks ${expectHeader}`);
  return Buffer.byteLength(text);
}

function readPortkeyVersion(): string {
  const manifest: unknown = createRequire(import.meta.url)('@portkey-ai/gateway/package.json');
  return z.object({ version: z.string() }).safeParse(manifest).data?.version ?? 'unknown';
}

interface Running {
  upstream: RunningChildService;
  ours: RunningChildService;
  portkey: PortkeyProcess;
  clients: TimedClient[];
}

async function startEverything(settings: Settings): Promise<Running> {
  const upstream = await startUpstreamProcess({ replyText: benchReplyText, chunkDelayMs: settings.BENCH_CHUNK_DELAY_MS });
  const nodeFlags = settings.BENCH_GATEWAY_NODE_FLAGS.split(/\s+/).filter(Boolean);
  const [ours, portkey] = await Promise.allSettled([startGatewayProcess(upstream.ready.url, 'on', nodeFlags), startPortkeyProcess(upstream.ready.url)]);
  if (ours.status === 'rejected' || portkey.status === 'rejected') {
    if (ours.status === 'fulfilled') await ours.value.close();
    if (portkey.status === 'fulfilled') await portkey.value.close();
    await upstream.close();
    const reason: unknown = ours.status === 'rejected' ? ours.reason : portkey.status === 'rejected' ? portkey.reason : null;
    throw reason instanceof Error ? reason : new Error(String(reason));
  }
  return { upstream, ours: ours.value, portkey: portkey.value, clients: [] };
}

async function stopEverything(running: Running): Promise<void> {
  await Promise.allSettled(running.clients.map((client) => client.close()));
  await Promise.allSettled([running.ours.close(), running.portkey.close()]);
  await running.upstream.close();
}

async function main(): Promise<void> {
  const settings = settingsSchema.parse(process.env);
  const startedAt = performance.now();
  const running = await startEverything(settings);
  try {
    await benchmark(settings, running, startedAt);
  } finally {
    await stopEverything(running);
  }
}

async function benchmark(settings: Settings, running: Running, startedAt: number): Promise<void> {
  const { upstream, ours, portkey } = running;
  const routes: Record<CompletionPath, TimedTarget> = {
    direct: { origin: upstream.origin, path: `${upstream.basePath}/chat/completions`, headers: { authorization: `Bearer ${benchProviderKey}` } },
    understudy: { origin: ours.origin, path: `${ours.basePath}/chat/completions`, headers: { authorization: `Bearer ${ours.ready.apiKey ?? ''}` } },
    portkey: { origin: portkey.origin, path: '/v1/chat/completions', headers: portkey.routingHeaders },
  };
  // Every request sent through our gateway, warm-up and verification included: the store must hold exactly these.
  let sentThroughUnderstudy = 0;

  const responseBytes = await verifyRoute('direct', routes.direct, null);
  await verifyRoute('understudy', routes.understudy, 'x-understudy-call-id');
  sentThroughUnderstudy += 1;
  await verifyRoute('portkey', routes.portkey, 'x-portkey-provider');

  const clients: Record<CompletionPath, TimedClient> = {
    direct: createTimedClient(routes.direct),
    understudy: createTimedClient(routes.understudy),
    portkey: createTimedClient(routes.portkey),
  };
  running.clients.push(...Object.values(clients));

  const completionPaths: readonly CompletionPath[] = ['direct', 'understudy', 'portkey'];
  const streamPaths: readonly StreamPath[] = ['direct', 'understudy'];
  const completionRecords = createPathRecords(completionPaths);
  const firstTokenRecords = createPathRecords(streamPaths);
  const streamTotalRecords = createPathRecords(streamPaths);

  let measuring = false;
  const warmUpRecords = createPathRecords(completionPaths);
  const runCompletion = async (path: CompletionPath): Promise<void> => {
    if (path === 'understudy') sentThroughUnderstudy += 1;
    const result = await clients[path].timeCompletion(completionRequestBody);
    const record = measuring ? completionRecords[path] : warmUpRecords[path];
    if (result.ok) record.samples.push(result.milliseconds);
    else recordFailure(record, result.reason);
  };
  const streamWarmUpRecords = createPathRecords(streamPaths);
  const runStream = async (path: StreamPath): Promise<void> => {
    if (path === 'understudy') sentThroughUnderstudy += 1;
    const result = await clients[path].timeStream(streamRequestBody);
    const firstToken = measuring ? firstTokenRecords[path] : streamWarmUpRecords[path];
    if (!result.ok) {
      recordFailure(firstToken, result.reason);
      return;
    }
    firstToken.samples.push(result.firstTokenMilliseconds);
    if (measuring) streamTotalRecords[path].samples.push(result.totalMilliseconds);
  };

  const phaseTimes: Record<string, number> = {};
  let phaseStart = performance.now();
  const endPhase = (name: string): void => {
    phaseTimes[name] = (performance.now() - phaseStart) / 1000;
    phaseStart = performance.now();
  };

  const streamWarmUp = Math.min(settings.BENCH_WARMUP, 50);
  await runRounds(completionPaths, settings.BENCH_WARMUP, settings.BENCH_ROUND_SIZE, runCompletion, warmUpRecords);
  await runRounds(streamPaths, streamWarmUp, settings.BENCH_ROUND_SIZE, runStream, streamWarmUpRecords);
  endPhase('warm-up');
  measuring = true;
  await runRounds(completionPaths, settings.BENCH_REQUESTS, settings.BENCH_ROUND_SIZE, runCompletion, completionRecords);
  endPhase('non-streaming');
  await runRounds(streamPaths, settings.BENCH_STREAM_REQUESTS, settings.BENCH_ROUND_SIZE, runStream, firstTokenRecords);
  endPhase('streaming');

  const drainSentAt = performance.now();
  const drained: DrainReport = await ours.drain();
  const drainRoundTripMs = performance.now() - drainSentAt;

  const completion = Object.fromEntries(completionPaths.map((path) => [path, summarizeLatencies(completionRecords[path].samples)])) as Record<
    CompletionPath,
    LatencySummary
  >;
  const firstToken = Object.fromEntries(streamPaths.map((path) => [path, summarizeLatencies(firstTokenRecords[path].samples)])) as Record<
    StreamPath,
    LatencySummary
  >;
  const streamTotal = Object.fromEntries(streamPaths.map((path) => [path, summarizeLatencies(streamTotalRecords[path].samples)])) as Record<
    StreamPath,
    LatencySummary
  >;
  const allRecords = [...Object.values(warmUpRecords), ...Object.values(completionRecords), ...Object.values(streamWarmUpRecords), ...Object.values(firstTokenRecords)];
  const failures = allRecords.reduce((sum, record) => sum + record.failures, 0);
  printGatewayReport({
    pids: { client: process.pid, upstream: upstream.pid, understudy: ours.pid, portkey: portkey.pid },
    portkeyVersion: readPortkeyVersion(),
    measuredPerPath: settings.BENCH_REQUESTS,
    warmUpPerPath: settings.BENCH_WARMUP,
    roundSize: settings.BENCH_ROUND_SIZE,
    streamsPerPath: settings.BENCH_STREAM_REQUESTS,
    chunkDelayMs: settings.BENCH_CHUNK_DELAY_MS,
    responseBytes,
    phaseSeconds: phaseTimes,
    completion,
    firstToken,
    streamTotal,
    ourAdded: addedLatency(completionRecords.understudy, completionRecords.direct, completion.understudy, completion.direct),
    portkeyAdded: addedLatency(completionRecords.portkey, completionRecords.direct, completion.portkey, completion.direct),
    ttftAdded: addedLatency(firstTokenRecords.understudy, firstTokenRecords.direct, firstToken.understudy, firstToken.direct),
    sentThroughUnderstudy,
    drained,
    drainRoundTripMs,
    failures,
    firstFailure: allRecords.find((record) => record.firstFailure !== null)?.firstFailure ?? null,
    totalSeconds: (performance.now() - startedAt) / 1000,
  });
  const storedAll = drained.stored === sentThroughUnderstudy && drained.appended === sentThroughUnderstudy;
  if (!storedAll || failures > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
