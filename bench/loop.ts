/**
 * `npm run bench:loop [-- --quick]`: the closed loop on the simulator (embedded defaults). Learning rounds
 * (traffic through the gateway, then `understudy loop`'s round), drift midway, a broken specialist in shadow and
 * forced live, then a fresh measured run. Prints the rounds as a series, the economics table and the routes, and
 * ends with one line `BENCH {json}`: calls, slm_share, agreement, escalation_rate, cost_reduction,
 * router_p99_ms, wall_seconds, wrong_before_rollback and more.
 *
 * Environment: BENCH_LOOP_DEVICE (auto|cpu|cuda), BENCH_LOOP_ROUNDS, BENCH_LOOP_EPISODES, BENCH_LOOP_MEASURE.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDefaultBaseModel } from '../src/providers/models/default-base-model.ts';
import { renderEconomicsTable } from '../src/route/render-economics.ts';
import { runLoopBenchmark } from './internal/loop-benchmark.ts';
import { loopBenchmarkPreset } from './internal/loop-presets.ts';

const quick = process.argv.includes('--quick');
const device = (process.env.BENCH_LOOP_DEVICE ?? 'auto') as 'auto' | 'cpu' | 'cuda';
// Weights and the training environment come from the repository's cache, not each run's temporary data directory.
process.env.UNDERSTUDY_CACHE_DIR ??= path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.understudy');
const base = (await ensureDefaultBaseModel({ dataDir: process.env.UNDERSTUDY_CACHE_DIR })).path;
const preset = loopBenchmarkPreset(quick ? 'quick' : 'full', device, base);
const options = {
  ...preset,
  ...(process.env.BENCH_LOOP_ROUNDS ? { rounds: Number(process.env.BENCH_LOOP_ROUNDS) } : {}),
  ...(process.env.BENCH_LOOP_EPISODES ? { episodesPerRound: Number(process.env.BENCH_LOOP_EPISODES) } : {}),
  ...(process.env.BENCH_LOOP_MEASURE ? { measureCalls: Number(process.env.BENCH_LOOP_MEASURE) } : {}),
};
const figures = await runLoopBenchmark({ ...options, onProgress: (message) => process.stderr.write(`${message}\n`) });

const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
process.stdout.write(`\nbench:loop (${quick ? 'quick' : 'full'}), ${options.agents}, ${options.rounds} rounds × ${options.episodesPerRound} episodes, drift of ${options.driftTask} from round ${options.driftRound}\n\n`);
process.stdout.write('round  calls  slm share  escalation  drift-task escalation\n');
for (const round of figures.rounds) {
  process.stdout.write(`${String(round.round).padStart(5)}  ${String(round.calls).padStart(5)}  ${percent(round.slmShare).padStart(9)}  ${percent(round.escalationRate).padStart(10)}  ${percent(round.driftTaskEscalationRate).padStart(21)}\n`);
}
process.stdout.write(`\nmeasured run: ${figures.calls} calls, ${figures.specialist_answers} answered by specialists (${percent(figures.slm_share)}), agreement with the teacher ${percent(figures.agreement)}, escalation rate ${percent(figures.escalation_rate)}, cost reduction ${percent(figures.cost_reduction)}\n`);
process.stdout.write(`broken specialist: reached live from shadow: ${figures.broken_reached_live_from_shadow}; rolled back when forced live: ${figures.broken_rolled_back}; wrong answers delivered before: ${figures.wrong_before_rollback ?? '–'}; schema-invalid answers delivered: ${figures.invalid_delivered}\n`);
process.stdout.write(`router (classification + route lookup): p50 ${figures.router_p50_ms.toFixed(3)} ms, p99 ${figures.router_p99_ms.toFixed(3)} ms\n\n`);
process.stdout.write(`${renderEconomicsTable(figures.economics)}\n\n`);
for (const route of figures.routes) process.stdout.write(`route ${route.task}: ${route.mode} ${route.specialistId ?? ''} — ${route.reason}\n`);
const { rounds, economics, routes, ...headline } = figures;
process.stdout.write(`BENCH ${JSON.stringify({ ...headline, quick, drift_series: rounds.map((round) => round.driftTaskEscalationRate) })}\n`);
