/**
 * Loads a dataset written by `buildDataset` and proves it is the one the manifest describes: every file's
 * sha256 and line count, and the version derived from them. Training, evaluation and model selection read
 * datasets only through here, so a hand-edited or truncated file is caught before a model learns from it.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UnderstudyError } from '../../contracts/errors.ts';
import { safeParseJson, sha256Hex } from './internal/canonical-json.ts';
import { datasetVersion, latestFileName, manifestFileName } from './internal/dataset-paths.ts';
import { datasetFileNames, datasetManifestSchema, datasetVersionPattern, type DatasetManifest } from './dataset-manifest.ts';
import type { FineTuneLine } from './training-example.ts';

export interface LoadedDataset {
  /** The version directory. */
  dir: string;
  manifest: DatasetManifest;
  train: FineTuneLine[];
  validation: FineTuneLine[];
  /** The held-out split: episode- and value-disjoint from train and validation. */
  test: FineTuneLine[];
}

const fineTuneLineSchema = z.looseObject({
  messages: z.array(z.looseObject({ role: z.enum(['system', 'user', 'assistant', 'tool']) })).min(1),
  tools: z.array(z.record(z.string(), z.unknown())).optional(),
  parallel_tool_calls: z.boolean().optional(),
});

/**
 * @param dir a version directory (`…/support-extract-order/v-0123456789ab`) or a task directory, whose
 *   `latest` file names the version to load.
 * @throws UnderstudyError `not_found` when there is no dataset there, `import_invalid` when it fails verification.
 */
export async function readDataset(dir: string): Promise<LoadedDataset> {
  const versionDir = await resolveVersionDirectory(dir);
  const manifestText = await readFile(path.join(versionDir, manifestFileName), 'utf8');
  const parsedJson = safeParseJson(manifestText);
  const parsed = parsedJson.ok ? datasetManifestSchema.safeParse(parsedJson.value) : null;
  if (parsed === null || !parsed.success) throw invalid(versionDir, 'manifest.json is not a dataset manifest', parsed?.error);
  const manifest = parsed.data;

  const lines: Record<string, FineTuneLine[]> = {};
  const hashes: Record<string, string> = {};
  for (const fileName of datasetFileNames) {
    const entry = manifest.files[fileName];
    const bytes = await readFile(path.join(versionDir, fileName)).catch((error: unknown) => {
      throw invalid(versionDir, `${fileName} is missing`, error);
    });
    const sha256 = sha256Hex(bytes);
    if (sha256 !== entry.sha256 || bytes.length !== entry.bytes) throw invalid(versionDir, `${fileName} does not match its sha256 in the manifest`);
    hashes[fileName] = sha256;
    const text = bytes.toString('utf8');
    const fileLines = text.length === 0 ? [] : text.replace(/\n$/, '').split('\n');
    if (fileLines.length !== entry.lines) throw invalid(versionDir, `${fileName} has ${fileLines.length} lines, the manifest says ${entry.lines}`);
    lines[fileName] = fileLines.map((line, index) => {
      const json = safeParseJson(line);
      const example = json.ok ? fineTuneLineSchema.safeParse(json.value) : null;
      if (example === null || !example.success) throw invalid(versionDir, `${fileName} line ${index + 1} is not a chat fine-tuning example`);
      return example.data as FineTuneLine;
    });
  }
  if (datasetVersion(manifest.task, hashes) !== manifest.version) throw invalid(versionDir, 'the version does not match the files');
  return { dir: versionDir, manifest, train: lines['train.jsonl'] ?? [], validation: lines['validation.jsonl'] ?? [], test: lines['test.jsonl'] ?? [] };
}

async function resolveVersionDirectory(dir: string): Promise<string> {
  if (await isFile(path.join(dir, manifestFileName))) return dir;
  const latestPath = path.join(dir, latestFileName);
  if (!(await isFile(latestPath))) throw new UnderstudyError('not_found', `No dataset at ${dir}: neither ${manifestFileName} nor ${latestFileName} is there`);
  const version = (await readFile(latestPath, 'utf8')).trim();
  // The pointer is data, not a path: only a well-formed version name may be joined to the directory.
  if (!datasetVersionPattern.test(version)) throw invalid(dir, `${latestFileName} does not name a dataset version`);
  const versionDir = path.join(dir, version);
  if (!(await isFile(path.join(versionDir, manifestFileName)))) throw new UnderstudyError('not_found', `No dataset version ${version} in ${dir}`);
  return versionDir;
}

async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch {
    return false;
  }
}

function invalid(dir: string, reason: string, cause?: unknown): UnderstudyError {
  return new UnderstudyError('import_invalid', `Dataset ${dir} failed verification: ${reason}`, cause === undefined ? {} : { cause });
}
