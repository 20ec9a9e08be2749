/**
 * `node --import tsx bench/gateway-layers.ts` — where our gateway's added latency goes. Same client, same
 * stand-in upstream process and same interleaved rounds as `bench/gateway.ts`, over a ladder of proxies
 * that each add one layer of our stack, every one in its own process:
 *
 *   direct → node:http proxy → Hono proxy → Hono proxy touching `request.body` → our gateway with the log
 *   writer's append replaced by nothing → by `JSON.stringify` only → spooling but storing nothing → our
 *   gateway as shipped (logging on)
 *
 * The paired step (median over rounds of this layer's round median minus the previous layer's) is the
 * price of each layer. Not a pass/fail benchmark: it prints the ladder and a `LAYERS {json}` line.
 */
import os from 'node:os';
import { z } from 'zod';
import { benchProviderKey, benchReplyText, completionRequestBody } from './internal/bench-fixtures.ts';
import { createTimedClient, type TimedClient } from './internal/create-timed-client.ts';
import { formatLatencyTable, formatMilliseconds } from './internal/format-latency-table.ts';
import { medianOf, summarizeLatencies } from './internal/latency-summary.ts';
import { createPathRecords, recordFailure, runRounds } from './internal/run-rounds.ts';
import type { RunningChildService } from './internal/start-child-service.ts';
import { startGatewayProcess } from './internal/start-gateway-process.ts';
import { startLayerProcess } from './internal/start-layer-process.ts';
import { startUpstreamProcess } from './internal/start-upstream-process.ts';

const settingsSchema = z.object({
  BENCH_REQUESTS: z.coerce.number().int().min(100).default(1000),
  BENCH_WARMUP: z.coerce.number().int().min(0).default(200),
  BENCH_ROUND_SIZE: z.coerce.number().int().min(1).default(100),
});

const layers = [
  'direct',
  'node-http-proxy',
  'hono-proxy',
  'hono-proxy-body-getter',
  'understudy-log-off',
  'understudy-serialize-only',
  'understudy-spool-only',
  'understudy',
] as const;
type Layer = (typeof layers)[number];

async function startLayer(layer: Layer, upstream: RunningChildService): Promise<RunningChildService> {
  switch (layer) {
    case 'direct':
      return upstream;
    case 'node-http-proxy':
    case 'hono-proxy':
    case 'hono-proxy-body-getter':
      return startLayerProcess(layer, upstream.ready.url);
    case 'understudy-log-off':
      return startGatewayProcess(upstream.ready.url, 'off');
    case 'understudy-serialize-only':
      return startGatewayProcess(upstream.ready.url, 'serialize-only');
    case 'understudy-spool-only':
      return startGatewayProcess(upstream.ready.url, 'spool-only');
    case 'understudy':
      return startGatewayProcess(upstream.ready.url, 'on');
  }
}

async function main(): Promise<void> {
  const settings = settingsSchema.parse(process.env);
  const upstream = await startUpstreamProcess({ replyText: benchReplyText, chunkDelayMs: 0 });
  const services: RunningChildService[] = [];
  const clients: TimedClient[] = [];
  try {
    const clientByLayer = {} as Record<Layer, TimedClient>;
    for (const layer of layers) {
      const service = await startLayer(layer, upstream);
      if (layer !== 'direct') services.push(service);
      const authorization = `Bearer ${service.ready.apiKey ?? benchProviderKey}`;
      const client = createTimedClient({ origin: service.origin, path: `${service.basePath}/chat/completions`, headers: { authorization } });
      clients.push(client);
      clientByLayer[layer] = client;
    }
    const warmUp = createPathRecords(layers);
    const measured = createPathRecords(layers);
    let records = warmUp;
    const runOne = async (layer: Layer): Promise<void> => {
      const result = await clientByLayer[layer].timeCompletion(completionRequestBody);
      if (result.ok) records[layer].samples.push(result.milliseconds);
      else recordFailure(records[layer], result.reason);
    };
    await runRounds(layers, settings.BENCH_WARMUP, settings.BENCH_ROUND_SIZE, runOne, warmUp);
    records = measured;
    await runRounds(layers, settings.BENCH_REQUESTS, settings.BENCH_ROUND_SIZE, runOne, measured);

    const summaries = layers.map((layer) => ({ label: layer, summary: summarizeLatencies(measured[layer].samples) }));
    const cpus = os.cpus();
    console.log(`Gateway latency breakdown — node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
    console.log(`${settings.BENCH_REQUESTS} requests per layer (+${settings.BENCH_WARMUP} warm-up), concurrency 1, rounds of ${settings.BENCH_ROUND_SIZE}\n`);
    console.log(formatLatencyTable(summaries));
    console.log('\nlayer                        added p50   step p50 (paired)   added p90   added p99');
    const figures: Record<string, { p50_ms: number; added_p50_ms: number; step_paired_p50_ms: number }> = {};
    const directP50 = summaries[0]?.summary.p50 ?? Number.NaN;
    layers.forEach((layer, index) => {
      const previous = layers[index - 1];
      const current = measured[layer];
      const before = previous === undefined ? null : measured[previous];
      const pairs = before === null ? [] : current.roundMedians.map((median, round) => median - (before.roundMedians[round] ?? Number.NaN));
      const step = pairs.length > 0 ? medianOf(pairs) : 0;
      const p50 = summaries[index]?.summary.p50 ?? Number.NaN;
      figures[layer] = { p50_ms: Math.round(p50 * 1000) / 1000, added_p50_ms: Math.round((p50 - directP50) * 1000) / 1000, step_paired_p50_ms: Math.round(step * 1000) / 1000 };
      const summary = summaries[index]?.summary;
      const direct = summaries[0]?.summary;
      const tail = summary && direct ? `   ${formatMilliseconds(summary.p90 - direct.p90).padStart(9)}   ${formatMilliseconds(summary.p99 - direct.p99).padStart(9)}` : '';
      console.log(`${layer.padEnd(27)}  ${formatMilliseconds(p50 - directP50).padStart(9)}   ${formatMilliseconds(step).padStart(17)}${tail}`);
    });
    const failures = layers.reduce((sum, layer) => sum + warmUp[layer].failures + measured[layer].failures, 0);
    if (failures > 0) {
      const first = layers.map((layer) => warmUp[layer].firstFailure ?? measured[layer].firstFailure).find((reason) => reason !== null);
      console.log(`\nFailed requests: ${failures} (first: ${first ?? 'unknown'})`);
      process.exitCode = 1;
    }
    console.log(`LAYERS ${JSON.stringify(figures)}`);
  } finally {
    await Promise.allSettled(clients.map((client) => client.close()));
    await Promise.allSettled(services.map((service) => service.close()));
    await upstream.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
