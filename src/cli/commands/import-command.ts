/** `understudy import FILE`: existing logs (JSONL of {request, response, metadata?}) into the store. */
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { importJsonl } from '../../capture/import-jsonl.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import { createPricingTable } from '../../providers/pricing-table.ts';
import { colour, printJson } from '../cli-output.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

export function createImportCommand(): Command {
  return addCommonOptions(new Command('import'))
    .description('import logged calls from a JSONL file of {request, response, metadata?} in OpenAI chat format (idempotent)')
    .argument('<file>', 'JSONL file')
    .option('-p, --project <id>', 'project to file the calls under', 'default')
    .option('--strict', 'stop at the first invalid line (lines before it stay imported)')
    .addHelpText(
      'after',
      '\nEach line: {"request": {model, messages, …}, "response": {chat.completion}, "metadata": {"task", "episode_id", "end_user_id", "started_at", "latency_ms", "provider"}}\n\nExamples:\n  understudy import logs/calls.jsonl --project support-bot\n  understudy import calls.jsonl --json',
    )
    .action(async (file: string, options: GlobalOptions & { project: string; strict?: boolean }) => {
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(options.project)) throw new UnderstudyError('invalid_request', `Invalid project id '${options.project}'.`);
      await withConfiguredStore(options, async (store, loaded) => {
        await store.projects.ensure(options.project);
        const showBar = process.stderr.isTTY && !options.json;
        const bar = new SingleBar({ format: 'importing [{bar}] {percentage}% | {lines} lines | {imported} new | ETA {eta}s', stream: process.stderr, hideCursor: true });
        let started = false;
        const summary = await importJsonl({
          file,
          store,
          pricing: createPricingTable(loaded.config.pricing),
          projectId: options.project,
          strict: options.strict === true,
          onProgress: (progress) => {
            if (!showBar) return;
            if (!started) {
              bar.start(Math.max(progress.totalBytes, 1), 0, { lines: 0, imported: 0 });
              started = true;
            }
            bar.update(progress.bytesRead, { lines: progress.lines, imported: progress.imported });
          },
        });
        if (started) bar.stop();
        if (options.json) return printJson(summary);
        process.stdout.write(
          `${colour.green('Imported')} ${summary.imported} new calls from ${summary.lines} lines (${summary.duplicates} already stored, ${summary.invalid} invalid).\n`,
        );
        for (const error of summary.errors) process.stdout.write(`  ${colour.yellow(`line ${error.line}`)}: ${error.message}\n`);
        if (summary.invalid > summary.errors.length) process.stdout.write(`  … and ${summary.invalid - summary.errors.length} more invalid lines\n`);
      });
    });
}
