/** `understudy calls`: the most recent logged calls, for a quick look without the dashboard. */
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { printJson, printTable } from '../cli-output.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

export function createCallsCommand(): Command {
  return addCommonOptions(new Command('calls'))
    .description('list recent logged calls')
    .option('-l, --limit <n>', 'how many', '20')
    .option('-p, --project <id>', 'only this project')
    .option('-e, --episode <id>', 'only this episode, oldest first')
    .option('-t, --task <name>', 'only this task')
    .addHelpText('after', '\nExamples:\n  understudy calls --limit 5\n  understudy calls --episode run-42 --json')
    .action(async (options: GlobalOptions & { limit: string; project?: string; episode?: string; task?: string }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UnderstudyError('invalid_request', `Invalid --limit '${options.limit}'.`);
      await withConfiguredStore(options, async (store) => {
        const filter = { projectId: options.project, episodeId: options.episode, task: options.task };
        const [calls, summary] = await Promise.all([
          store.calls.list({ ...filter, limit, order: options.episode ? 'asc' : 'desc' }),
          store.calls.summarize(filter),
        ]);
        if (options.json) return printJson({ summary, calls });
        printTable(
          ['TIME', 'MODEL', 'STATUS', 'LATENCY', 'TOKENS', 'COST $', 'TASK', 'EPISODE'],
          calls.map((call) => [
            new Date(call.startedAt).toISOString().replace('T', ' ').slice(0, 19),
            call.model,
            call.errorClass ? `${call.status}:${call.errorClass}` : call.status,
            `${Math.round(call.latencyMs)} ms`,
            `${call.tokensIn ?? '?'}/${call.tokensOut ?? '?'}${call.tokensEstimated ? '~' : ''}`,
            call.costUsd === null ? '-' : call.costUsd.toFixed(6),
            call.task ?? '-',
            call.episodeId ?? '-',
          ]),
        );
        process.stdout.write(`\n${summary.calls} calls, ${summary.tokensIn} tokens in, ${summary.tokensOut} out, $${summary.costUsd.toFixed(4)}\n`);
      });
    });
}
