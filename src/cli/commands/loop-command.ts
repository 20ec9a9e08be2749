/**
 * `understudy loop`: the closed loop, once or on a schedule — rediscover tasks from what was logged, train
 * specialists where there are none or where data grew or escalations cluster, gate them offline, and put the
 * ones that pass into shadow; the gateway's governor promotes them on live traffic from there.
 */
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { runLoopRound, type LoopRoundReport } from '../../loop/run-loop-round.ts';
import { printJson, printTable } from '../cli-output.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

interface LoopOptions extends GlobalOptions {
  every?: string;
  rounds?: string;
  task?: string[];
}

export function createLoopCommand(): Command {
  return addCommonOptions(new Command('loop'))
    .description('run the capture → train → shadow loop once, or every N minutes')
    .option('--every <minutes>', 'run a round every N minutes (default: once)')
    .option('--rounds <n>', 'stop after this many rounds (with --every)')
    .option('--task <task...>', 'train only these tasks (ids or names); all are still rediscovered')
    .addHelpText('after', '\nExamples:\n  understudy loop\n  understudy loop --every 60\n  understudy loop --task support/extract-contact --json')
    .action(async (options: LoopOptions) => {
      const every = options.every === undefined ? undefined : Number(options.every);
      if (every !== undefined && (!Number.isFinite(every) || every <= 0)) throw new UnderstudyError('invalid_request', `--every: '${options.every}' is not a positive number of minutes.`);
      const rounds = options.rounds === undefined ? (every === undefined ? 1 : Number.POSITIVE_INFINITY) : Number(options.rounds);
      if (!Number.isInteger(rounds) && rounds !== Number.POSITIVE_INFINITY) throw new UnderstudyError('invalid_request', `--rounds: '${options.rounds}' is not a whole number.`);
      if (rounds < 1) throw new UnderstudyError('invalid_request', `--rounds: '${options.rounds}' must be at least 1.`);
      const controller = new AbortController();
      const stop = () => controller.abort(new Error('interrupted'));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await withConfiguredStore(options, async (store, loaded) => {
          for (let round = 1; round <= rounds; round += 1) {
            const report = await runLoopRound({
              store,
              loaded,
              ...(options.task === undefined ? {} : { only: options.task }),
              onProgress: (message) => process.stderr.write(`loop: ${message}\n`),
              onTrainingProgress: (task, progress) => {
                if (progress.step !== undefined && progress.totalSteps !== undefined) process.stderr.write(`loop: ${task} step ${progress.step}/${progress.totalSteps}${progress.loss === undefined ? '' : ` loss ${progress.loss.toFixed(3)}`}\n`);
              },
              signal: controller.signal,
            });
            if (options.json) printJson({ round, ...report });
            else printRound(round, report);
            if (round < rounds) await sleep((every ?? loaded.config.loop.everyMinutes) * 60_000, controller.signal);
          }
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

function printRound(round: number, report: LoopRoundReport): void {
  process.stdout.write(`Round ${round}: ${report.calls} calls, ${report.tasks.length} tasks, ${report.seconds.toFixed(0)} s\n`);
  printTable(
    ['task', 'name', 'teacher answers', 'action', 'route', 'specialist', 'why'],
    report.tasks.map((task) => [task.task, task.name, String(task.teacherAnswers), task.action, task.routeMode ?? '', task.specialistId ?? '', task.reason]),
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
