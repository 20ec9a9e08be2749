/**
 * Faults on the LLM side of the gateway: 5xx bursts and 429s that retries must absorb, an upstream that hangs
 * (504s, answered and logged), connection resets, slow and truncated streams, and a provider that is down
 * altogether (a fallback model on a second provider answers).
 */
import { startFixedUpstream, type FixedUpstream, type FixedUpstreamOptions, type UpstreamFault } from '../../../simulate/fixed-upstream.ts';
import { createFaultLoad, type RequestOutcome } from './fault-load.ts';
import {
  check,
  countWhere,
  drainLogWriter,
  makeTempDirectory,
  runPhases,
  tallyScenario,
  type FaultPlan,
  type FaultScenario,
  type ScenarioCheck,
  type ScenarioReport,
  type ScenarioRun,
  type Tally,
} from './fault-scenario.ts';
import { scenarioRetries, startScenarioGateway, type ScenarioProvider } from './start-scenario-gateway.ts';

interface UpstreamScenarioSetup {
  upstream?: FixedUpstreamOptions;
  /** The provider's timeout (the gateway's upstream timeout for it). */
  timeoutMs?: number;
  plan(upstream: FixedUpstream): FaultPlan;
  checks(input: { tally: Tally; outcomes: RequestOutcome[]; upstream: FixedUpstream }): ScenarioCheck[];
}

/** One gateway in front of one stand-in LLM, the phased load, the drain and the tally. */
async function runAgainstOneUpstream(scenario: Pick<FaultScenario, 'name' | 'description'>, context: ScenarioRun, setup: UpstreamScenarioSetup): Promise<ScenarioReport> {
  const startedAt = Date.now();
  const upstream = await startFixedUpstream({ latencyMs: 2, ...setup.upstream });
  const temp = makeTempDirectory(scenario.name);
  const episode = `faults-${scenario.name}`;
  const provider: ScenarioProvider = { name: 'stand-in', url: upstream.url, models: ['gpt-4o*'], ...(setup.timeoutMs === undefined ? {} : { timeoutMs: setup.timeoutMs }) };
  const harness = await startScenarioGateway({ dataDir: temp.directory, providers: [provider] });
  const load = createFaultLoad({ baseUrl: harness.gateway.baseUrl, apiKey: harness.apiKey, episode, concurrency: context.scale.concurrency });
  try {
    await runPhases(load, context.scale, setup.plan(upstream));
    await drainLogWriter(harness.gateway);
    const tally = await tallyScenario(harness.gateway, episode, load.outcomes);
    return {
      name: scenario.name,
      description: scenario.description,
      skipped: null,
      ...tally.figures,
      statuses: tally.statuses,
      checks: setup.checks({ tally, outcomes: load.outcomes, upstream }),
      durationMs: Date.now() - startedAt,
    };
  } finally {
    await load.close();
    await harness.close();
    await upstream.close();
    temp.remove();
  }
}

/**
 * Arms bursts of `size` faults, one after another: the next only once the last is used up and `gapMs` has
 * passed — longer than one request's whole retry chain, so no request can meet two bursts and every burst
 * shorter than `maxAttempts` must be absorbed.
 */
function armBursts(upstream: FixedUpstream, faultFor: (burst: number) => UpstreamFault, size: number, gapMs: number): { stop(): void; readonly bursts: number } {
  let bursts = 0;
  let armedAt = 0;
  let consumedAt: number | null = null;
  const arm = () => {
    upstream.setFault({ ...faultFor(bursts), count: size });
    bursts += 1;
    armedAt = upstream.requests.length;
    consumedAt = null;
  };
  arm();
  const timer = setInterval(() => {
    if (upstream.requests.length < armedAt + size) return;
    consumedAt ??= Date.now();
    if (Date.now() - consumedAt >= gapMs) arm();
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      upstream.setFault(null);
    },
    get bursts() {
      return bursts;
    },
  };
}

const noFault: FaultPlan = { inject: () => undefined, recover: () => undefined };

function allAnswered200(tally: Tally): ScenarioCheck {
  return check('every client got a whole 200 answer', tally.figures.clientVisibleFailures === 0, `${tally.figures.clientVisibleFailures} of ${tally.figures.sent} saw a failure (${JSON.stringify(tally.statuses)})`);
}

function retriedSome(outcomes: readonly RequestOutcome[], upstream: FixedUpstream): ScenarioCheck {
  const retried = countWhere(outcomes, (outcome) => (outcome.attempts ?? 1) > 1);
  const extra = upstream.requests.length - outcomes.length;
  return check('the gateway retried', retried > 0 && extra > 0, `${retried} answers took more than one attempt; the upstream saw ${extra} requests more than were sent`);
}

const burstSize = scenarioRetries.maxAttempts - 1;

export const upstreamServerErrors: FaultScenario = {
  name: 'upstream-5xx',
  description: `bursts of ${burstSize} upstream 500/502/503 answers`,
  run: (context) => {
    let bursts: ReturnType<typeof armBursts> | undefined;
    const statuses = [503, 500, 502];
    return runAgainstOneUpstream(upstreamServerErrors, context, {
      plan: (upstream) => ({
        inject: () => {
          bursts = armBursts(upstream, (burst) => ({ kind: 'status', status: statuses[burst % statuses.length]! }), burstSize, 1_200);
        },
        recover: () => bursts?.stop(),
        minFaultMs: Math.max(2_500, context.scale.outageMs / 2),
      }),
      checks: ({ tally, outcomes, upstream }) => [allAnswered200(tally), retriedSome(outcomes, upstream), check('bursts injected', (bursts?.bursts ?? 0) >= 2, `${bursts?.bursts} bursts`)],
    });
  },
};

export const upstreamRateLimited: FaultScenario = {
  name: 'upstream-429',
  description: 'bursts of 2 upstream 429s with Retry-After: 1',
  run: (context) => {
    let bursts: ReturnType<typeof armBursts> | undefined;
    return runAgainstOneUpstream(upstreamRateLimited, context, {
      plan: (upstream) => ({
        inject: () => {
          bursts = armBursts(upstream, () => ({ kind: 'status', status: 429, retryAfter: 1 }), 2, 2_500);
        },
        recover: () => bursts?.stop(),
        minFaultMs: Math.max(3_000, context.scale.outageMs / 2),
      }),
      checks: ({ tally, outcomes, upstream }) => [allAnswered200(tally), retriedSome(outcomes, upstream)],
    });
  },
};

export const upstreamConnectionResets: FaultScenario = {
  name: 'upstream-resets',
  description: `bursts of ${burstSize} connection resets (TCP RST) by the upstream`,
  run: (context) => {
    let bursts: ReturnType<typeof armBursts> | undefined;
    return runAgainstOneUpstream(upstreamConnectionResets, context, {
      plan: (upstream) => ({
        inject: () => {
          bursts = armBursts(upstream, () => ({ kind: 'reset' }), burstSize, 1_200);
        },
        recover: () => bursts?.stop(),
        minFaultMs: Math.max(2_500, context.scale.outageMs / 2),
      }),
      checks: ({ tally, outcomes, upstream }) => [allAnswered200(tally), retriedSome(outcomes, upstream)],
    });
  },
};

const hangTimeoutMs = 600;

export const upstreamTimeout: FaultScenario = {
  name: 'upstream-timeout',
  description: `the upstream hangs; the gateway gives up after ${hangTimeoutMs} ms`,
  run: (context) =>
    runAgainstOneUpstream(upstreamTimeout, context, {
      timeoutMs: hangTimeoutMs,
      plan: (upstream) => ({ inject: () => upstream.setFault({ kind: 'hang' }), recover: () => upstream.setFault(null) }),
      checks: ({ tally, outcomes }) => {
        const during = outcomes.filter((outcome) => outcome.phase === 'during');
        const timedOut = countWhere(during, (outcome) => outcome.status === 504);
        const loggedAsTimeout = countWhere(during, (outcome) => tally.storedFor(outcome)?.errorClass === 'upstream_timeout');
        const outside = outcomes.filter((outcome) => outcome.phase !== 'during');
        return [
          check('every hung call answered 504', timedOut === during.length, `${timedOut} of ${during.length} answered 504`),
          check('each 504 logged as upstream_timeout', loggedAsTimeout === timedOut, `${loggedAsTimeout} logged as upstream_timeout`),
          check('before and after: 200s', outside.every((outcome) => outcome.status === 200), JSON.stringify(tally.statuses)),
        ];
      },
    }),
};

export const slowStreams: FaultScenario = {
  name: 'slow-streams',
  description: 'the upstream streams slowly (a delay between SSE events)',
  run: (context) =>
    runAgainstOneUpstream(slowStreams, context, {
      upstream: { chunkDelayMs: context.scale.slowChunkDelayMs },
      plan: () => noFault,
      checks: ({ tally, outcomes }) => {
        const streams = outcomes.filter((outcome) => outcome.stream);
        const timed = countWhere(streams, (outcome) => {
          const stored = tally.storedFor(outcome);
          return stored?.status === 'ok' && stored.ttftMs !== null;
        });
        return [allAnswered200(tally), check('streams logged whole, with time to first token', timed === streams.length, `${timed} of ${streams.length}`)];
      },
    }),
};

export const truncatedStreams: FaultScenario = {
  name: 'truncated-streams',
  description: 'the upstream drops the connection mid-answer',
  run: (context) =>
    runAgainstOneUpstream(truncatedStreams, context, {
      plan: (upstream) => ({ inject: () => upstream.setFault({ kind: 'truncate-stream', afterEvents: 3 }), recover: () => upstream.setFault(null) }),
      checks: ({ tally, outcomes }) => {
        const broken = outcomes.filter((outcome) => outcome.phase === 'during' && outcome.stream && outcome.status === 200 && outcome.completeStream === false);
        const interrupted = countWhere(broken, (outcome) => tally.storedFor(outcome)?.errorClass === 'stream_interrupted');
        const outside = outcomes.filter((outcome) => outcome.phase !== 'during');
        return [
          check('broken streams logged as stream_interrupted', broken.length > 0 && interrupted === broken.length, `${interrupted} of ${broken.length} broken streams`),
          check('before and after: whole answers', outside.every((outcome) => outcome.status === 200 && outcome.completeStream !== false), JSON.stringify(tally.statuses)),
        ];
      },
    }),
};

const fallbackModel = 'backup-model';

/** The primary provider goes away entirely (connection refused); the configured fallback model answers. */
export const upstreamDownFallback: FaultScenario = {
  name: 'upstream-down-fallback',
  description: `the primary provider is down; fallback model ${fallbackModel} on a second provider answers`,
  async run(context) {
    const startedAt = Date.now();
    let primary = await startFixedUpstream({ latencyMs: 2 });
    const primaryPort = primary.port;
    const backup = await startFixedUpstream({ latencyMs: 2 });
    const temp = makeTempDirectory(this.name);
    const episode = `faults-${this.name}`;
    const harness = await startScenarioGateway({
      dataDir: temp.directory,
      providers: [
        { name: 'primary', url: primary.url, models: ['gpt-4o*'] },
        { name: 'backup', url: backup.url, models: [fallbackModel] },
      ],
      fallbacks: { 'gpt-4o-mini': [fallbackModel] },
    });
    const load = createFaultLoad({ baseUrl: harness.gateway.baseUrl, apiKey: harness.apiKey, episode, concurrency: context.scale.concurrency });
    try {
      await runPhases(load, context.scale, {
        inject: () => primary.close(),
        recover: async () => {
          primary = await startFixedUpstream({ latencyMs: 2, port: primaryPort });
        },
      });
      await drainLogWriter(harness.gateway);
      const tally = await tallyScenario(harness.gateway, episode, load.outcomes);
      const during = load.outcomes.filter((outcome) => outcome.phase === 'during' && !outcome.stream);
      const fromBackup = countWhere(during, (outcome) => outcome.model === fallbackModel);
      const after = load.outcomes.filter((outcome) => outcome.phase === 'after' && !outcome.stream);
      return {
        name: this.name,
        description: this.description,
        skipped: null,
        ...tally.figures,
        statuses: tally.statuses,
        checks: [
          allAnswered200(tally),
          check('the fallback model answered while the primary was down', fromBackup === during.length && backup.requests.length > 0, `${fromBackup} of ${during.length} plain answers from ${fallbackModel}; backup saw ${backup.requests.length} requests`),
          check('the primary answers again once back', after.every((outcome) => outcome.model === 'gpt-4o-mini'), `${countWhere(after, (outcome) => outcome.model === 'gpt-4o-mini')} of ${after.length}`),
        ],
        durationMs: Date.now() - startedAt,
      };
    } finally {
      await load.close();
      await harness.close();
      await primary.close();
      await backup.close();
      temp.remove();
    }
  },
};
