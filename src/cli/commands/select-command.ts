/**
 * `understudy select TASK`: which small model to start a specialist from. Shortlists the catalog by the
 * deployment's constraints, runs every reachable candidate (plus `--candidate` files and servers) on the
 * task's validation split zero-shot and few-shot, scores each answer against the teacher's with the
 * evaluation metrics for the task's output shape, and prints the ranking with the figures behind it. The
 * full result is also written to `<dataDir>/selections/<task>/<dataset version>.json`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { taskSlug } from '../../curate/dataset/internal/dataset-paths.ts';
import { readDataset } from '../../curate/dataset/read-dataset.ts';
import { defaultSlmServing } from '../../discover/report/default-cost-model.ts';
import { selectionScorer } from '../../evaluate/index.ts';
import { formatBytes } from '../../select/catalog-units.ts';
import { filterCatalog } from '../../select/filter-catalog.ts';
import { loadModelCatalog } from '../../select/model-catalog.ts';
import { rankCandidates, type RankedRun } from '../../select/rank-candidates.ts';
import { runSelection, type SelectionCandidate, type UnreachableCandidate } from '../../select/run-selection.ts';
import { specialistCandidate } from '../../select/specialist-candidate.ts';
import { locateCatalogCandidates, parseCandidateSpec, type EmbeddedEngineSettings } from '../../select/selection-candidates.ts';
import { colour, printJson, printTable } from '../cli-output.ts';
import { loadCalls } from '../../store/load-calls.ts';
import { parseModelsConstraints } from './models-command.ts';
import { findDatasetDirectory } from './find-dataset-directory.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

interface SelectOptions extends GlobalOptions {
  dataset?: string;
  maxMemory?: string;
  license: string;
  minContext?: string;
  tools?: boolean;
  candidate: string[];
  catalog: boolean;
  limit: string;
  shots: string;
  threads: string;
  contextSize: string;
}

function positiveInteger(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new UnderstudyError('invalid_request', `${flag}: expected a whole number, got '${value}'`, { param: flag.replace(/^--/, '') });
  return parsed;
}

export function createSelectCommand(): Command {
  return addCommonOptions(new Command('select'))
    .description("rank candidate small models on a task's validation split (zero-shot, few-shot, and specialists already trained for it) by quality, cost and latency")
    .argument('<task>', 'declared task name, or a discovered task id or name (its dataset must be built: understudy dataset build TASK)')
    .option('--dataset <dir>', 'dataset directory (default: <dataDir>/datasets/<task>)')
    .option('--max-memory <size>', 'only catalog models whose estimated memory fits, e.g. 4GB')
    .option('--license <kind>', 'commercial or any', 'any')
    .option('--min-context <tokens>', 'only catalog models with at least this context, e.g. 8k')
    .option('--tools', 'only catalog models whose card states tool-calling support')
    .option('--candidate <spec>', 'also try a local .gguf file or openai:<base URL>#<model> (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--no-catalog', 'only the --candidate models')
    .option('--limit <n>', 'validation examples per candidate and mode', '30')
    .option('--shots <n>', 'worked examples from the training split in few-shot mode (0 turns few-shot off)', '3')
    .option('--threads <n>', 'CPU threads per embedded model', '1')
    .option('--context-size <tokens>', 'context per embedded model', '4096')
    .addHelpText(
      'after',
      '\nExamples:\n  understudy select support/classify-intent\n  understudy select support/extract-order --max-memory 2GB --license commercial\n  understudy select t-3f2a9c01de --candidate ./models/qwen3-0.6b-q4_k_m.gguf --candidate openai:http://127.0.0.1:11434/v1#qwen3:0.6b --json',
    )
    .action(async (task: string, options: SelectOptions) => {
      const constraints = parseModelsConstraints(options);
      const limit = positiveInteger(options.limit, '--limit');
      const shots = positiveInteger(options.shots, '--shots');
      const settings: EmbeddedEngineSettings = {
        threads: Math.max(1, positiveInteger(options.threads, '--threads')),
        contextSize: Math.max(512, positiveInteger(options.contextSize, '--context-size')),
        usdPerHour: defaultSlmServing.vmUsdPerHour,
      };
      const extra = options.candidate.map((spec) => parseCandidateSpec(spec, settings));
      await withConfiguredStore(options, async (store, loaded) => {
        const datasetDir = options.dataset ?? (await findDatasetDirectory(loaded.dataDir, task, async () => loadCalls(store, {})));
        const dataset = await readDataset(datasetDir);
        if (dataset.validation.length === 0) throw new UnderstudyError('invalid_request', `The dataset at ${dataset.dir} has no validation examples: log more calls of this task and rebuild it.`);

        const candidates: SelectionCandidate[] = [];
        const unreachable: UnreachableCandidate[] = [];
        let excludedByConstraints = 0;
        if (options.catalog) {
          const filtered = filterCatalog(loadModelCatalog().models, constraints, settings.contextSize);
          excludedByConstraints = filtered.excluded.length;
          for (const located of await locateCatalogCandidates(filtered.matches, loaded.dataDir, settings)) {
            if (located.reachable) candidates.push(located.candidate);
            else unreachable.push({ candidateId: located.id, label: located.label, reason: located.reason });
          }
        }
        candidates.push(...extra);
        for (const specialist of await store.specialists.list({ task: dataset.manifest.task })) {
          candidates.push(specialistCandidate({ id: specialist.id, name: specialist.name, model: specialist.baseModel, adapterPath: specialist.adapterPath, promptFormat: specialist.promptFormat, promptContext: specialist.promptContext }, settings));
        }
        if (candidates.length === 0) throw new UnderstudyError('not_found', 'No candidate can run here: no catalog model within the constraints has weights on this machine (understudy models pull) and no --candidate was given.');

        const showProgress = process.stderr.isTTY === true && !options.json;
        const result = await runSelection({
          dataset,
          candidates,
          scorer: selectionScorer,
          limit,
          shots,
          onProgress: (progress) => {
            if (showProgress) process.stderr.write(`\r${progress.candidateId} ${progress.mode}: ${progress.done}/${progress.total}   ${progress.done === progress.total ? '\n' : ''}`);
          },
        });
        const ranked = rankCandidates(result.runs);
        const allUnreachable = [...unreachable, ...result.unreachable];
        const output = {
          task: dataset.manifest.task,
          dataset: { dir: dataset.dir, version: dataset.manifest.version, validationExamples: result.examples, fewShotExamples: Math.min(shots, dataset.train.length) },
          costBasis: `${defaultSlmServing.vmName} at $${defaultSlmServing.vmUsdPerHour}/h, ${settings.threads} thread(s) per model, priced at the measured mean call time`,
          ranked,
          unreachable: allUnreachable,
          excludedByConstraints,
        };
        const outFile = path.join(loaded.dataDir, 'selections', taskSlug(dataset.manifest.task), `${dataset.manifest.version}.json`);
        await mkdir(path.dirname(outFile), { recursive: true });
        await writeFile(outFile, `${JSON.stringify({ ...output, createdAt: new Date().toISOString() }, null, 2)}\n`);
        if (options.json) return printJson({ ...output, file: outFile });
        printSelection(output.task, output.dataset.version, result.examples, ranked, allUnreachable, excludedByConstraints);
        process.stdout.write(`\nWrote ${outFile}\n`);
      });
    });
}

function printSelection(task: string, version: string, examples: number, ranked: readonly RankedRun[], unreachable: readonly UnreachableCandidate[], excluded: number): void {
  process.stdout.write(`${colour.bold(`Model selection for ${task}`)} (dataset ${version}, ${examples} validation examples)\n\n`);
  printTable(
    ['#', 'candidate', 'mode', 'accuracy (95% CI)', 'valid', 'score', 'p50', '$/1k calls', 'memory'],
    ranked.map((run) => [
      String(run.rank),
      run.label,
      run.mode,
      `${(run.accuracy * 100).toFixed(0)}% (${(run.accuracyInterval[0] * 100).toFixed(0)}–${(run.accuracyInterval[1] * 100).toFixed(0)}%)`,
      `${(run.validRate * 100).toFixed(0)}%`,
      run.meanScore.toFixed(2),
      `${run.latencyP50Ms.toFixed(0)} ms`,
      run.usdPer1kCalls === null ? '—' : `$${run.usdPer1kCalls.toFixed(4)}`,
      run.memoryBytes === undefined ? '?' : formatBytes(run.memoryBytes),
    ]),
  );
  process.stdout.write('\nWhy this order:\n');
  for (const run of ranked) process.stdout.write(`  ${run.rank}. ${run.label} ${run.mode}: ${run.reasons.join('; ')}\n`);
  const best = ranked[0];
  if (best !== undefined && best.failures.length > 0) {
    process.stdout.write(`\nWhere ${best.label} ${best.mode} differs from the teacher (first ${best.failures.length}):\n`);
    for (const failure of best.failures) process.stdout.write(`  input:    ${failure.input}\n  expected: ${failure.expected}\n  got:      ${failure.got}\n  why:      ${failure.reason}\n\n`);
  }
  if (unreachable.length > 0) {
    process.stdout.write(`\nNot run (${unreachable.length}):\n`);
    for (const entry of unreachable) process.stdout.write(`  ${entry.label}: ${entry.reason}\n`);
  }
  if (excluded > 0) process.stdout.write(`\n${excluded} catalog models left out by the constraints (see understudy models).\n`);
}
