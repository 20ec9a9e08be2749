/**
 * `understudy report`: discovers the recurring tasks in the logged calls and says which a specialist could
 * take — a terminal table, plus Markdown and a self-contained HTML page written to disk.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import type { ChatMessage } from '../../contracts/chat-completion.ts';
import type { UnderstudyConfig } from '../../contracts/config.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import { buildReplaceabilityReport } from '../../discover/build-replaceability-report.ts';
import { discoverTasks } from '../../discover/discover-tasks.ts';
import type { DiscoveredTask, DiscoveryResult } from '../../discover/discovered-task.ts';
import { nameTasksWithLlm, type NameTasksWithLlmResult } from '../../discover/name-tasks-with-llm.ts';
import type { Embedder } from '../../discover/embedder.ts';
import { createMiniLmEmbedder } from '../../discover/embedders/mini-lm-embedder.ts';
import { createLexicalEmbedder } from '../../discover/lexical-embedder.ts';
import { renderReportHtml } from '../../discover/report/render-report-html.ts';
import { renderReportMarkdown } from '../../discover/report/render-report-markdown.ts';
import { renderReportTerminal } from '../../discover/report/render-report-terminal.ts';
import { createOpenAICompatibleEngine } from '../../providers/engines/openai-compatible-engine.ts';
import { createProviderRegistry } from '../../providers/provider-registry.ts';
import { printJson, colourEnabled } from '../cli-output.ts';
import { loadCalls } from '../../store/load-calls.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';
import { saveDiscoveredTasks } from '../../loop/save-discovered-tasks.ts';

interface ReportOptions extends GlobalOptions {
  project?: string;
  since?: string;
  out?: string;
  embedder: string;
  ignoreDeclared?: boolean;
  nameWith?: string;
}

export function createReportCommand(): Command {
  return addCommonOptions(new Command('report'))
    .description('discover recurring tasks in the logged calls and report what share of calls and spend a specialist could take')
    .option('-p, --project <id>', 'only this project')
    .option('--since <date>', 'only calls from this date (ISO 8601)')
    .option('-o, --out <dir>', 'where report.md and report.html go (default: <dataDir>/reports)')
    .option('--embedder <name>', 'how free-form prompts are compared: template (default), lexical, minilm', 'template')
    .option('--ignore-declared', 'discover tasks even where the agent declared them')
    .option('--name-with <model>', 'name discovered tasks with this configured model (sends prompt skeletons only, no payload)')
    .addHelpText('after', '\nExamples:\n  understudy report\n  understudy report --since 2026-11-01 --out ./reports\n  understudy report --embedder minilm --json\n  understudy report --name-with gpt-4.1-mini')
    .action(async (options: ReportOptions) => {
      const since = options.since === undefined ? undefined : Date.parse(options.since);
      if (since !== undefined && Number.isNaN(since)) throw new UnderstudyError('invalid_request', `Invalid --since '${options.since}': use a date such as 2026-11-01.`);
      await withConfiguredStore(options, async (store, loaded) => {
        // Resolved before discovery, so a mistyped model fails at once rather than after a long discovery.
        const nameTasks = options.nameWith === undefined ? undefined : createReportTaskNamer({ config: loaded.config, model: options.nameWith });
        const calls = await loadCalls(store, { projectId: options.project, since });
        if (calls.length === 0) throw new UnderstudyError('not_found', 'No logged calls yet: put the gateway in front of your agent (understudy serve) or run `understudy demo`.');
        const embedder = await resolveEmbedder(options.embedder, loaded.dataDir);
        try {
          let named: DiscoveryResult | undefined;
          if (nameTasks) {
            const discovered = await discoverTasks(calls, { embedder, ignoreDeclared: options.ignoreDeclared });
            const { result, summary } = await nameTasks(discovered.tasks);
            process.stderr.write(`${summary}\n`);
            named = { ...discovered, tasks: result.tasks };
          }
          const { report, discovery } = await buildReplaceabilityReport(calls, { embedder, ignoreDeclared: options.ignoreDeclared, discovery: named });
          // As in the loop: the router and the loop recognise these tasks from now on (known ones keep their ids),
          // the dashboard shows this report's verdicts, and each call counts under the task it was placed in.
          await saveDiscoveredTasks({ store, calls, report, discovery, now: Date.now() });
          const outDir = path.resolve(options.out ?? path.join(loaded.dataDir, 'reports'));
          await mkdir(outDir, { recursive: true });
          const markdownPath = path.join(outDir, 'report.md');
          const htmlPath = path.join(outDir, 'report.html');
          await writeFile(markdownPath, renderReportMarkdown(report));
          await writeFile(htmlPath, renderReportHtml(report));
          if (options.json) return printJson({ report, files: { markdown: markdownPath, html: htmlPath } });
          process.stdout.write(renderReportTerminal(report, { color: colourEnabled, width: process.stdout.columns }));
          process.stdout.write(`\nWrote ${markdownPath}\n      ${htmlPath}\n`);
        } finally {
          await embedder?.close();
        }
      });
    });
}

async function resolveEmbedder(name: string, dataDir: string): Promise<Embedder | undefined> {
  switch (name) {
    case 'template':
      return undefined;
    case 'lexical':
      return createLexicalEmbedder();
    case 'minilm':
      return createMiniLmEmbedder({ dataDir, onProgress: (progress) => process.stderr.write(`minilm: ${progress.message}\n`) });
    default:
      throw new UnderstudyError('invalid_request', `Unknown --embedder '${name}': use template, lexical or minilm.`);
  }
}

/**
 * The `--name-with <model>` wiring: the provider that serves `model` in the config names the discovered tasks
 * with plain non-streaming chat completions (see `nameTasksWithLlm` for what is sent: skeletons only). The
 * provider is resolved when the namer is made, so an unknown model is an `invalid_request` before any work;
 * the HTTP client lives for one naming run and is closed after it.
 *
 * @example
 * const nameTasks = createReportTaskNamer({ config, model: 'gpt-4.1-mini' });
 * const { result, summary } = await nameTasks(discovery.tasks); // summary: "named 11 of 13 tasks with gpt-4.1-mini (2 kept: …)"
 */
export function createReportTaskNamer(options: {
  config: UnderstudyConfig;
  model: string;
  environment?: NodeJS.ProcessEnv;
  concurrency?: number;
}): (tasks: readonly DiscoveredTask[]) => Promise<{ result: NameTasksWithLlmResult; summary: string }> {
  const provider = createProviderRegistry(options.config, options.environment).require(options.model, '--name-with');
  return async (tasks) => {
    const engine = createOpenAICompatibleEngine({ baseUrl: provider.baseUrl, model: options.model, apiKey: provider.apiKey, timeoutMs: provider.timeoutMs });
    try {
      const result = await nameTasksWithLlm(tasks, {
        complete: async (messages) => (await engine.complete({ messages: messages.map((message): ChatMessage => ({ role: message.role, content: message.content })) })).content ?? '',
        concurrency: options.concurrency,
      });
      const discovered = tasks.filter((task) => task.source === 'discovered').length;
      const keptList = result.kept.slice(0, 3).map((entry) => `${entry.name}: ${entry.reason}`);
      if (result.kept.length > keptList.length) keptList.push(`${result.kept.length - keptList.length} more`);
      const keptNote = result.kept.length > 0 ? ` (${result.kept.length} kept: ${keptList.join('; ')})` : '';
      return { result, summary: `named ${result.named} of ${discovered} tasks with ${options.model}${keptNote}` };
    } finally {
      await engine.close();
    }
  };
}
