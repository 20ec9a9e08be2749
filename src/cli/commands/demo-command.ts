/**
 * `understudy demo` — for now, the capture stage of the full demo, on the embedded defaults (SQLite under
 * .understudy/): the scripted teacher (a simulated frontier LLM — clearly labelled, no API key needed)
 * behind a real gateway, and three seeded simulated agents (query writer, support, tool loop) running
 * multi-step episodes through it. It ends with what was captured, per agent and in total, and leaves the
 * gateway running so you can point your own client at it. Discovery, training and routing extend this
 * command as they land.
 */
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../../contracts/config.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import { allSimulatedSkills, resolveSimulatedAgents } from '../../simulate/driver/simulated-agents.ts';
import { runSimulation } from '../../simulate/driver/run-simulation.ts';
import { startSimulationStack } from '../../simulate/driver/start-simulation-stack.ts';
import { colour, printJson, printTable } from '../cli-output.ts';
import { closeOnSignals, parsePort } from './serve-command.ts';
import { addCommonOptions, type GlobalOptions } from './shared-options.ts';

interface DemoOptions extends GlobalOptions {
  port?: string;
  episodes: string;
  latencyScale: string;
  seed: string;
  once?: boolean;
}

export function createDemoCommand(): Command {
  return addCommonOptions(new Command('demo'))
    .description('see capture work end to end: simulated agents and a scripted teacher LLM through a real gateway (no API key, no GPU)')
    .option('--port <port>', 'gateway port (default: a free port)')
    .option('--episodes <count>', 'agent episodes to simulate', '60')
    .option('--latency-scale <factor>', "the teacher's hosted-model latency (p50 ~800 ms) times this", '0.05')
    .option('--seed <seed>', 'workload seed', 'demo')
    .option('--once', 'exit after the workload instead of leaving the gateway running')
    .addHelpText('after', '\nExamples:\n  npx understudy demo\n  npx understudy demo --episodes 300 --once --json')
    .action(async (options: DemoOptions) => {
      const episodes = Number(options.episodes);
      if (!Number.isInteger(episodes) || episodes < 1 || episodes > 100_000) throw new UnderstudyError('invalid_request', `Invalid --episodes '${options.episodes}'.`);
      const latencyScale = Number(options.latencyScale);
      if (!Number.isFinite(latencyScale) || latencyScale < 0 || latencyScale > 10) throw new UnderstudyError('invalid_request', `Invalid --latency-scale '${options.latencyScale}'.`);
      const say = (line: string) => {
        if (!options.json) process.stdout.write(`${line}\n`);
      };
      const agents = resolveSimulatedAgents('query,support,toolloop');
      const stack = await startSimulationStack({
        skills: allSimulatedSkills(),
        loaded: loadConfig({ configPath: options.config }),
        teacher: { seed: options.seed, latency: { scale: latencyScale } },
        port: options.port === undefined ? 0 : parsePort(options.port),
        projectId: 'demo',
      });
      const { gateway } = stack;
      say(`${colour.dim('scripted teacher (a simulated frontier LLM) on')} ${stack.teacher.url}`);
      say(`${colour.green('gateway')} on ${colour.bold(gateway.baseUrl)} (store: ${gateway.store.engine}, ${stack.dataDir})`);
      if (gateway.generatedAdminToken) say(`admin token (shown once): ${gateway.generatedAdminToken}`);
      say(`\n${colour.bold('1. Capture')} — ${episodes} episodes of three agents (query writer, support, tool loop) through the gateway`);

      const bar = process.stderr.isTTY && !options.json ? new SingleBar({ format: '   [{bar}] {value}/{total} episodes | {calls} calls | ETA {eta}s', stream: process.stderr, hideCursor: true }) : null;
      bar?.start(episodes, 0, { calls: 0 });
      const startedAt = Date.now();
      let summary;
      try {
        summary = await runSimulation({
          agents,
          episodes,
          concurrency: 8,
          seed: options.seed,
          gatewayBaseUrl: gateway.baseUrl,
          apiKey: stack.apiKey,
          onProgress: (progress) => bar?.update(progress.episodesDone, { calls: progress.calls }),
        });
      } finally {
        bar?.stop();
      }
      await gateway.logWriter.flush();
      const totals = await gateway.store.calls.summarize({ projectId: 'demo', since: startedAt });
      const stored = await gateway.store.calls.list({ projectId: 'demo', since: startedAt, limit: 10_000, order: 'asc' });
      const latencies = stored.map((call) => call.latencyMs).sort((left, right) => left - right);
      const p50 = latencies.length > 0 ? latencies[Math.floor(latencies.length / 2)]! : 0;

      if (options.json) {
        printJson({ baseUrl: gateway.baseUrl, simulation: summary, captured: { ...totals, latencyP50Ms: p50 } });
      } else {
        printTable(
          ['AGENT', 'EPISODES', 'CALLS'],
          Object.entries(summary.byAgent).map(([agent, tally]) => [agent, String(tally.episodes), String(tally.calls)]),
        );
        say(
          `\n   Captured ${totals.calls} calls (${summary.failures} failed), ${totals.tokensIn + totals.tokensOut} tokens, ` +
            `$${totals.costUsd.toFixed(4)} at list prices; p50 latency ${p50.toFixed(0)} ms; ` +
            `${Math.round(summary.openEndedShare * 100)}% open-ended` +
            (summary.teacherCorrectRate === null ? '.' : `; the teacher was right on ${(summary.teacherCorrectRate * 100).toFixed(1)}% of checkable answers.`),
        );
        say(`   The agents never said which task each call was: finding that out is the next stage.`);
        say(`\n${colour.dim('Coming next in this demo: 2. discover tasks · 3. train specialists · 4. prove them · 5. route traffic and count the savings.')}`);
      }
      if (options.once) {
        await stack.close();
        return;
      }
      say(
        `\nThe gateway keeps running. Try it:\n  curl ${gateway.baseUrl}/chat/completions -H 'authorization: Bearer ${stack.apiKey}' -H 'content-type: application/json' ` +
          `-d '{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"hi"}]}'\n  understudy calls --project demo\nCtrl-C to stop.`,
      );
      closeOnSignals(gateway, () => stack.teacher.close());
    });
}
