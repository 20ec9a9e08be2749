/**
 * `understudy simulate` — seeded simulated agents (query writer, support, tool loop) sending realistic
 * traffic through a gateway, answered by the scripted teacher LLM. Without `--gateway` it runs the whole
 * world in-process: a teacher and a gateway on the configured store (the embedded SQLite by default), so
 * the calls land where discovery and training will read them. Ground truth (task, right answer, planted PII)
 * goes to a sidecar JSONL file, never into the calls. `--drift` switches a task to its drifted variant
 * (a new required schema field) from some episode on, to show a trained specialist going stale.
 *
 * `understudy simulate teacher` runs the teacher alone, for pointing a gateway you run yourself at it.
 */
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { loadConfig } from '../../contracts/config.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import { runSimulation, type SimulationSummary } from '../../simulate/driver/run-simulation.ts';
import { allSimulatedSkills, resolveDriftedTasks, resolveSimulatedAgents } from '../../simulate/driver/simulated-agents.ts';
import { startSimulationStack } from '../../simulate/driver/start-simulation-stack.ts';
import type { DataSplit } from '../../simulate/simulated-task.ts';
import { startTeacherServer } from '../../simulate/teacher/start-teacher-server.ts';
import { colour, printJson, printTable } from '../cli-output.ts';
import { parsePort } from './serve-command.ts';
import { addCommonOptions, type GlobalOptions } from './shared-options.ts';

interface SimulateOptions extends GlobalOptions {
  agents: string;
  episodes: string;
  gateway?: string;
  key?: string;
  seed: string;
  concurrency: string;
  split: string;
  openEndedShare: string;
  errorRate: string;
  latencyScale: string;
  groundTruth?: string;
  drift?: string;
  driftFromEpisode: string;
}

interface TeacherOptions {
  port: string;
  seed: string;
  errorRate: string;
  latencyScale: string;
  json?: boolean;
}

function parseInteger(flag: string, text: string, minimum: number, maximum: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum || value > maximum) {
    throw new UnderstudyError('invalid_request', `${flag} must be an integer from ${minimum} to ${maximum}, got '${text}'.`);
  }
  return value;
}

function parseFraction(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UnderstudyError('invalid_request', `${flag} must be a number from 0 to 1, got '${text}'.`);
  }
  return value;
}

function parseScale(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new UnderstudyError('invalid_request', `--latency-scale must be a number from 0 to 100, got '${text}'.`);
  }
  return value;
}

function parseSplit(text: string): DataSplit {
  if (text === 'train' || text === 'eval') return text;
  throw new UnderstudyError('invalid_request', `--split must be 'train' or 'eval', got '${text}'.`);
}

function parseSeed(text: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(text)) throw new UnderstudyError('invalid_request', `--seed must be 1–64 letters, digits, '-' or '_', got '${text}'.`);
  return text;
}

function parseGatewayUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return text;
  } catch {
    // Reported below, as one line.
  }
  throw new UnderstudyError('invalid_request', `--gateway must be an http(s) URL such as http://127.0.0.1:4141/v1, got '${text}'.`);
}

function printSummary(summary: SimulationSummary): void {
  const rows = Object.entries(summary.byTask)
    .sort(([left], [right]) => (left < right ? -1 : 1))
    .map(([task, tally]) => [
      task,
      String(tally.calls),
      tally.scored === 0 ? '-' : `${((100 * tally.correct) / tally.scored).toFixed(1)}%`,
      String(tally.failures),
    ]);
  printTable(['TASK', 'CALLS', 'TEACHER CORRECT', 'FAILURES'], rows);
  const correct = summary.teacherCorrectRate === null ? 'n/a' : `${(100 * summary.teacherCorrectRate).toFixed(1)}%`;
  process.stdout.write(
    `\n${colour.bold(`${summary.calls} calls`)} in ${summary.seconds.toFixed(1)} s — ${colour.bold(`${summary.callsPerSecond.toFixed(1)} calls/s`)}; ` +
      `open-ended ${(100 * summary.openEndedShare).toFixed(1)}%; teacher correct ${correct} of ${summary.scoredCalls} scored; ` +
      `${summary.failures === 0 ? colour.green('0 failures') : colour.red(`${summary.failures} failures`)}\n`,
  );
  for (const sample of summary.failureSamples) process.stdout.write(`  ${colour.dim(sample)}\n`);
  if (summary.groundTruthFile) process.stdout.write(`Ground truth: ${summary.groundTruthFile}\n`);
}

function createTeacherCommand(): Command {
  return new Command('teacher')
    .description('run the scripted teacher LLM alone (OpenAI-compatible) until Ctrl-C')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '4242')
    .option('--seed <seed>', 'seed for answers, wrong answers and latency', '1')
    .option('--error-rate <rate>', 'share of deliberately wrong answers (0–1)', '0.02')
    .option('--latency-scale <factor>', 'multiply the hosted-model latency (p50 ~800 ms); 0 answers at once', '1')
    .option('--json', 'print {"baseUrl"} as one JSON line once listening')
    .addHelpText('after', '\nExamples:\n  understudy simulate teacher --port 4242\n  understudy simulate teacher --port 0 --json   # scripts read the chosen port\n  understudy simulate teacher --port 4242 --error-rate 0 --latency-scale 0')
    .action(async (options: TeacherOptions) => {
      const teacher = await startTeacherServer({
        skills: allSimulatedSkills(),
        port: parsePort(options.port),
        seed: parseSeed(options.seed),
        errorRate: parseFraction('--error-rate', options.errorRate),
        latency: { scale: parseScale(options.latencyScale) },
      });
      if (options.json) process.stdout.write(`${JSON.stringify({ baseUrl: teacher.url })}\n`);
      else process.stdout.write(`${colour.green('Scripted teacher')} (OpenAI-compatible) on ${colour.bold(teacher.url)} — Ctrl-C to stop\n`);
      const stop = () => {
        const stats = teacher.stats();
        process.stderr.write(`\n${stats.requests} requests, ${stats.wrongAnswers} wrong answers, ${stats.unrecognised} unrecognised; stopping.\n`);
        void teacher.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

export function createSimulateCommand(): Command {
  const command = addCommonOptions(new Command('simulate'))
    .description('drive seeded simulated agents through a gateway, answered by the scripted teacher LLM')
    .enablePositionalOptions()
    .option('--agents <names>', 'comma-separated agents: query, support, toolloop', 'query,support,toolloop')
    .option('--episodes <count>', 'episodes to run (agents take turns)', '100')
    .option('--gateway <url>', 'send through this gateway (default: start a teacher and a gateway on the configured store)')
    .option('--key <key>', 'gateway API key (required with --gateway)')
    .option('--seed <seed>', 'workload seed: the same seed gives the same calls and ground truth', '1')
    .option('--concurrency <count>', 'episodes in flight at once', '8')
    .option('--split <split>', "payload pool: 'train' or 'eval'", 'train')
    .option('--open-ended-share <share>', 'target share of open-ended calls (0–1)', '0.3')
    .option('--error-rate <rate>', "embedded teacher's share of wrong answers (0–1)", '0.02')
    .option('--latency-scale <factor>', "embedded teacher's latency factor (1 = hosted model, 0 = none)", '1')
    .option('--ground-truth <file>', 'write ground truth (task, answer, PII spans) as JSONL here')
    .option('--drift <tasks>', 'comma-separated tasks to send in their drifted variant (support/extract-order: a new required field)')
    .option('--drift-from-episode <index>', 'first episode (0-based) that sends the drifted variant; earlier ones do not', '0')
    .addHelpText(
      'after',
      '\nExamples:\n  understudy simulate --agents query,support,toolloop --episodes 200 --ground-truth truth.jsonl\n' +
        '  understudy simulate --episodes 1000 --latency-scale 0 --error-rate 0 --json\n' +
        '  understudy simulate --gateway http://127.0.0.1:4141/v1 --key usk_… --episodes 50\n' +
        '  understudy simulate --agents support --episodes 400 --drift support/extract-order --drift-from-episode 200',
    )
    .action(async (options: SimulateOptions) => {
      const episodes = parseInteger('--episodes', options.episodes, 1, 10_000_000);
      const concurrency = parseInteger('--concurrency', options.concurrency, 1, 1024);
      const seed = parseSeed(options.seed);
      const split = parseSplit(options.split);
      const openEndedShare = parseFraction('--open-ended-share', options.openEndedShare);
      const errorRate = parseFraction('--error-rate', options.errorRate);
      const latencyScale = parseScale(options.latencyScale);
      const gatewayUrl = options.gateway === undefined ? undefined : parseGatewayUrl(options.gateway);
      if (gatewayUrl !== undefined && !options.key) throw new UnderstudyError('invalid_request', '--gateway needs --key <gateway API key>.');
      const agents = resolveSimulatedAgents(options.agents);
      const driftFromEpisode = parseInteger('--drift-from-episode', options.driftFromEpisode, 0, 10_000_000);
      const drift = options.drift === undefined ? undefined : { tasks: resolveDriftedTasks(options.drift, agents), fromEpisode: driftFromEpisode };
      const say = (line: string) => {
        if (!options.json) process.stdout.write(`${line}\n`);
      };

      const stack = gatewayUrl
        ? null
        : await startSimulationStack({
            skills: allSimulatedSkills(),
            loaded: loadConfig({ configPath: options.config }),
            teacher: { seed, errorRate, latency: { scale: latencyScale } },
          });
      if (stack) say(`${colour.dim('scripted teacher on')} ${stack.teacher.url}; ${colour.green('gateway')} on ${colour.bold(stack.gateway.baseUrl)} (store: ${stack.gateway.store.engine}, ${stack.dataDir})`);
      const bar = process.stderr.isTTY && !options.json ? new SingleBar({ format: 'simulating [{bar}] {percentage}% | {value}/{total} episodes | {calls} calls | {failures} failures | ETA {eta}s', stream: process.stderr, hideCursor: true }) : null;
      bar?.start(episodes, 0, { calls: 0, failures: 0 });
      let summary: SimulationSummary;
      try {
        summary = await runSimulation({
          agents,
          episodes,
          concurrency,
          seed,
          split,
          openEndedShare,
          gatewayBaseUrl: stack ? stack.gateway.baseUrl : (gatewayUrl ?? ''),
          apiKey: stack ? stack.apiKey : (options.key ?? ''),
          groundTruthFile: options.groundTruth,
          drift,
          onProgress: (progress) => bar?.update(progress.episodesDone, { calls: progress.calls, failures: progress.failures }),
        });
      } finally {
        bar?.stop();
        // Closing the gateway flushes every logged call into the store.
        await stack?.close();
      }
      if (options.json) printJson(summary);
      else printSummary(summary);
    });
  command.addCommand(createTeacherCommand());
  return command;
}
