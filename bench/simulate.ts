/**
 * `npm run bench:simulate` — how fast the simulator fills a store: 10,000 calls from the simulated agents
 * through a real in-process gateway on the embedded defaults (SQLite in a temp directory, default log
 * writer), answered by the scripted teacher with its latency scaled to 0 and error rate 0. Target: under
 * 2 minutes. Also checks what a simulation must get right: every call answered (failures 0), every call
 * stored (stored = calls after the flush), and the teacher exactly right at error rate 0.
 *
 * Environment: BENCH_CALLS (default 10000), BENCH_CONCURRENCY (episodes in flight, default 16),
 * BENCH_AGENTS (default: every available agent), BENCH_SEED (default 1).
 * Exit code 1 on a correctness failure; 0 otherwise, even when the time target is missed (a measurement).
 * The last line is `BENCH {json}` for machines.
 */
import { z } from 'zod';
import { runSimulation } from '../src/simulate/driver/run-simulation.ts';
import { resolveSimulatedAgents, simulatedAgents } from '../src/simulate/driver/simulated-agents.ts';
import { startSimulationStack } from '../src/simulate/driver/start-simulation-stack.ts';

const settingsSchema = z.object({
  BENCH_CALLS: z.coerce.number().int().min(1).default(10_000),
  BENCH_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(16),
  BENCH_AGENTS: z.string().optional(),
  BENCH_SEED: z.string().default('1'),
});

const targetSeconds = 120;

async function main(): Promise<number> {
  const settings = settingsSchema.parse(process.env);
  const agents = resolveSimulatedAgents(settings.BENCH_AGENTS ?? Object.keys(simulatedAgents).join(','));
  const stack = await startSimulationStack({
    skills: agents.flatMap((agent) => agent.skills),
    teacher: { seed: settings.BENCH_SEED, errorRate: 0, latency: { scale: 0 } },
  });
  try {
    process.stdout.write(`bench:simulate — ${settings.BENCH_CALLS} calls from ${agents.map((agent) => agent.name).join(', ')} through ${stack.gateway.baseUrl} (SQLite in ${stack.dataDir}), concurrency ${settings.BENCH_CONCURRENCY}\n`);
    const summary = await runSimulation({
      agents,
      episodes: Number.MAX_SAFE_INTEGER,
      stopAfterCalls: settings.BENCH_CALLS,
      concurrency: settings.BENCH_CONCURRENCY,
      seed: settings.BENCH_SEED,
      gatewayBaseUrl: stack.gateway.baseUrl,
      apiKey: stack.apiKey,
    });
    const flushStartedAt = performance.now();
    await stack.gateway.logWriter.flush();
    const flushSeconds = (performance.now() - flushStartedAt) / 1000;
    const stored = await stack.gateway.store.calls.count({ projectId: stack.projectId });
    const teacher = stack.teacher.stats();

    process.stdout.write('\ntask                              calls   scored  correct\n');
    for (const [task, tally] of Object.entries(summary.byTask).sort(([left], [right]) => (left < right ? -1 : 1))) {
      process.stdout.write(`${task.padEnd(32)}  ${String(tally.calls).padStart(6)}  ${String(tally.scored).padStart(6)}  ${String(tally.correct).padStart(7)}\n`);
    }
    process.stdout.write(
      `\n${summary.calls} calls in ${summary.episodes} episodes: ${summary.seconds.toFixed(1)} s (${summary.callsPerSecond.toFixed(0)} calls/s; target < ${targetSeconds} s: ${summary.seconds < targetSeconds ? 'met' : 'MISSED'})\n` +
        `stored after flush: ${stored} (flush ${flushSeconds.toFixed(2)} s); failures: ${summary.failures}; teacher correct: ${summary.teacherCorrectRate === null ? 'n/a' : summary.teacherCorrectRate.toFixed(4)} of ${summary.scoredCalls} scored; open-ended share: ${summary.openEndedShare.toFixed(3)}; unrecognised by the teacher: ${teacher.unrecognised}\n`,
    );
    if (summary.failedEpisodes > 0) process.stdout.write(`${summary.failedEpisodes} episodes ended early; first reasons:\n`);
    for (const sample of summary.failureSamples) process.stdout.write(`  ${sample}\n`);
    const correct = summary.failures === 0 && stored === summary.calls && teacher.unrecognised === 0 && (summary.teacherCorrectRate ?? 1) === 1;
    if (!correct) process.stdout.write('CORRECTNESS FAILURE: see the figures above.\n');
    const bench = {
      calls: summary.calls,
      episodes: summary.episodes,
      seconds: Number(summary.seconds.toFixed(3)),
      calls_per_second: Number(summary.callsPerSecond.toFixed(1)),
      teacher_correct_rate: summary.teacherCorrectRate,
      open_ended_share: Number(summary.openEndedShare.toFixed(4)),
      stored,
      failures: summary.failures,
      failed_episodes: summary.failedEpisodes,
      agents: agents.map((agent) => agent.name),
      concurrency: settings.BENCH_CONCURRENCY,
    };
    process.stdout.write(`BENCH ${JSON.stringify(bench)}\n`);
    return correct ? 0 : 1;
  } finally {
    await stack.close();
  }
}

process.exitCode = await main();
