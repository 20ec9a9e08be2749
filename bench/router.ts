/**
 * `npm run bench:router`: what recognising a live call's task costs the gateway. Discovery runs once on
 * BENCH_TRAIN_EPISODES episodes per simulated agent (~3,000 calls, task headers stripped); the classifier is
 * built from the discovered tasks; then every call of a fresh seed (BENCH_EPISODES per agent, ≥ 10,000 calls)
 * is classified and its route policy looked up, timed one call at a time after a warm-up pass.
 *
 * - `router_*`: `classify` + `Map.get` of the policy, over the calls the template fast path handled.
 * - `nearest_*`: `classifyNearest` + the policy lookup over every call, forcing the fallback.
 * - `all_*`: `classify` + lookup over every call, whatever path served it.
 * - Shares of calls per path, and agreement: the classified task's majority true task is the call's true task.
 * The last line is `BENCH {json}`.
 */
import type { RoutePolicy } from '../src/contracts/route-policy.ts';
import { discoverTasks, knownTaskFromDiscovered } from '../src/discover/index.ts';
import { createSimulatedTraffic } from '../src/discover/report/internal/simulated-call-records.ts';
import { createTaskClassifier, type TaskClassification } from '../src/route/task-classifier.ts';
import { formatLatencyTable, formatMilliseconds } from './internal/format-latency-table.ts';
import { summarizeLatencies } from './internal/latency-summary.ts';

const trainEpisodes = Number(process.env.BENCH_TRAIN_EPISODES ?? 250);
const episodes = Number(process.env.BENCH_EPISODES ?? 850);

process.stderr.write(`generating training traffic (${trainEpisodes} episodes per agent) and fresh traffic (${episodes})…\n`);
const training = await createSimulatedTraffic({ episodesPerAgent: trainEpisodes, seed: 'bench-router-train' });
const fresh = await createSimulatedTraffic({ episodesPerAgent: episodes, seed: 'bench-router-fresh' });
const discovery = await discoverTasks(training.calls.map((call) => ({ ...call, task: null })));
const truth = new Map(training.calls.map((call) => [call.id, call.task!] as const));
const mapping = new Map<string, string>();
for (const task of discovery.tasks) {
  const counts = new Map<string, number>();
  for (const id of task.callIds) counts.set(truth.get(id)!, (counts.get(truth.get(id)!) ?? 0) + 1);
  mapping.set(task.id, [...counts].sort((a, b) => b[1] - a[1])[0]![0]);
}

const buildStarted = performance.now();
const classifier = createTaskClassifier(discovery.tasks.map((task) => knownTaskFromDiscovered(task, { openEnded: false, now: Date.now() })));
const buildMs = performance.now() - buildStarted;
const policies = new Map<string, RoutePolicy>(
  discovery.tasks.map((task) => [
    task.id,
    { task: task.id, mode: 'live', canaryShare: 0, specialistId: `specialist-${task.id}`, confidenceThreshold: 0.5, timeoutMs: 2000, auditShare: 0.01, automatic: true, updatedAt: 0, reason: 'bench' },
  ]),
);

const requests = fresh.calls.map((call) => call.request);
let sink = 0;
const lookUp = (result: TaskClassification): void => {
  const policy = result.task === null ? undefined : policies.get(result.task);
  if (policy !== undefined) sink += policy.timeoutMs;
};
// Warm-up: let V8 optimise both paths before anything is timed.
for (let round = 0; round < 3; round += 1) {
  for (const request of requests) {
    lookUp(classifier.classify(request, null));
    lookUp(classifier.classifyNearest(request));
  }
}

const all: number[] = [];
const template: number[] = [];
const nearestServed: number[] = [];
const methods: Record<string, number> = { declared: 0, template: 0, nearest: 0, unknown: 0 };
let agreed = 0;
fresh.calls.forEach((call, index) => {
  const started = performance.now();
  const result = classifier.classify(requests[index], null);
  lookUp(result);
  const elapsed = performance.now() - started;
  all.push(elapsed);
  methods[result.method] = (methods[result.method] ?? 0) + 1;
  if (result.method === 'template') template.push(elapsed);
  if (result.method === 'nearest') nearestServed.push(elapsed);
  if (result.task !== null && mapping.get(result.task) === call.task) agreed += 1;
});
const forcedNearest: number[] = [];
for (const request of requests) {
  const started = performance.now();
  lookUp(classifier.classifyNearest(request));
  forcedNearest.push(performance.now() - started);
}

const calls = fresh.calls.length;
const templateSummary = summarizeLatencies(template);
const nearestSummary = summarizeLatencies(forcedNearest);
const allSummary = summarizeLatencies(all);
const share = (method: string) => (methods[method] ?? 0) / calls;
console.log(`discovery: ${training.calls.length} calls → ${discovery.tasks.length} tasks in ${discovery.seconds.toFixed(1)} s; classifier built in ${formatMilliseconds(buildMs)} ms`);
console.log(`classified ${calls} calls of a fresh seed: template ${(share('template') * 100).toFixed(1)}%, nearest ${(share('nearest') * 100).toFixed(1)}%, unknown ${(share('unknown') * 100).toFixed(1)}%; agreement with the true task ${(agreed / calls).toFixed(4)}`);
console.log('');
console.log(
  formatLatencyTable([
    { label: 'template fast path (classify + policy)', summary: templateSummary },
    { label: 'nearest, served by classify', summary: summarizeLatencies(nearestServed) },
    { label: 'nearest forced (classifyNearest + policy)', summary: nearestSummary },
    { label: 'every call (classify + policy)', summary: allSummary },
  ]),
);
console.log('');
console.log(`target: fast path p99 ≤ 0.200 ms — ${templateSummary.p99 <= 0.2 ? 'met' : 'MISSED'} (${formatMilliseconds(templateSummary.p99)} ms)`);
if (sink < 0) console.log('unreachable');

const round = (value: number, digits = 4) => Number(value.toFixed(digits));
console.log(
  `BENCH ${JSON.stringify({
    calls,
    training_calls: training.calls.length,
    tasks: discovery.tasks.length,
    router_p50_ms: round(templateSummary.p50),
    router_p99_ms: round(templateSummary.p99),
    router_max_ms: round(templateSummary.max),
    nearest_p50_ms: round(nearestSummary.p50),
    nearest_p99_ms: round(nearestSummary.p99),
    nearest_max_ms: round(nearestSummary.max),
    all_p99_ms: round(allSummary.p99),
    template_share: round(share('template')),
    nearest_share: round(share('nearest')),
    unknown_share: round(share('unknown')),
    agreement: round(agreed / calls),
    build_ms: round(buildMs, 2),
  })}`,
);
