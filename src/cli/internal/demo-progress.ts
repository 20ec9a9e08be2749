/**
 * How `understudy demo` shows its stages while they run: bars with counts and ETA on a terminal (cli-progress, on
 * stderr), plain lines otherwise (CI logs, pipes); with `--json` the same plain lines go to stderr so stdout stays
 * one JSON object. Stage headings, the report and the figures go to stdout.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { DemoEvent } from '../../loop/run-demo.ts';
import type { LoopTaskOutcome } from '../../loop/run-loop-round.ts';
import type { ReplaceabilityReport } from '../../discover/replaceability-report.ts';
import { colour } from '../cli-output.ts';

const reportRowsShown = 10;

export function createDemoProgress(options: { json: boolean }): { onEvent: (event: DemoEvent) => void; note: (message: string) => void; stop: () => void } {
  const interactive = process.stderr.isTTY === true && !options.json;
  const say = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let bars: MultiBar | null = null;
  let bar: SingleBar | null = null;
  let barKey = '';
  let lastPlain = '';
  const outcomes: LoopTaskOutcome[] = [];

  const stopBars = () => {
    bars?.stop();
    bars = null;
    bar = null;
    barKey = '';
  };
  const show = (key: string, format: string, total: number, value: number, payload: Record<string, unknown>, plain: string) => {
    if (!interactive) {
      if (plain !== '' && plain !== lastPlain) log(plain);
      lastPlain = plain;
      return;
    }
    if (barKey !== key) {
      stopBars();
      bars = new MultiBar({ format, stream: process.stderr, hideCursor: true, clearOnComplete: false, etaBuffer: 20 }, Presets.shades_classic);
      bar = bars.create(total, value, payload);
      barKey = key;
    }
    bar?.setTotal(total);
    bar?.update(value, payload);
  };

  const onEvent = (event: DemoEvent) => {
    switch (event.kind) {
      case 'stage':
        stopBars();
        say(`\n${colour.bold(`${event.stage}. ${event.title}`)} — ${event.detail}`);
        if (event.stage === 4) printEvaluations(outcomes, say);
        return;
      case 'capture-progress': {
        const { episodesDone, episodes, calls } = event.progress;
        const quarter = Math.floor((episodesDone / Math.max(1, episodes)) * 4) * 25;
        show('capture', '   capture  [{bar}] {value}/{total} episodes | {calls} calls | ETA {eta_formatted}', episodes, episodesDone, { calls }, `   capture: ${quarter}% of ${episodes} episodes${quarter === 100 ? ` (${calls} calls)` : ''}`);
        return;
      }
      case 'report':
        stopBars();
        printReport(event.report, say);
        return;
      case 'training-progress': {
        const { progress } = event;
        const label = event.name.slice(0, 28);
        if (progress.phase === 'cached') {
          stopBars();
          log(`   ${label}: ${progress.message ?? 'reusing a cached training'}`);
          return;
        }
        if (progress.step !== undefined && progress.totalSteps !== undefined && progress.totalSteps > 0) {
          const loss = progress.loss === undefined ? '–' : progress.loss.toFixed(3);
          show(
            `train:${event.task}`,
            `   ${label.padEnd(28)} [{bar}] {value}/{total} steps | loss {loss} | ETA {eta_formatted}`,
            progress.totalSteps,
            progress.step,
            { loss },
            `   ${label}: step ${progress.step}/${progress.totalSteps}, loss ${loss}${progress.etaSeconds === undefined ? '' : `, ETA ${Math.round(progress.etaSeconds)} s`}`,
          );
          return;
        }
        if (progress.message !== undefined && !interactive) log(`   ${label}: ${progress.phase}: ${progress.message}`);
        return;
      }
      case 'outcome': {
        outcomes.push(event.outcome);
        const { outcome } = event;
        if (outcome.action === 'trained' || outcome.action === 'failed') {
          stopBars();
          const how = outcome.reusedFrom !== undefined ? `reused from the training cache (its training took ${outcome.reusedFrom.trainSeconds.toFixed(0)} s)` : `trained in ${(outcome.trainSeconds ?? 0).toFixed(0)} s`;
          say(`   ${outcome.name}: ${outcome.action === 'failed' ? colour.red(`training failed — ${outcome.reason}`) : how}`);
        } else if (outcome.action === 'kept' && outcome.specialistId !== null) {
          say(`   ${outcome.name}: kept ${outcome.specialistId} (${outcome.routeMode ?? 'no route'}) from an earlier run — ${outcome.reason}`);
        } else if (outcome.reason.includes('not in the time budget')) {
          // Said as it is decided, so the wait for the next training is explained; the figures list it again.
          say(`   ${outcome.name}: ${colour.yellow(outcome.reason.replace(/^.*?, but /, ''))}`);
        }
        return;
      }
      case 'route-progress': {
        const { episodesDone, episodes, calls } = event.progress;
        show(`route:${event.batch}`, `   batch ${event.batch}/${event.batches} [{bar}] {value}/{total} episodes | {calls} calls | ETA {eta_formatted}`, episodes, episodesDone, { calls }, episodesDone === episodes ? `   batch ${event.batch}/${event.batches}: ${episodes} episodes, ${calls} calls` : '');
        return;
      }
      case 'route-batch': {
        stopBars();
        const { figures } = event;
        const routes = event.routes.map((route) => `${route.task.slice(0, 14)} ${route.mode}`).join(', ');
        say(
          `   after batch ${event.batch}/${event.batches}: ${figures.calls} calls, specialists answered ${percent(figures.slmShare)}, ` +
            `escalations ${figures.escalations.total} (${percent(figures.escalationRate)} of the calls meant for a specialist), shadow runs ${figures.shadowRuns}; routes: ${routes || 'none'}`,
        );
        return;
      }
      case 'note':
        stopBars();
        say(`   ${colour.yellow(event.message)}`);
        return;
    }
  };
  return { onEvent, note: (message) => log(message), stop: stopBars };
}

function printReport(report: ReplaceabilityReport, say: (line: string) => void): void {
  const rows = [...report.tasks].sort((left, right) => right.projectedSavingsUsd - left.projectedSavingsUsd || right.calls - left.calls);
  say(`   ${report.tasks.length} tasks in ${report.totals.calls} calls ($${report.totals.costUsd.toFixed(4)} at list prices); ${report.unassignedCalls} calls fit no task`);
  const header = ['TASK', 'CALLS', 'SPEND', 'VERDICT', 'PROJECTED SAVING'];
  const cells = rows.slice(0, reportRowsShown).map((task) => [task.name.slice(0, 36), percent(task.callShare), percent(task.spendShare), task.verdict, task.verdict === 'keep-on-llm' ? '—' : `$${task.projectedSavingsUsd.toFixed(5)}`]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column]!.length)));
  for (const row of [header, ...cells]) say(`   ${row.map((cell, column) => (column === 0 || column === 3 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}`);
  if (rows.length > reportRowsShown) say(`   … and ${rows.length - reportRowsShown} more (understudy report shows them all)`);
  say(`   Projected savings are over this window, priced as in the report's cost model (${report.costModel.slmBasis.split(': ')[0]}).`);
}

function printEvaluations(outcomes: readonly LoopTaskOutcome[], say: (line: string) => void): void {
  const evaluated = outcomes.filter((outcome) => outcome.evaluation !== undefined);
  if (evaluated.length === 0) {
    say('   nothing new to prove this run (no task was trained)');
    return;
  }
  for (const outcome of evaluated) {
    const evaluation = outcome.evaluation!;
    say(
      `   ${outcome.name}: agreement ${percent(evaluation.agreement)} on ${evaluation.examples} validation examples; threshold ${evaluation.threshold?.toFixed(3) ?? 'none'}, ` +
        `coverage ${percent(evaluation.coverage)} at ${percent(evaluation.deliveredAgreement)} — ${evaluation.passed ? colour.green('passed: enters its route in shadow') : colour.red('failed the gates: stays on the LLM')}`,
    );
  }
}

export function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}
