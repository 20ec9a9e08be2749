/**
 * `understudy dataset build TASK`: one task's calls, filtered, redacted (surrogates by default; secrets always
 * placeholders), deduplicated and split, written as a versioned fine-tuning dataset with a manifest. TASK is
 * a declared task name, or a discovered task's id or name as `understudy report` prints it. Pseudonym
 * mappings go to the store, encrypted.
 */
import path from 'node:path';
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { buildTaskDataset } from '../../curate/dataset/build-task-dataset.ts';
import { printJson } from '../cli-output.ts';
import { loadCalls } from '../../store/load-calls.ts';
import { resolveTask } from './resolve-task.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

interface BuildOptions extends GlobalOptions {
  project?: string;
  out?: string;
  mode: string;
  seed: string;
}

export function createDatasetCommand(): Command {
  const dataset = new Command('dataset')
    .description('build and inspect per-task datasets')
    .addHelpText('after', '\nExamples:\n  understudy report            # find the tasks first\n  understudy dataset build support/extract-contact');
  dataset.addCommand(
    addCommonOptions(new Command('build'))
      .description('write a redacted, filtered, deduplicated, split dataset for one task')
      .argument('<task>', 'declared task name, or a discovered task id or name (see `understudy report`)')
      .option('-p, --project <id>', 'only this project')
      .option('-o, --out <dir>', 'dataset root (default: <dataDir>/datasets)')
      .option('--mode <mode>', 'surrogate (default) or placeholder', 'surrogate')
      .option('--seed <seed>', 'split seed', 'understudy')
      .addHelpText('after', '\nExamples:\n  understudy dataset build support/extract-contact\n  understudy dataset build t-3f2a9c01de --mode placeholder --json')
      .action(async (task: string, options: BuildOptions) => {
        if (options.mode !== 'surrogate' && options.mode !== 'placeholder') throw new UnderstudyError('invalid_request', `Invalid --mode '${options.mode}': use surrogate or placeholder.`);
        const mode = options.mode;
        await withConfiguredStore(options, async (store, loaded) => {
          const calls = await loadCalls(store, { projectId: options.project });
          const found = await resolveTask(calls, task);
          const members = new Set(found.callIds);
          const built = await buildTaskDataset({
            taskId: found.id,
            calls: calls.filter((call) => members.has(call.id)),
            pseudonyms: store.pseudonyms,
            dataDir: loaded.dataDir,
            mode,
            outDir: path.resolve(options.out ?? path.join(loaded.dataDir, 'datasets')),
            ...(options.seed === undefined ? {} : { seed: options.seed }),
          });
          if (options.json) return printJson({ dir: built.dir, reused: built.reused, manifest: built.manifest });
          const manifest = built.manifest as unknown as { counts?: Record<string, unknown> };
          process.stdout.write(`${built.reused ? 'Unchanged' : 'Built'} ${built.dir}\n`);
          if (manifest.counts) process.stdout.write(`${JSON.stringify(manifest.counts)}\n`);
        });
      }),
  );
  return dataset;
}
