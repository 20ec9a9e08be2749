/**
 * `understudy eval TASK SPECIALIST`: the specialist answers the task's held-out split as it will be served;
 * the report gives agreement with the teacher, validity and latency, the failures side by side, and whether
 * the promotion gates in the config (`gates`) pass. It also calibrates the confidence threshold that would
 * make the specialist's delivered answers reach `--target-precision` (default: the config's
 * `routing.targetPrecision`), with its coverage and the gates on what it delivers. Saved under
 * `<dataDir>/evaluations/` and in the store (`store.evaluations`, for the dashboard). With `--require-pass` a
 * failed gate (on every answer) is a non-zero exit, for scripts and CI.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { readDataset } from '../../curate/dataset/read-dataset.ts';
import { evaluateSpecialist, type SpecialistEvaluation } from '../../evaluate/evaluate-specialist.ts';
import { storedEvaluationFrom } from '../../evaluate/stored-evaluation-from.ts';
import { specialistCandidate } from '../../select/specialist-candidate.ts';
import { colour, printJson, printTable } from '../cli-output.ts';
import { findDatasetDirectory } from './find-dataset-directory.ts';
import { loadCalls } from '../../store/load-calls.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

interface EvalOptions extends GlobalOptions {
  dataset?: string;
  split: string;
  limit?: string;
  threads: string;
  targetPrecision?: string;
  requirePass?: boolean;
}

export function createEvalCommand(): Command {
  return addCommonOptions(new Command('eval'))
    .description("prove a specialist on the task's held-out split: agreement with the teacher, validity, latency, failures side by side, and the promotion gates")
    .argument('<task>', 'declared task name, or a discovered task id or name')
    .argument('<specialist>', 'specialist id or name (see understudy train)')
    .option('--dataset <dir>', 'dataset directory (default: <dataDir>/datasets/<task>)')
    .option('--split <split>', 'test (value-disjoint held-out, default) or validation', 'test')
    .option('--limit <n>', 'at most this many examples (default: the whole split)')
    .option('--threads <n>', 'CPU threads for the embedded engine', '1')
    .option('--target-precision <p>', 'precision (0..1) the confidence threshold is calibrated for (default: config routing.targetPrecision)')
    .option('--require-pass', 'exit 1 when a promotion gate fails')
    .addHelpText('after', '\nExamples:\n  understudy eval support/extract-order sp_0123456789abcdef\n  understudy eval t-3f2a9c01de extract-order-lora --split validation --json\n  understudy eval support/extract-order sp_0123456789abcdef --require-pass\n  understudy eval support/extract-order sp_0123456789abcdef --target-precision 0.95')
    .action(async (task: string, specialistName: string, options: EvalOptions) => {
      if (options.split !== 'test' && options.split !== 'validation') throw new UnderstudyError('invalid_request', `--split: '${options.split}' is not one of test, validation`, { param: 'split' });
      const limit = options.limit === undefined ? undefined : Number(options.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UnderstudyError('invalid_request', `--limit: expected a positive whole number, got '${options.limit}'`, { param: 'limit' });
      const threads = Number(options.threads);
      if (!Number.isInteger(threads) || threads < 1) throw new UnderstudyError('invalid_request', `--threads: expected a positive whole number, got '${options.threads}'`, { param: 'threads' });
      const targetPrecision = options.targetPrecision === undefined ? undefined : parseTargetPrecision(options.targetPrecision);
      const evaluation = await withConfiguredStore(options, async (store, loaded) => {
        const datasetDir = options.dataset ?? (await findDatasetDirectory(loaded.dataDir, task, async () => loadCalls(store, {})));
        const dataset = await readDataset(datasetDir);
        const specialists = await store.specialists.list({ task: dataset.manifest.task, includeRetired: true });
        const matches = specialists.filter((entry) => entry.id === specialistName || entry.name === specialistName);
        const specialist = matches[0];
        if (specialist === undefined || matches.length > 1) {
          const known = specialists.map((entry) => `${entry.id} (${entry.name})`).join(', ') || 'none (understudy train TASK)';
          throw new UnderstudyError('not_found', `${matches.length > 1 ? `'${specialistName}' names ${matches.length} specialists; use the id` : `No specialist '${specialistName}' for ${dataset.manifest.task}`}. Known: ${known}.`);
        }
        const candidate = specialistCandidate({ id: specialist.id, name: specialist.name, model: specialist.baseModel, adapterPath: specialist.adapterPath, promptFormat: specialist.promptFormat, promptContext: specialist.promptContext }, { threads, contextSize: 4096, usdPerHour: null });
        const showProgress = process.stderr.isTTY === true && !options.json;
        const result = await evaluateSpecialist({
          dataset,
          candidate,
          gates: loaded.config.gates,
          split: options.split as 'test' | 'validation',
          targetPrecision: targetPrecision ?? loaded.config.routing.targetPrecision,
          ...(limit === undefined ? {} : { limit }),
          onProgress: (done, total) => showProgress && process.stderr.write(`\r${specialist.name}: ${done}/${total}${done === total ? '\n' : ''}`),
        });
        const outFile = path.join(loaded.dataDir, 'evaluations', specialist.id, `${dataset.manifest.version}-${result.split}.json`);
        await mkdir(path.dirname(outFile), { recursive: true });
        await writeFile(outFile, `${JSON.stringify({ ...result, createdAt: new Date().toISOString() }, null, 2)}\n`);
        // The dashboard shows a specialist's latest evaluation from the store.
        await store.evaluations.put(storedEvaluationFrom(result));
        if (options.json) printJson({ ...result, file: outFile });
        else printEvaluation(result, outFile);
        return result;
      });
      if (options.requirePass && !evaluation.passed) {
        const failed = evaluation.gates.filter((gate) => !gate.passed).map((gate) => `${gate.gate} ${formatGate(gate.gate, gate.value)} < ${formatGate(gate.gate, gate.threshold)}`);
        throw new UnderstudyError('invalid_request', `Specialist ${evaluation.specialist.label} fails its promotion gates: ${failed.join('; ')}.`);
      }
    });
}

function parseTargetPrecision(text: string): number {
  // Number('') is 0 and Number(' 1 ') is 1: demand a plain decimal so a typo is an error, not a target.
  const value = /^\s*(?:\d+(?:\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= 1)) throw new UnderstudyError('invalid_request', `--target-precision: expected a number from 0 to 1, got '${text}'`, { param: 'target-precision' });
  return value;
}

function formatGate(gate: string, value: number): string {
  return gate === 'minExamples' ? String(value) : `${(value * 100).toFixed(1)}%`;
}

function printEvaluation(result: SpecialistEvaluation, outFile: string): void {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  process.stdout.write(`${colour.bold(`${result.specialist.label} on ${result.task}`)} — ${result.split} split of ${result.datasetVersion}, ${result.examples} examples\n\n`);
  process.stdout.write(
    `agreement with the teacher  ${result.agreement.correct}/${result.examples} (${percent(result.agreement.rate)}, 95% CI ${percent(result.agreement.interval[0])}–${percent(result.agreement.interval[1])}), metric ${result.metric}\n` +
      `valid answers              ${percent(result.validRate)}; mean score ${result.meanScore.toFixed(3)}; engine errors ${result.errors}\n` +
      `latency                    p50 ${result.latencyP50Ms.toFixed(0)} ms, p95 ${result.latencyP95Ms.toFixed(0)} ms\n` +
      'accuracy against ground truth: not measured (datasets hold the teacher’s answers)\n\n',
  );
  const gateRows = (gates: SpecialistEvaluation['gates']) => gates.map((gate) => [gate.gate, formatGate(gate.gate, gate.threshold), formatGate(gate.gate, gate.value), gate.passed ? colour.green('pass') : colour.red('FAIL')]);
  printTable(['gate', 'needs', 'has', ''], gateRows(result.gates));
  process.stdout.write(`\n${result.passed ? colour.green('Passes its promotion gates.') : colour.red('Does not pass its promotion gates: keep it off live traffic.')}\n`);
  printThreshold(result, percent);
  printTable(['gate (delivered)', 'needs', 'has', ''], gateRows(result.gatesWithThreshold));
  process.stdout.write(`\n${result.passedWithThreshold ? colour.green('Behind the threshold, passes its promotion gates.') : colour.red('Behind the threshold, does not pass its promotion gates.')}\n`);
  if (result.failures.length > 0) {
    process.stdout.write(`\nDisagreements (first ${result.failures.length}):\n`);
    for (const failure of result.failures) process.stdout.write(`  input:      ${failure.input}\n  teacher:    ${failure.expected}\n  specialist: ${failure.got}\n  why:        ${failure.reason}\n\n`);
  }
  process.stdout.write(`Wrote ${outFile}\n`);
}

function printThreshold(result: SpecialistEvaluation, percent: (value: number) => string): void {
  const { calibration, delivered, targetPrecision } = result.confidence;
  const threshold = calibration.threshold === null ? 'none (every answer)' : calibration.threshold.toFixed(3);
  process.stdout.write(
    `\nconfidence threshold for ${percent(targetPrecision)} precision  ${threshold}${calibration.reachable ? '' : colour.red(' — target not reachable: confidence cannot make this specialist precise enough')}\n` +
      `  coverage ${percent(calibration.coverage)} (${delivered.count}/${calibration.samples} answered, ${percent(result.confidence.escalationRate)} escalated); ` +
      `precision at it ${percent(calibration.precision)} (95% CI ${percent(delivered.interval[0])}–${percent(delivered.interval[1])}); ` +
      `${result.confidence.withConfidence}/${calibration.samples} answers carried a confidence\n\n`,
  );
}
