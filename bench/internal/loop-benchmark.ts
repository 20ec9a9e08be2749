/**
 * The closed-loop benchmark's engine, shared by `npm run bench:loop` and its CI variant (`--quick`, in
 * bench/loop.test.ts): simulated agents drive a real gateway (with the router) in front of the scripted teacher;
 * between rounds of traffic the loop rediscovers, trains, gates and shadows; the governor promotes on live
 * traffic. Midway one task drifts (a new schema field). Then a deliberately broken specialist (another task's
 * adapter) is put in shadow and then forced live. Finally a fresh run is measured: who answered, agreement of
 * every specialist answer with the teacher's answer to the same request (the teacher is deterministic per
 * request), escalations, cost under the honest model, and the router's own overhead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CallRecord } from '../../src/contracts/call-record.ts';
import type { ChatCompletion, ChatCompletionRequest } from '../../src/contracts/chat-completion.ts';
import { parseConfig, type LoadedConfig } from '../../src/contracts/config.ts';
import type { RoutePolicy } from '../../src/contracts/route-policy.ts';
import type { KnownTask } from '../../src/contracts/task-signature.ts';
import { answerFromMessage, scoreAnswer, validateAnswer } from '../../src/evaluate/index.ts';
import { runLoopRound, type LoopRoundReport } from '../../src/loop/run-loop-round.ts';
import { createPricingTable } from '../../src/providers/pricing-table.ts';
import { computeEconomics, type Economics } from '../../src/route/compute-economics.ts';
import { resolveSimulatedAgents } from '../../src/simulate/driver/simulated-agents.ts';
import { runSimulation } from '../../src/simulate/driver/run-simulation.ts';
import { startSimulationStack, type SimulationStack } from '../../src/simulate/driver/start-simulation-stack.ts';
import { loadCalls } from '../../src/store/load-calls.ts';
import { summarizeLatencies } from './latency-summary.ts';

export interface LoopBenchmarkOptions {
  /** Comma-separated simulated agents. */
  agents: string;
  /** Learning rounds: traffic, then a loop round. */
  rounds: number;
  episodesPerRound: number;
  /** The round (1-based) from which `driftTask` drifts; 0 disables drift. */
  driftRound: number;
  driftTask: string;
  /** The drifted task's response-format schema name, to find its calls in the log. */
  driftSchema: string;
  /** Calls in the final, measured run. */
  measureCalls: number;
  /** Calls driven in each broken-specialist phase. */
  brokenCalls: number;
  /** Train only the tasks this accepts (all tasks are still discovered and routed). */
  trainOnly?: (task: KnownTask) => boolean;
  /** Merged over the embedded defaults: `routing`, `loop`, `gates`. */
  config: Record<string, unknown>;
  concurrency: number;
  onProgress?: (message: string) => void;
}

export interface RoundFigures {
  round: number;
  calls: number;
  slmShare: number | null;
  escalationRate: number | null;
  /** The drifted task's escalation rate in this round's traffic (null before it has a route). */
  driftTaskEscalationRate: number | null;
  loop: Array<{ task: string; name: string; action: string; reason: string }>;
}

export interface LoopBenchmarkFigures {
  calls: number;
  slm_share: number;
  agreement: number | null;
  escalation_rate: number | null;
  cost_reduction: number | null;
  router_p99_ms: number;
  router_p50_ms: number;
  wall_seconds: number;
  wrong_before_rollback: number | null;
  broken_reached_live_from_shadow: boolean;
  broken_rolled_back: boolean;
  invalid_delivered: number;
  specialist_answers: number;
  rounds: RoundFigures[];
  economics: Economics;
  routes: RoutePolicy[];
}

export async function runLoopBenchmark(options: LoopBenchmarkOptions): Promise<LoopBenchmarkFigures> {
  const started = performance.now();
  const say = options.onProgress ?? (() => undefined);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-bench-loop-'));
  const loaded: LoadedConfig = {
    config: parseConfig({ gateway: { port: 0 }, logWriter: { flushIntervalMs: 50 }, ...options.config }, 'bench:loop'),
    dataDir,
    databaseUrl: undefined,
    configPath: null,
    environment: {},
  };
  const agents = resolveSimulatedAgents(options.agents);
  const stack = await startSimulationStack({ skills: agents.flatMap((agent) => agent.skills), loaded, teacher: { latency: { scale: 0 } } });
  const router = stack.gateway.router;
  if (router === undefined) throw new Error('bench:loop needs routing enabled');
  const store = stack.gateway.store;
  const pricing = createPricingTable(loaded.config.pricing);
  const drive = async (seed: string, episodes: number, stopAfterCalls: number | undefined, drift: boolean) => {
    await runSimulation({
      agents,
      episodes,
      concurrency: options.concurrency,
      seed,
      gatewayBaseUrl: stack.gateway.baseUrl,
      apiKey: stack.apiKey,
      ...(stopAfterCalls === undefined ? {} : { stopAfterCalls }),
      ...(drift ? { drift: { tasks: [options.driftTask] } } : {}),
    });
    await stack.gateway.logWriter.flush();
    await router.idle();
    await stack.gateway.logWriter.flush();
  };
  const windowEconomics = async (since: number): Promise<{ calls: CallRecord[]; economics: Economics }> => {
    const calls = await loadCalls(store, { since });
    const observations = await store.observations.list({ since });
    return { calls, economics: computeEconomics({ calls, observations, pricing, usdPerHour: loaded.config.routing.usdPerHour }) };
  };

  try {
    const rounds: RoundFigures[] = [];
    let driftTaskId: string | null = null;
    for (let round = 1; round <= options.rounds; round += 1) {
      const since = Date.now();
      const drifting = options.driftRound > 0 && round >= options.driftRound;
      say(`round ${round}: ${options.episodesPerRound} episodes${drifting ? `, ${options.driftTask} drifted` : ''}`);
      await drive(`round-${round}`, options.episodesPerRound, undefined, drifting);
      const { calls, economics } = await windowEconomics(since);
      driftTaskId ??= taskOfSchema(calls, options.driftSchema);
      const driftFigures = driftTaskId === null ? undefined : economics.tasks.find((task) => task.task === driftTaskId);
      const report: LoopRoundReport = await runLoopRound({ store, loaded, ...(options.trainOnly === undefined ? {} : { only: options.trainOnly }), onProgress: (message) => say(`  loop: ${message}`) });
      await router.warm();
      rounds.push({
        round,
        calls: economics.overall.calls,
        slmShare: economics.overall.slmShare,
        escalationRate: economics.overall.escalationRate,
        driftTaskEscalationRate: driftFigures?.escalationRate ?? null,
        loop: report.tasks.map((task) => ({ task: task.task, name: task.name, action: task.action, reason: task.reason })),
      });
      say(`  round ${round}: slm share ${percent(economics.overall.slmShare)}, escalation ${percent(economics.overall.escalationRate)}, drift task escalation ${percent(driftFigures?.escalationRate ?? null)}`);
    }

    const broken = await brokenSpecialistScenario(stack, options, drive, say, loaded.config.routing.auditShare);

    say(`measuring a fresh run of ${options.measureCalls} calls`);
    const measureSince = Date.now();
    await drive('measure', Math.ceil(options.measureCalls / 4) + 50, options.measureCalls, options.driftRound > 0);
    const { calls, economics } = await windowEconomics(measureSince);
    const served = calls.filter((call) => call.route === 'specialist');
    const agreement = await agreementWithTeacher(stack, served);
    const invalidDelivered = served.filter((call) => !deliveredValid(call)).length;
    const routerTimes = timeRouter(router, calls);
    return {
      calls: calls.length,
      slm_share: economics.overall.slmShare ?? 0,
      agreement: agreement.rate,
      escalation_rate: economics.overall.escalationRate,
      cost_reduction: economics.overall.costReduction,
      router_p99_ms: routerTimes.p99,
      router_p50_ms: routerTimes.p50,
      wall_seconds: (performance.now() - started) / 1000,
      wrong_before_rollback: broken.wrongBeforeRollback,
      broken_reached_live_from_shadow: broken.reachedLiveFromShadow,
      broken_rolled_back: broken.rolledBack,
      invalid_delivered: invalidDelivered + broken.invalidDelivered,
      specialist_answers: served.length,
      rounds,
      economics,
      routes: router.routes(),
    };
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The task the router classified the drifted task's calls to: the one most calls with its schema name went to. */
function taskOfSchema(calls: readonly CallRecord[], schemaName: string): string | null {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const name = (call.request['response_format'] as { json_schema?: { name?: string } } | undefined)?.json_schema?.name;
    const task = call.routing?.task ?? null;
    if (name !== schemaName || task === null) continue;
    counts.set(task, (counts.get(task) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

interface BrokenOutcome {
  reachedLiveFromShadow: boolean;
  rolledBack: boolean;
  wrongBeforeRollback: number | null;
  invalidDelivered: number;
}

/**
 * A specialist broken on purpose: one task served with another task's adapter. In shadow it must never be
 * promoted; forced live (automatic, so the governor may act) the audits and escalations must roll it back.
 */
async function brokenSpecialistScenario(
  stack: SimulationStack,
  options: LoopBenchmarkOptions,
  drive: (seed: string, episodes: number, stopAfterCalls: number | undefined, drift: boolean) => Promise<void>,
  say: (message: string) => void,
  auditShare: number,
): Promise<BrokenOutcome> {
  const store = stack.gateway.store;
  const router = stack.gateway.router!;
  const specialists = (await store.specialists.list()).filter((specialist) => specialist.adapterPath !== null);
  const known = await store.tasks.list();
  const donor = specialists[0];
  const donorTask = known.find((task) => task.id === donor?.task);
  // The victim asks for a different kind of answer than the adapter learned (a label or a tool call where it
  // learned a JSON record): clearly the wrong adapter, not a near neighbour that happens to work.
  const kind = (task: (typeof known)[number]) => (task.tools.length > 0 ? 'tools' : task.responseFormat === null ? 'text' : 'json');
  const victim = known
    .filter((task) => !task.openEnded && task.id !== donor?.task && (donorTask === undefined || kind(task) !== kind(donorTask)))
    // Labels first: short answers keep the scenario quick; tool tasks carry long tool schemas in every prompt.
    .sort((a, b) => Number(kind(a) !== 'text') - Number(kind(b) !== 'text') || b.callCount - a.callCount)[0];
  if (donor === undefined || victim === undefined) {
    say('broken specialist: skipped (needs one trained adapter and a task with another kind of answer)');
    return { reachedLiveFromShadow: false, rolledBack: false, wrongBeforeRollback: null, invalidDelivered: 0 };
  }
  const previous = await store.routes.get(victim.id);
  const brokenId = `broken-${victim.id}`;
  if ((await store.specialists.get(brokenId)) === undefined) {
    await store.specialists.register({ ...donor, id: brokenId, task: victim.id, name: `${donor.name}-on-wrong-task`, status: 'ready', createdAt: Date.now() });
  }
  const base: RoutePolicy = {
    task: victim.id,
    mode: 'shadow',
    canaryShare: 0.2,
    specialistId: brokenId,
    confidenceThreshold: null,
    timeoutMs: previous?.timeoutMs ?? 15_000,
    auditShare,
    automatic: true,
    updatedAt: Date.now(),
    reason: 'bench: broken specialist (another task’s adapter) in shadow',
  };
  say(`broken specialist: ${donor.name}'s adapter serving ${victim.name}, in shadow`);
  await store.routes.put(base, { actor: 'operator', reason: base.reason });
  await router.warm();
  await drive('broken-shadow', Math.ceil(options.brokenCalls / 4) + 20, options.brokenCalls, options.driftRound > 0);
  const afterShadow = await store.routes.get(victim.id);
  const reachedLiveFromShadow = afterShadow?.mode === 'canary' || afterShadow?.mode === 'live';

  say('broken specialist: forced live');
  const forcedAt = Date.now();
  await store.routes.put({ ...base, mode: 'live', updatedAt: forcedAt, reason: 'bench: broken specialist forced live' }, { actor: 'operator', reason: 'bench: broken specialist forced live' });
  await router.refresh();
  await drive('broken-live', Math.ceil(options.brokenCalls / 4) + 20, options.brokenCalls, options.driftRound > 0);
  const events = await store.routes.events({ task: victim.id, limit: 20 });
  const rollback = events.find((event) => event.actor === 'rollback' && event.at >= forcedAt);
  const calls = (await loadCalls(store, { since: forcedAt })).filter((call) => call.route === 'specialist' && call.routing?.specialistId === brokenId && (rollback === undefined || call.startedAt <= rollback.at));
  const agreement = await agreementWithTeacher(stack, calls);
  const invalidDelivered = calls.filter((call) => !deliveredValid(call)).length;
  const reasons = new Map<string, number>();
  for (const observation of await store.observations.list({ task: victim.id, since: forcedAt })) {
    if (observation.kind === 'escalated') reasons.set(observation.escalationReason ?? '?', (reasons.get(observation.escalationReason ?? '?') ?? 0) + 1);
  }
  say(`broken specialist: ${calls.length} answers served, escalations ${JSON.stringify(Object.fromEntries(reasons))}`);
  // Put the task back as it was.
  if (previous !== undefined) await store.routes.put({ ...previous, updatedAt: Date.now(), reason: 'bench: restored after the broken-specialist test' }, { actor: 'operator', reason: 'bench: restored' });
  else await store.routes.put({ ...base, mode: 'off', updatedAt: Date.now(), reason: 'bench: broken-specialist test over' }, { actor: 'operator', reason: 'bench: restored' });
  await store.specialists.setStatus(brokenId, 'retired');
  await router.refresh();
  say(`broken specialist: ${rollback === undefined ? 'NOT rolled back' : `rolled back (${rollback.reason})`}; ${agreement.disagreed} wrong answers delivered before`);
  return { reachedLiveFromShadow, rolledBack: rollback !== undefined, wrongBeforeRollback: agreement.disagreed, invalidDelivered };
}

/** Asks the teacher each served call again (its answers are deterministic per request) and scores the specialist's answer against it. */
async function agreementWithTeacher(stack: SimulationStack, served: readonly CallRecord[]): Promise<{ rate: number | null; disagreed: number }> {
  let agreed = 0;
  for (const call of served) {
    const request = call.request as ChatCompletionRequest;
    const response = await fetch(`${stack.teacher.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...request, stream: false }) });
    const teacher = (await response.json()) as ChatCompletion;
    const reference = answerFromMessage(teacher.choices[0]!.message as Parameters<typeof answerFromMessage>[0]);
    const candidate = answerFromMessage((call.response as ChatCompletion).choices[0]!.message as Parameters<typeof answerFromMessage>[0]);
    const score = await scoreAnswer(reference, candidate, { tools: (request.tools as Array<Record<string, unknown>> | undefined) ?? null, responseFormat: (request.response_format as Record<string, unknown> | undefined) ?? null });
    if (score.correct) agreed += 1;
  }
  return { rate: served.length === 0 ? null : agreed / served.length, disagreed: served.length - agreed };
}

function deliveredValid(call: CallRecord): boolean {
  const message = (call.response as ChatCompletion | null)?.choices?.[0]?.message;
  if (message === undefined) return false;
  return validateAnswer(answerFromMessage(message as Parameters<typeof answerFromMessage>[0]), {
    tools: (call.request['tools'] as Array<Record<string, unknown>> | undefined) ?? null,
    responseFormat: (call.request['response_format'] as Record<string, unknown> | undefined) ?? null,
  }).valid;
}

/** Classification + policy lookup, timed one call at a time over the measured calls' requests (after a warm-up pass). */
function timeRouter(router: NonNullable<SimulationStack['gateway']['router']>, calls: readonly CallRecord[]): { p50: number; p99: number } {
  const requests = calls.map((call) => call.request as ChatCompletionRequest);
  for (const request of requests) router.lookup(request, null);
  const times: number[] = [];
  for (let pass = 0; pass < Math.max(1, Math.ceil(10_000 / Math.max(1, requests.length))); pass += 1) {
    for (const request of requests) {
      const start = performance.now();
      router.lookup(request, null);
      times.push(performance.now() - start);
    }
  }
  const summary = summarizeLatencies(times);
  return { p50: summary.p50, p99: summary.p99 };
}

function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}
