/** `understudy jobs`: the job queue — list, show one, cancel. */
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { JobRecord } from '../../store/store.ts';
import { printJson, printTable } from '../cli-output.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

function describeProgress(job: JobRecord): string {
  const progress = job.progress as { phase?: string; step?: number; totalSteps?: number; loss?: number; etaSeconds?: number } | null;
  if (job.status !== 'running' || progress === null) return job.error ?? '';
  const steps = progress.step !== undefined && progress.totalSteps !== undefined ? ` ${progress.step}/${progress.totalSteps}` : '';
  const loss = progress.loss === undefined ? '' : ` loss ${progress.loss.toFixed(3)}`;
  const eta = progress.etaSeconds === undefined ? '' : ` eta ${Math.round(progress.etaSeconds)} s`;
  return `${progress.phase ?? ''}${steps}${loss}${eta}`;
}

export function createJobsCommand(): Command {
  const jobs = new Command('jobs')
    .description('list, show and cancel training jobs')
    .addHelpText('after', '\nExamples:\n  understudy jobs list --status running\n  understudy jobs show job_4Qd2x8ZkLm0pR7sT\n  understudy jobs cancel job_4Qd2x8ZkLm0pR7sT');
  jobs.addCommand(
    addCommonOptions(new Command('list'))
      .description('recent jobs, newest first')
      .option('--status <status>', 'queued, running, succeeded, failed or cancelled')
      .addHelpText('after', '\nExamples:\n  understudy jobs list\n  understudy jobs list --status failed --json')
      .action(async (options: GlobalOptions & { status?: string }) => {
        const allowed = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
        if (options.status !== undefined && !allowed.includes(options.status)) throw new UnderstudyError('invalid_request', `--status: '${options.status}' is not one of ${allowed.join(', ')}`);
        await withConfiguredStore(options, async (store) => {
          const list = await store.jobs.list({ ...(options.status === undefined ? {} : { status: options.status as JobRecord['status'] }), limit: 50 });
          if (options.json) return printJson({ jobs: list });
          if (list.length === 0) return void process.stdout.write('No jobs yet: `understudy train TASK` starts one.\n');
          printTable(['id', 'kind', 'status', 'task', 'created', 'progress / reason'], list.map((job) => [job.id, job.kind, job.status, String((job.spec as { task?: string }).task ?? ''), new Date(job.createdAt).toISOString(), describeProgress(job)]));
        });
      }),
  );
  jobs.addCommand(
    addCommonOptions(new Command('show'))
      .description('one job with its spec, progress and result (always JSON)')
      .argument('<id>')
      .addHelpText('after', '\nExamples:\n  understudy jobs show job_4Qd2x8ZkLm0pR7sT\n  understudy jobs show job_4Qd2x8ZkLm0pR7sT | jq .progress')
      .action(async (id: string, options: GlobalOptions) => {
        await withConfiguredStore(options, async (store) => {
          const job = await store.jobs.get(id);
          if (job === undefined) throw new UnderstudyError('not_found', `No job ${id}.`);
          printJson(job);
        });
      }),
  );
  jobs.addCommand(
    addCommonOptions(new Command('cancel'))
      .description('cancel a queued job now, or ask a running one to stop at its next heartbeat')
      .argument('<id>')
      .addHelpText('after', '\nExamples:\n  understudy jobs cancel job_4Qd2x8ZkLm0pR7sT\n  understudy jobs cancel job_4Qd2x8ZkLm0pR7sT --json')
      .action(async (id: string, options: GlobalOptions) => {
        await withConfiguredStore(options, async (store) => {
          const job = await store.jobs.requestCancel(id);
          if (job === undefined) throw new UnderstudyError('not_found', `No job ${id}.`);
          if (options.json) return printJson(job);
          process.stdout.write(job.status === 'cancelled' ? `Cancelled ${id}.\n` : job.status === 'running' ? `Asked ${id} to stop; its worker stops at the next heartbeat.\n` : `${id} already ${job.status}.\n`);
        });
      }),
  );
  return jobs;
}
