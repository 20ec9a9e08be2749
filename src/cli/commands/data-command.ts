/**
 * `understudy data delete` and `understudy data retention`: deletion of captured data and everything built from
 * it (docs/data-protection.md). The CLI is another process than a running gateway: it rewrites the spool
 * segments of dead processes but cannot flush a live gateway's writer — delete through the gateway
 * (`POST /admin/data/deletions`) while one runs, or run this again once it has stored what it held.
 */
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { applyRetention, deleteCapturedData, type DataDeletionReport } from '../../curate/delete-captured-data.ts';
import { cacheDirectory } from '../../providers/cache-directory.ts';
import type { CallSelector } from '../../store/store.ts';
import { printJson } from '../cli-output.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

interface DeleteOptions extends GlobalOptions {
  episode?: string;
  user?: string;
  project?: string;
  yes?: boolean;
}

export function createDataCommand(): Command {
  const data = new Command('data')
    .description('delete captured data and apply retention (calls, spool, datasets, specialists built from them)')
    .addHelpText('after', '\nExamples:\n  understudy data delete --user user-42 --yes\n  understudy data retention');
  data.addCommand(
    addCommonOptions(new Command('delete'))
      .description('delete the calls of an episode, end user or project, and everything built from them')
      .option('--episode <id>', 'the calls of this episode')
      .option('--user <id>', 'the calls of this end user')
      .option('-p, --project <id>', 'the calls of this project')
      .option('-y, --yes', 'confirm: a deletion cannot be undone')
      .addHelpText('after', '\nExamples:\n  understudy data delete --episode run-81f2 --yes\n  understudy data delete --project acme --user user-42 --yes --json')
      .action(async (options: DeleteOptions) => {
        const selector: CallSelector = {
          ...(options.project === undefined ? {} : { projectId: options.project }),
          ...(options.episode === undefined ? {} : { episodeId: options.episode }),
          ...(options.user === undefined ? {} : { endUserId: options.user }),
        };
        if (Object.keys(selector).length === 0) throw new UnderstudyError('invalid_request', 'Name what to delete: --episode, --user or --project.');
        if (!options.yes) throw new UnderstudyError('invalid_request', 'A deletion cannot be undone: add --yes to confirm it.');
        await withConfiguredStore(options, async (store, loaded) => {
          const report = await deleteCapturedData({ store, dataDir: loaded.dataDir, cacheDir: cacheDirectory(loaded.dataDir), selector });
          if (options.json) return printJson(report);
          process.stdout.write(describeDeletion(report));
        });
      }),
  );
  data.addCommand(
    addCommonOptions(new Command('retention'))
      .description('apply data.callRetentionDays and data.jobRetentionDays now (a running gateway also sweeps)')
      .addHelpText('after', '\nExamples:\n  understudy data retention\n  understudy data retention --json | jq .calls.calls')
      .action(async (options: GlobalOptions) => {
        await withConfiguredStore(options, async (store, loaded) => {
          const retention = loaded.config.data;
          const report = await applyRetention({ store, dataDir: loaded.dataDir, cacheDir: cacheDirectory(loaded.dataDir), retention });
          if (options.json) return printJson(report);
          if (report.callsBefore === null && report.jobsBefore === null) {
            process.stdout.write('No retention configured (data.callRetentionDays, data.jobRetentionDays): nothing deleted.\n');
            return;
          }
          if (report.calls !== null) process.stdout.write(`Calls that started before ${new Date(report.callsBefore ?? 0).toISOString()}:\n${describeDeletion(report.calls)}`);
          if (report.jobsBefore !== null) process.stdout.write(`Finished jobs before ${new Date(report.jobsBefore).toISOString()}: ${report.jobs} deleted\n`);
        });
      }),
  );
  return data;
}

function describeDeletion(report: DataDeletionReport): string {
  const lines = [
    `Deleted ${report.calls} calls, ${report.observations} observations, ${report.pseudonyms} pseudonym mappings.`,
    `Spool: ${report.spool.callsRemoved} calls removed from ${report.spool.segmentsRewritten} segments of stopped processes.`,
    `Derived: ${report.derived.datasets.length} datasets, ${report.derived.specialists.length} specialists retired, ${report.derived.routesSwitchedOff.length} routes switched off, ${report.derived.evaluations} evaluations, ${report.derived.filesRemoved} files.`,
  ];
  if (report.spool.liveSegments > 0) {
    lines.push(`Warning: ${report.spool.liveSegments} spool segments belong to a running process (a gateway?); calls it still holds are stored after this deletion. Delete through its admin API (POST /admin/data/deletions) instead.`);
  }
  return `${lines.join('\n')}\n`;
}
