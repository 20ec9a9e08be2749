/**
 * `understudy dataset build TASK` (and `dataset augment`, below): one task's calls, filtered, redacted (surrogates by default; secrets always
 * placeholders), deduplicated and split, written as a versioned fine-tuning dataset with a manifest. TASK is
 * a declared task name, or a discovered task's id or name as `understudy report` prints it. Pseudonym
 * mappings go to the store, encrypted.
 */
import path from 'node:path';
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { chatCompletionResponseSchema, type ChatCompletion, type ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import { augmentDataset } from '../../curate/dataset/augment-dataset.ts';
import { buildTaskDataset } from '../../curate/dataset/build-task-dataset.ts';
import { readDataset } from '../../curate/dataset/read-dataset.ts';
import { createProviderRegistry, type ResolvedProvider } from '../../providers/provider-registry.ts';
import { createUpstreamClient } from '../../providers/upstream-client.ts';
import { printJson } from '../cli-output.ts';
import { loadCalls } from '../../store/load-calls.ts';
import { findDatasetDirectory } from './find-dataset-directory.ts';
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
  dataset.addCommand(createAugmentCommand());
  return dataset;
}

interface AugmentOptions extends GlobalOptions {
  teacher: string;
  count: string;
  dataset?: string;
  concurrency: string;
  seed: string;
}

/**
 * `understudy dataset augment TASK --teacher MODEL`: more training examples written by the teacher model (see
 * `augment-dataset.ts`), as a new dataset version; the old one is kept and validation/test stay byte for byte.
 */
function createAugmentCommand(): Command {
  return addCommonOptions(new Command('augment'))
    .description("add teacher-written training examples to a task's dataset (new version; validation and test unchanged)")
    .argument('<task>', 'declared task name, or a discovered task id or name (see `understudy report`)')
    .requiredOption('--teacher <model>', 'model that writes the new inputs and answers, served by a configured provider')
    .option('--count <n>', 'new training examples to ask for', '100')
    .option('--dataset <dir>', 'dataset directory (default: <dataDir>/datasets/<task>)')
    .option('--concurrency <n>', 'teacher requests in flight at once', '4')
    .option('--seed <seed>', 'picks the examples shown to the teacher', 'understudy')
    .addHelpText('after', '\nExamples:\n  understudy dataset augment support/extract-contact --teacher gpt-4.1 --count 200\n  understudy dataset augment t-3f2a9c01de --teacher gpt-4.1-mini --count 50 --json')
    .action(async (task: string, options: AugmentOptions) => {
      const count = parseWholeNumber('--count', options.count);
      const concurrency = parseWholeNumber('--concurrency', options.concurrency);
      await withConfiguredStore(options, async (store, loaded) => {
        const provider = createProviderRegistry(loaded.config).require(options.teacher, '--teacher');
        const datasetDir = options.dataset ?? (await findDatasetDirectory(loaded.dataDir, task, async () => loadCalls(store, {})));
        const parent = await readDataset(datasetDir);
        const teacher = createProviderTeacher(provider);
        const showProgress = process.stderr.isTTY === true && !options.json;
        try {
          const result = await augmentDataset({
            dataset: parent,
            count,
            teacher: teacher.complete,
            teacherModel: options.teacher,
            concurrency,
            seed: options.seed,
            onProgress: (done, total) => showProgress && process.stderr.write(`\raugment: ${done}/${total}${done === total ? '\n' : ''}`),
          });
          const { dir, reused, parentVersion, requested, generated, accepted, dropped } = result;
          if (options.json) return printJson({ dir, reused, version: result.manifest.version, parentVersion, requested, generated, accepted, dropped, split: result.manifest.split.counts });
          const drops = Object.entries(result.dropped).map(([reason, dropped]) => `${reason} ${dropped}`).join(', ') || 'none';
          process.stdout.write(`Asked ${options.teacher} for ${result.requested} examples: ${result.generated} generated, ${result.accepted} accepted; dropped: ${drops}\n`);
          process.stdout.write(
            result.accepted === 0
              ? `Nothing accepted: ${parent.dir} is unchanged\n`
              : `${result.reused ? 'Unchanged' : 'Wrote'} ${result.dir} (train ${parent.train.length} → ${parent.train.length + accepted}; validation and test as in ${result.parentVersion})\n`,
          );
        } finally {
          await teacher.close();
        }
      });
    });
}

function parseWholeNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) throw new UnderstudyError('invalid_request', `Invalid ${flag} '${text}': use a whole number of at least 1.`, { param: flag });
  return value;
}

/**
 * The teacher augmentation talks to: the provider's plain non-streaming chat completions, with the request as
 * augmentation shaped it (the agent's messages, tools and response format), over the gateway's keep-alive client.
 * Here and not in curate, which does not talk to providers (docs/architecture.md).
 */
function createProviderTeacher(provider: ResolvedProvider): { complete: (request: ChatCompletionRequest) => Promise<ChatCompletion>; close: () => Promise<void> } {
  const client = createUpstreamClient({ connectionsPerOrigin: 16 });
  const headers: Record<string, string> = { ...provider.headers, 'content-type': 'application/json', accept: 'application/json' };
  if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
  return {
    async complete(request) {
      const response = await client.send(provider, { method: 'POST', path: '/chat/completions', headers, body: JSON.stringify({ ...request, stream: false }) });
      const text = await response.body.text();
      if (response.status < 200 || response.status >= 300) {
        throw new UnderstudyError('upstream_error', `Provider "${provider.name}" answered ${response.status} for model "${request.model}": ${text.slice(0, 200)}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      const parsed = chatCompletionResponseSchema.safeParse(json);
      if (!parsed.success) throw new UnderstudyError('upstream_error', `Provider "${provider.name}" answered with something that is not a chat completion`);
      // Loosely checked here; augmentation reads every field it uses defensively (through the dataset filter).
      return parsed.data as unknown as ChatCompletion;
    },
    close: () => client.close(),
  };
}
