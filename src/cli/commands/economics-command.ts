/**
 * `understudy economics`: what routing saved, per task and overall, under the honest cost model — LLM spend
 * from the dated price table, specialist cost as the stated $/hour of the serving machine over the time it
 * was busy (served calls, escalated attempts, shadow runs), audits and escalations counted on both sides —
 * against the same calls all answered by the LLM.
 */
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { createPricingTable } from '../../providers/pricing-table.ts';
import { computeEconomics } from '../../route/compute-economics.ts';
import { renderEconomicsTable } from '../../route/render-economics.ts';
import { printJson } from '../cli-output.ts';
import { loadCalls } from '../../store/load-calls.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

export function createEconomicsCommand(): Command {
  return addCommonOptions(new Command('economics'))
    .description('cost, escalation rate and latency before/after routing, per task and overall')
    .option('--since <date>', 'only calls from this date (ISO 8601)')
    .option('--bucket-seconds <n>', 'series bucket width', '60')
    .addHelpText('after', '\nExamples:\n  understudy economics\n  understudy economics --since 2026-11-20 --json')
    .action(async (options: GlobalOptions & { since?: string; bucketSeconds: string }) => {
      const since = options.since === undefined ? undefined : Date.parse(options.since);
      if (since !== undefined && Number.isNaN(since)) throw new UnderstudyError('invalid_request', `Invalid --since '${options.since}': use a date such as 2026-11-01.`);
      const bucketSeconds = Number(options.bucketSeconds);
      if (!Number.isFinite(bucketSeconds) || bucketSeconds <= 0) throw new UnderstudyError('invalid_request', `--bucket-seconds: '${options.bucketSeconds}' is not a positive number.`);
      await withConfiguredStore(options, async (store, loaded) => {
        const calls = await loadCalls(store, since === undefined ? {} : { since });
        const observations = await store.observations.list(since === undefined ? {} : { since });
        const economics = computeEconomics({
          calls,
          observations,
          pricing: createPricingTable(loaded.config.pricing),
          usdPerHour: loaded.config.routing.usdPerHour,
          bucketMs: bucketSeconds * 1000,
        });
        if (options.json) return printJson(economics);
        if (calls.length === 0) return void process.stdout.write('No calls logged yet.\n');
        const taskNames = new Map((await store.tasks.list()).map((task) => [task.id, task.name] as const));
        process.stdout.write(`${renderEconomicsTable(economics, { taskNames })}\n`);
      });
    });
}
