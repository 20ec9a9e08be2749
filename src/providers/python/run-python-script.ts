/**
 * Runs one of Understudy's own Python scripts (the `python/` folder at the package root) inside a prepared
 * environment, streaming its stderr lines as progress and turning a failure into an `UnderstudyError` that
 * carries the script's last output lines.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { PythonEnvironment } from './ensure-python-environment.ts';
import { runProcess, tailLines } from './internal/run-process.ts';

/** The package's `python/` folder (scripts, requirements files). */
export const pythonDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../python');

/** `python/<fileName>`, e.g. `pythonScriptPath('convert_bert_to_gguf.py')`. */
export function pythonScriptPath(fileName: string): string {
  return path.join(pythonDirectory, fileName);
}

/** `python/requirements-<name>.txt`, e.g. `pythonRequirementsFile('convert')`. */
export function pythonRequirementsFile(name: string): string {
  return path.join(pythonDirectory, `requirements-${name}.txt`);
}

export interface RunPythonScriptOptions {
  /** Text written to the script's stdin (e.g. a JSON request). */
  stdin?: string;
  /** Each line the script writes to stderr, where our scripts report progress. */
  onStderrLine?: (line: string) => void;
  signal?: AbortSignal;
}

/** Runs `scriptPath` with the environment's interpreter and resolves with its stdout; non-zero exit throws. */
export async function runPythonScript(
  environment: PythonEnvironment,
  scriptPath: string,
  args: readonly string[],
  options: RunPythonScriptOptions = {},
): Promise<string> {
  let result;
  try {
    result = await runProcess(environment.pythonPath, [scriptPath, ...args], {
      // The script's folder first on sys.path, so scripts can import their helper modules.
      cwd: path.dirname(scriptPath),
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
      stdin: options.stdin,
      onStderrLine: options.onStderrLine,
      signal: options.signal,
    });
  } catch (error) {
    throw new UnderstudyError('system_dependency_missing', `Python environment ${environment.name} could not start ${environment.pythonPath}: ${String(error)}`, { cause: error });
  }
  if (result.exitCode !== 0) {
    throw new UnderstudyError(
      'internal_error',
      `${path.basename(scriptPath)} failed in Python environment ${environment.name} (exit ${result.exitCode ?? result.exitSignal}):\n${tailLines(result.stderr)}`,
    );
  }
  return result.stdout;
}

/** The JSON object a script prints as its last stdout line (our converters report their result so), or undefined. */
export function parseLastJsonLine(stdout: string): unknown {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
