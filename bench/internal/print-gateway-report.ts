/**
 * The console report of `bench/gateway.ts`: environment, latency tables, added latency with the Portkey
 * ratio, streaming TTFT, the store check, PASS/FAIL per target, and the closing `BENCH {json}` line that
 * machines read. Kept apart from the measuring so the report can change without touching the method.
 */
import os from 'node:os';
import type { DrainReport } from './child-service-messages.ts';
import { formatLatencyTable, formatMilliseconds } from './format-latency-table.ts';
import type { LatencySummary } from './latency-summary.ts';
import type { AddedLatency } from './run-rounds.ts';

export type CompletionPath = 'direct' | 'understudy' | 'portkey';
export type StreamPath = 'direct' | 'understudy';

/** The issue's targets for our gateway. */
export const gatewayTargets = { addedP50Ms: 0.3, addedP99Ms: 1, portkeyRatio: 3, streamTtftAddedMs: 1 };

export interface GatewayBenchResult {
  pids: { client: number; upstream: number; understudy: number; portkey: number };
  portkeyVersion: string;
  measuredPerPath: number;
  warmUpPerPath: number;
  roundSize: number;
  streamsPerPath: number;
  chunkDelayMs: number;
  /** Size of the stand-in's non-streaming answer. */
  responseBytes: number;
  phaseSeconds: Record<string, number>;
  completion: Record<CompletionPath, LatencySummary>;
  firstToken: Record<StreamPath, LatencySummary>;
  streamTotal: Record<StreamPath, LatencySummary>;
  ourAdded: AddedLatency;
  portkeyAdded: AddedLatency;
  ttftAdded: AddedLatency;
  /** Every request sent through our gateway, verification and warm-up included. */
  sentThroughUnderstudy: number;
  drained: DrainReport;
  /** The drain as the benchmark saw it: IPC both ways and the count query included. */
  drainRoundTripMs: number;
  failures: number;
  firstFailure: string | null;
  totalSeconds: number;
}

/**
 * Portkey's added latency divided by ours. Ours can come out at or below zero within noise; the floor of
 * 0.01 ms keeps the ratio finite (and JSON-safe) in that case.
 */
function ratioOf(portkeyAdded: number, ourAdded: number): number {
  return portkeyAdded / Math.max(ourAdded, 0.01);
}

function verdict(passed: boolean): string {
  return passed ? 'PASS' : 'FAIL';
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function addedRow(label: string, added: AddedLatency): string {
  return `  ${label.padEnd(29)}${formatMilliseconds(added.p50).padStart(7)}  ${formatMilliseconds(added.p99).padStart(7)}  ${formatMilliseconds(added.pairedP50).padStart(11)}`;
}

export function printGatewayReport(result: GatewayBenchResult): void {
  const { completion, firstToken, streamTotal, ourAdded, portkeyAdded, ttftAdded, drained } = result;
  const ratioP50 = ratioOf(portkeyAdded.p50, ourAdded.p50);
  const ratioP99 = ratioOf(portkeyAdded.p99, ourAdded.p99);
  const storedAll = drained.stored === result.sentThroughUnderstudy && drained.appended === result.sentThroughUnderstudy;
  const checks = {
    addedP50: ourAdded.p50 <= gatewayTargets.addedP50Ms,
    addedP99: ourAdded.p99 <= gatewayTargets.addedP99Ms,
    ratioP50: ratioP50 >= gatewayTargets.portkeyRatio,
    ratioP99: ratioP99 >= gatewayTargets.portkeyRatio,
    streamTtft: ttftAdded.p50 <= gatewayTargets.streamTtftAddedMs,
  };
  const cpus = os.cpus();
  const print = (line = ''): void => console.log(line);

  print(`Understudy gateway benchmark — node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}`);
  print(
    `Processes: client ${result.pids.client}; stand-in upstream ${result.pids.upstream}; understudy ${result.pids.understudy} (logging on, SQLite); ` +
      `Portkey ${result.portkeyVersion} ${result.pids.portkey} (--headless); load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`,
  );
  print(
    `Load: concurrency 1, ${result.measuredPerPath} measured + ${result.warmUpPerPath} warm-up requests per path, rounds of ${result.roundSize} in rotating order; ` +
      `stand-in answer ${result.responseBytes} B; streams ${result.streamsPerPath} per path, SSE events ${result.chunkDelayMs} ms apart`,
  );
  print(`Phases: ${Object.entries(result.phaseSeconds).map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`).join(', ')}`);
  print();
  print('Non-streaming chat completion, request sent → whole body read:');
  print(formatLatencyTable((['direct', 'understudy', 'portkey'] as const).map((path) => ({ label: path, summary: completion[path] }))));
  print();
  print('Added latency over direct (ms)        p50      p99   paired p50');
  print(addedRow('understudy (logging on)', ourAdded));
  print(addedRow('portkey', portkeyAdded));
  print(`  ${'portkey ÷ understudy'.padEnd(29)}${`${ratioP50.toFixed(1)}×`.padStart(7)}  ${`${ratioP99.toFixed(1)}×`.padStart(7)}`);
  print();
  print('Streaming chat completion, time to first content chunk:');
  print(formatLatencyTable((['direct', 'understudy'] as const).map((path) => ({ label: path, summary: firstToken[path] }))));
  print(`  understudy added TTFT: p50 ${formatMilliseconds(ttftAdded.p50)} ms, p99 ${formatMilliseconds(ttftAdded.p99)} ms, paired p50 ${formatMilliseconds(ttftAdded.pairedP50)} ms`);
  print(
    `  whole stream: direct p50 ${formatMilliseconds(streamTotal.direct.p50)} ms, understudy p50 ${formatMilliseconds(streamTotal.understudy.p50)} ms ` +
      `(added ${formatMilliseconds(streamTotal.understudy.p50 - streamTotal.direct.p50)} ms)`,
  );
  print();
  print(
    `Log store: sent ${result.sentThroughUnderstudy} through understudy, appended ${drained.appended}, stored ${drained.stored}; ` +
      `${drained.pendingAtDrain} pending when the load ended, drained in ${formatMilliseconds(drained.drainMs)} ms ` +
      `(${formatMilliseconds(result.drainRoundTripMs)} ms with IPC and count); store errors ${drained.storeErrors}`,
  );
  print(`Failed requests: ${result.failures}${result.firstFailure === null ? '' : ` (first: ${result.firstFailure})`}`);
  print();
  print('Targets:');
  print(`  ${verdict(checks.addedP50)}  added p50 <= ${gatewayTargets.addedP50Ms} ms (${formatMilliseconds(ourAdded.p50)} ms)`);
  print(`  ${verdict(checks.addedP99)}  added p99 <= ${gatewayTargets.addedP99Ms} ms (${formatMilliseconds(ourAdded.p99)} ms)`);
  print(`  ${verdict(checks.ratioP50)}  >= ${gatewayTargets.portkeyRatio}× below Portkey's added p50 (${ratioP50.toFixed(1)}×)`);
  print(`  ${verdict(checks.ratioP99)}  >= ${gatewayTargets.portkeyRatio}× below Portkey's added p99 (${ratioP99.toFixed(1)}×)`);
  print(`  ${verdict(checks.streamTtft)}  streaming TTFT added <= ${gatewayTargets.streamTtftAddedMs} ms (${formatMilliseconds(ttftAdded.p50)} ms)`);
  print(`  ${verdict(storedAll)}  every request through understudy stored (${drained.stored} of ${result.sentThroughUnderstudy})`);
  print(`  ${verdict(result.failures === 0)}  no failed requests (${result.failures})`);
  print(`Total ${result.totalSeconds.toFixed(1)} s`);

  const figures = {
    added_p50_ms: round3(ourAdded.p50),
    added_p99_ms: round3(ourAdded.p99),
    added_paired_p50_ms: round3(ourAdded.pairedP50),
    portkey_added_p50_ms: round3(portkeyAdded.p50),
    portkey_added_p99_ms: round3(portkeyAdded.p99),
    portkey_added_paired_p50_ms: round3(portkeyAdded.pairedP50),
    ratio_p50: round3(ratioP50),
    ratio_p99: round3(ratioP99),
    direct_p50_ms: round3(completion.direct.p50),
    direct_p99_ms: round3(completion.direct.p99),
    gateway_p50_ms: round3(completion.understudy.p50),
    gateway_p99_ms: round3(completion.understudy.p99),
    portkey_p50_ms: round3(completion.portkey.p50),
    portkey_p99_ms: round3(completion.portkey.p99),
    stream_ttft_added_ms: round3(ttftAdded.p50),
    stream_ttft_added_p99_ms: round3(ttftAdded.p99),
    stream_ttft_direct_p50_ms: round3(firstToken.direct.p50),
    stream_ttft_gateway_p50_ms: round3(firstToken.understudy.p50),
    requests: result.sentThroughUnderstudy,
    measured_requests_per_path: result.measuredPerPath,
    stream_requests_per_path: result.streamsPerPath,
    stored: drained.stored,
    drain_ms: round3(drained.drainMs),
    pending_at_drain: drained.pendingAtDrain,
    failures: result.failures,
    response_bytes: result.responseBytes,
    load_average_1m: round3(os.loadavg()[0] ?? 0),
    targets_met: Object.values(checks).every(Boolean),
  };
  print(`BENCH ${JSON.stringify(figures)}`);
}
