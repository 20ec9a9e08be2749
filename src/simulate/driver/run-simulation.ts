/**
 * Drives simulated agents through a gateway: episodes assigned to agents round-robin, each with its own
 * seeded randomness, run with bounded concurrency. Every call goes over HTTP exactly as a real agent sends
 * it — the episode id in a header, never the task (discovery must find tasks itself) — and its ground
 * truth (task, correct answer, planted PII) goes to a sidecar JSONL file, never into the call. The same
 * seed gives the same workload and the same sidecar, byte for byte.
 *
 * @example
 * const summary = await runSimulation({ agents: [queryAgent], episodes: 100, gatewayBaseUrl, apiKey, seed: 1 });
 * console.log(summary.callsPerSecond, summary.teacherCorrectRate);
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { Pool } from 'undici';
import type { ChatCompletion } from '../../contracts/chat-completion.ts';
import { createRandom } from '../random.ts';
import type { DataSplit, EpisodeContext, GeneratedCall, GroundTruth, SimulatedAgent } from '../simulated-task.ts';
import { readCompletionBody, readCompletionStream } from './internal/read-completion.ts';
import { querySqlMatcher } from './query-sql-matcher.ts';
import { scoreAnswer, type SqlMatcher } from './score-answer.ts';

export interface SimulationProgress {
  episodesDone: number;
  episodes: number;
  calls: number;
  failures: number;
}

export interface RunSimulationOptions {
  agents: readonly SimulatedAgent[];
  episodes: number;
  /** The gateway's OpenAI base URL, including `/v1`. */
  gatewayBaseUrl: string;
  /** A gateway key (or, with auth off, whatever the provider should see). */
  apiKey: string;
  /** Episodes in flight at once. Default 8. */
  concurrency?: number;
  seed?: string | number;
  split?: DataSplit;
  /** Target share of open-ended calls passed to agents. Default 0.3. */
  openEndedShare?: number;
  /**
   * Starts no new episode once this many calls were sent (episodes in flight finish), for runs sized in
   * calls rather than episodes, like the benchmark. Which episodes run then depends on timing unless
   * `concurrency` is 1.
   */
  stopAfterCalls?: number;
  /**
   * Task drift, the way an agent's output schema changes mid-deployment: from episode `fromEpisode`
   * (0-based, default 0) on, every episode sends the drifted variant of `tasks` — ids among the agents'
   * `driftableTasks`, e.g. `support/extract-order`, whose schema gains a required `delivery` field. Earlier
   * episodes, and runs without `drift`, send what they always did, byte for byte. Ground-truth lines of
   * drifted calls carry `drifted: true`.
   */
  drift?: SimulationDrift;
  /** Sidecar JSONL file for ground truth; omitted, nothing is written. */
  groundTruthFile?: string;
  /** Scores SQL answers. Default: execution match on the query writer's databases. */
  sqlMatcher?: SqlMatcher;
  onProgress?: (progress: SimulationProgress) => void;
}

export interface SimulationDrift {
  tasks: readonly string[];
  fromEpisode?: number;
}

export interface TaskTally {
  agent: string;
  calls: number;
  /** Calls with a scorable answer that came back. */
  scored: number;
  correct: number;
  failures: number;
}

export interface SimulationSummary {
  /** Episodes run (fewer than asked when `stopAfterCalls` ended the run). */
  episodes: number;
  calls: number;
  /** Calls that failed (HTTP error, broken body or stream, network error). */
  failures: number;
  /** Episodes that ended early: one of their calls failed, or the agent threw. */
  failedEpisodes: number;
  /** The first few failure messages, for the report. */
  failureSamples: string[];
  seconds: number;
  callsPerSecond: number;
  byAgent: Record<string, { episodes: number; calls: number }>;
  byTask: Record<string, TaskTally>;
  /** Measured share of calls that were open-ended. */
  openEndedShare: number;
  /** Correct / scored calls; null when none was scored. */
  teacherCorrectRate: number | null;
  scoredCalls: number;
  groundTruthFile: string | null;
}

/** A call the gateway answered with a non-2xx status. */
export class SimulatedCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
    this.name = 'SimulatedCallError';
  }
}

const maxFailureSamples = 5;

export async function runSimulation(options: RunSimulationOptions): Promise<SimulationSummary> {
  const { agents, episodes } = options;
  if (agents.length === 0) throw new RangeError('runSimulation needs at least one agent');
  if (!Number.isSafeInteger(episodes) || episodes < 0) throw new RangeError(`episodes must be a non-negative integer, got ${episodes}`);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const seed = String(options.seed ?? 0);
  const split = options.split ?? 'train';
  const openEndedShare = options.openEndedShare ?? 0.3;
  const rootRandom = createRandom(seed);
  const sqlMatcher = options.sqlMatcher ?? querySqlMatcher;
  const stopAfterCalls = options.stopAfterCalls ?? Number.POSITIVE_INFINITY;
  const drift = checkDrift(options.drift, agents);
  const gateway = new URL(options.gatewayBaseUrl);
  const completionsPath = `${gateway.pathname.replace(/\/$/, '')}/chat/completions`;
  const pool = new Pool(gateway.origin, { connections: concurrency, pipelining: 1 });
  const sidecar = options.groundTruthFile ? createWriteStream(options.groundTruthFile, { encoding: 'utf8' }) : null;
  const sidecarOrder = createOrderedWriter(sidecar);

  const summary: SimulationSummary = {
    episodes: 0,
    calls: 0,
    failures: 0,
    failedEpisodes: 0,
    failureSamples: [],
    seconds: 0,
    callsPerSecond: 0,
    byAgent: {},
    byTask: {},
    openEndedShare: 0,
    teacherCorrectRate: null,
    scoredCalls: 0,
    groundTruthFile: options.groundTruthFile ?? null,
  };
  let openEndedCalls = 0;
  let correctCalls = 0;
  let episodesDone = 0;
  const report = () => options.onProgress?.({ episodesDone, episodes, calls: summary.calls, failures: summary.failures });

  function recordFailure(message: string): void {
    summary.failures += 1;
    if (summary.failureSamples.length < maxFailureSamples) summary.failureSamples.push(message);
  }

  async function runEpisode(index: number): Promise<void> {
    const agent = agents[index % agents.length]!;
    const episodeId = `sim-${seed}-${index}`;
    const lines: string[] = [];
    let callFailed = false;
    const agentTally = (summary.byAgent[agent.name] ??= { episodes: 0, calls: 0 });
    agentTally.episodes += 1;

    async function send(call: GeneratedCall): Promise<ChatCompletion> {
      // Serialised once: these bytes are both sent and hashed, so the sidecar joins the logged call exactly.
      const bodyText = JSON.stringify(call.request);
      const truth: GroundTruth = {
        version: 1,
        episodeId,
        step: lines.length,
        agent: agent.name,
        task: call.task,
        openEnded: call.openEnded,
        split,
        expected: call.expected,
        pii: call.pii,
        requestSha256: createHash('sha256').update(bodyText).digest('hex'),
        ...(call.drifted ? { drifted: true as const } : {}),
      };
      lines.push(`${JSON.stringify(truth)}\n`);
      summary.calls += 1;
      agentTally.calls += 1;
      if (call.openEnded) openEndedCalls += 1;
      const taskTally = (summary.byTask[call.task] ??= { agent: agent.name, calls: 0, scored: 0, correct: 0, failures: 0 });
      taskTally.calls += 1;
      let completion: ChatCompletion;
      try {
        completion = await post(pool, completionsPath, bodyText, { apiKey: options.apiKey, episodeId, stream: call.request.stream === true });
      } catch (error) {
        taskTally.failures += 1;
        callFailed = true;
        recordFailure(`${episodeId} step ${truth.step} (${call.task}): ${(error as Error).message}`);
        throw error;
      }
      const score = scoreAnswer(call.expected, completion, { sqlMatcher });
      if (score.correct !== null) {
        taskTally.scored += 1;
        summary.scoredCalls += 1;
        if (score.correct) {
          taskTally.correct += 1;
          correctCalls += 1;
        }
      }
      return completion;
    }

    const context: EpisodeContext = { episodeId, random: rootRandom.fork(`episode-${index}`), split, openEndedShare, send };
    if (drift && index >= drift.fromEpisode) context.drift = drift.tasks;
    try {
      await agent.runEpisode(context);
    } catch (error) {
      // A failing call was recorded by `send`; an agent bug that threw elsewhere still ends only this
      // episode, but is reported, since it is not a failure of the gateway or the teacher.
      summary.failedEpisodes += 1;
      if (!callFailed && summary.failureSamples.length < maxFailureSamples) {
        summary.failureSamples.push(`${episodeId}: agent error: ${(error as Error).message}`);
      }
    }
    await sidecarOrder.complete(index, lines.join(''));
    episodesDone += 1;
    report();
  }

  const startedAt = process.hrtime.bigint();
  let nextEpisode = 0;
  const workers = Array.from({ length: Math.min(concurrency, episodes) }, async () => {
    while (nextEpisode < episodes && summary.calls < stopAfterCalls) await runEpisode(nextEpisode++);
  });
  try {
    await Promise.all(workers);
  } finally {
    await pool.close();
    await sidecarOrder.close();
  }
  summary.episodes = episodesDone;
  summary.seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  summary.callsPerSecond = summary.seconds > 0 ? summary.calls / summary.seconds : 0;
  summary.openEndedShare = summary.calls > 0 ? openEndedCalls / summary.calls : 0;
  summary.teacherCorrectRate = summary.scoredCalls > 0 ? correctCalls / summary.scoredCalls : null;
  return summary;
}

/** Validates the drift option against the agents of this run; a task no agent can drift is a caller's bug. */
function checkDrift(drift: SimulationDrift | undefined, agents: readonly SimulatedAgent[]): { tasks: ReadonlySet<string>; fromEpisode: number } | null {
  if (!drift || drift.tasks.length === 0) return null;
  const fromEpisode = drift.fromEpisode ?? 0;
  if (!Number.isSafeInteger(fromEpisode) || fromEpisode < 0) throw new RangeError(`drift.fromEpisode must be a non-negative integer, got ${fromEpisode}`);
  const driftable = new Set(agents.flatMap((agent) => agent.driftableTasks ?? []));
  for (const task of drift.tasks) {
    if (!driftable.has(task)) throw new RangeError(`no agent of this run can drift '${task}' (driftable: ${[...driftable].join(', ') || 'none'})`);
  }
  return { tasks: new Set(drift.tasks), fromEpisode };
}

async function post(
  pool: Pool,
  path: string,
  bodyText: string,
  options: { apiKey: string; episodeId: string; stream: boolean },
): Promise<ChatCompletion> {
  const response = await pool.request({
    path,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${options.apiKey}`,
      'x-understudy-episode': options.episodeId,
      accept: options.stream ? 'text/event-stream' : 'application/json',
    },
    body: bodyText,
  });
  const text = await response.body.text();
  if (response.statusCode < 200 || response.statusCode >= 300) throw new SimulatedCallError(response.statusCode, text);
  return options.stream ? readCompletionStream(text) : readCompletionBody(text);
}

/**
 * Writes each episode's lines in episode order, whatever order episodes finish in, so the sidecar is
 * byte-identical across runs; holds at most the lines of episodes that finished ahead of a slower one.
 */
function createOrderedWriter(stream: WriteStream | null): { complete(index: number, text: string): Promise<void>; close(): Promise<void> } {
  const finished = new Map<number, string>();
  let nextIndex = 0;
  return {
    async complete(index, text) {
      if (!stream) return;
      finished.set(index, text);
      let pending = '';
      while (finished.has(nextIndex)) {
        pending += finished.get(nextIndex);
        finished.delete(nextIndex);
        nextIndex += 1;
      }
      if (pending.length > 0 && !stream.write(pending)) await new Promise<void>((resolve) => stream.once('drain', resolve));
    },
    close() {
      if (!stream) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(() => resolve());
      });
    },
  };
}
