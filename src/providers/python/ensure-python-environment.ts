/**
 * A Python virtual environment that Understudy owns, built once and reused: `<dataDir>/python/<name>`, made
 * with `python -m venv` and filled from pinned requirements files (`python/requirements-*.txt`) with pip,
 * wheels only. Converters (safetensors → GGUF) and, later, the training worker run inside one, so nothing is
 * installed into the user's own Python.
 *
 * "Once" is recorded in `understudy-environment.json` inside the venv: the interpreter it was made with and
 * the SHA-256 of each requirements file installed. A changed file is installed again (pip only adds what is
 * missing); a venv without that record, or whose interpreter no longer runs, is rebuilt from scratch.
 *
 * Interpreter: `options.python`, else `$UNDERSTUDY_PYTHON`, else `python3.11`, else `python3` (3.10 or newer).
 * 3.11 first because every pinned wheel (numpy, gguf, tokenizers, and torch for training) exists for it and
 * it is Debian 12's system Python; `python3` is the portable fallback when it has a recent enough version.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UnderstudyError } from '../../contracts/errors.ts';
import { runProcess, tailLines } from './internal/run-process.ts';
import { cacheDirectory } from '../cache-directory.ts';
import { withCrossProcessLock } from '../cross-process-lock.ts';

/** What the environment setup is doing; `message` is one human-readable line (pip's own output lines while installing). */
export interface PythonEnvironmentProgress {
  phase: 'find-python' | 'create-venv' | 'install' | 'ready';
  message: string;
}

export interface EnsurePythonEnvironmentOptions {
  /** Understudy's data directory (usually `.understudy`); the venv lands in `<dataDir>/python/<name>`. */
  dataDir: string;
  /** Short name of the environment, e.g. `convert`; letters, digits, `-`, `_`, `.`. */
  name: string;
  /** Pinned requirements files, installed in order. */
  requirementsFiles: readonly string[];
  /** Interpreter to build the venv with; see the file comment for the default order. */
  python?: string;
  /** Default true: wheels only, no source builds (no compiler surprises, reproducible). */
  onlyBinary?: boolean;
  /**
   * Default false. True makes the venv see the base interpreter's packages (`venv --system-site-packages`),
   * e.g. Debian's `python3-torch`, which pip cannot install; a venv made the other way is rebuilt.
   */
  systemSitePackages?: boolean;
  /**
   * Default false. True installs each file with `pip --no-deps`: the file must then list every package,
   * which keeps pip from replacing a system package (Debian's torch `1.13.0a0` fails `torch>=1.13`).
   */
  noDependencies?: boolean;
  onProgress?: (progress: PythonEnvironmentProgress) => void;
  signal?: AbortSignal;
}

export interface PythonEnvironment {
  name: string;
  /** The venv directory. */
  directory: string;
  /** The venv's own interpreter, to run scripts with. */
  pythonPath: string;
  /** e.g. `3.11.7`. */
  pythonVersion: string;
  /** `cache` when nothing had to be created or installed. */
  source: 'cache' | 'created' | 'updated';
}

const minimumPythonVersion: readonly [number, number] = [3, 10];
const defaultInterpreters = ['python3.11', 'python3'] as const;
const stateFileName = 'understudy-environment.json';

const stateSchema = z.object({
  kind: z.literal('python-environment'),
  /** Format version, so later formats can still read old environments. */
  formatVersion: z.literal(1),
  name: z.string(),
  baseInterpreter: z.string(),
  pythonVersion: z.string(),
  createdAt: z.string(),
  /** Requirements file name → SHA-256 of its content when it was installed. */
  installed: z.record(z.string(), z.string()),
  /** Absent in environments made before the option existed, which never had system site packages. */
  systemSitePackages: z.boolean().optional(),
});
type EnvironmentState = z.infer<typeof stateSchema>;

const pending = new Map<string, Promise<PythonEnvironment>>();

/**
 * @example
 * const environment = await ensurePythonEnvironment({ dataDir: '.understudy', name: 'convert', requirementsFiles: [pythonRequirementsFile('convert')] });
 * await runPythonScript(environment, pythonScriptPath('convert_bert_to_gguf.py'), ['--model-dir', dir, '--output', out]);
 */
export function ensurePythonEnvironment(options: EnsurePythonEnvironmentOptions): Promise<PythonEnvironment> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.name)) {
    throw new UnderstudyError('invalid_request', `Invalid Python environment name ${JSON.stringify(options.name)}: use letters, digits, '-', '_' or '.'.`);
  }
  const directory = path.resolve(cacheDirectory(options.dataDir), 'python', options.name);
  // Two callers in one process share one setup; pip in one venv twice at once would race.
  const previous = pending.get(directory) ?? Promise.resolve(undefined);
  // …and two processes (workers, test files, a second terminal) take the lock beside the venv.
  const next = previous
    .catch(() => undefined)
    .then(() =>
      withCrossProcessLock(`${directory}.lock`, () => ensureOnce(options, directory), {
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onWait: (owner) => options.onProgress?.({ phase: 'create-venv', message: `waiting for another process (pid ${owner?.pid ?? '?'}) that is preparing ${directory}` }),
      }),
    );
  pending.set(directory, next);
  void next.finally(() => {
    if (pending.get(directory) === next) pending.delete(directory);
  }).catch(() => undefined);
  return next;
}

async function ensureOnce(options: EnsurePythonEnvironmentOptions, directory: string): Promise<PythonEnvironment> {
  const report = (phase: PythonEnvironmentProgress['phase'], message: string) => options.onProgress?.({ phase, message });
  const pythonPath = path.join(directory, process.platform === 'win32' ? 'Scripts' : 'bin', process.platform === 'win32' ? 'python.exe' : 'python');
  const requirements = await Promise.all(
    options.requirementsFiles.map(async (filePath) => {
      const content = await readFile(filePath).catch((error: unknown) => {
        throw new UnderstudyError('not_found', `Requirements file ${filePath} could not be read: ${error instanceof Error ? error.message : String(error)}`);
      });
      return { filePath, key: path.basename(filePath), sha256: createHash('sha256').update(content).digest('hex') };
    }),
  );

  let state = await readState(directory);
  let source: PythonEnvironment['source'] = 'cache';
  const systemSitePackages = options.systemSitePackages === true;
  if (state !== undefined && (state.systemSitePackages ?? false) !== systemSitePackages) state = undefined;
  if (state !== undefined && !(await runsPython(pythonPath, options.signal))) state = undefined;
  if (state === undefined) {
    report('find-python', 'Looking for Python 3.10 or newer');
    const interpreter = await findInterpreter(options.python, options.signal);
    report('create-venv', `Creating a virtual environment with ${interpreter.command} (${interpreter.version}) in ${directory}`);
    await rm(directory, { recursive: true, force: true });
    await createVenv(interpreter.command, directory, systemSitePackages, options.signal);
    state = {
      kind: 'python-environment',
      formatVersion: 1,
      name: options.name,
      baseInterpreter: interpreter.executable,
      pythonVersion: interpreter.version,
      createdAt: new Date().toISOString(),
      installed: {},
      ...(systemSitePackages ? { systemSitePackages } : {}),
    };
    await writeState(directory, state);
    source = 'created';
  }

  for (const requirement of requirements) {
    if (state.installed[requirement.key] === requirement.sha256) continue;
    report('install', `Installing ${requirement.key} into ${options.name}`);
    const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off'];
    if (options.onlyBinary !== false) args.push('--only-binary=:all:');
    if (options.noDependencies === true) args.push('--no-deps');
    args.push('-r', requirement.filePath);
    const result = await runProcess(pythonPath, args, {
      env: { ...process.env, PYTHONUNBUFFERED: '1', PIP_NO_COLOR: '1' },
      signal: options.signal,
      onStdoutLine: (line) => report('install', line.trim()),
      onStderrLine: (line) => report('install', line.trim()),
    });
    if (result.exitCode !== 0) {
      const output = tailLines(`${result.stdout}\n${result.stderr}`);
      const unreachable = /NewConnectionError|Could not find a version|Failed to establish|Temporary failure in name resolution|ConnectTimeout/i.test(output);
      throw new UnderstudyError(
        unreachable ? 'upstream_unreachable' : 'system_dependency_missing',
        `pip could not install ${requirement.filePath} into ${directory} (exit ${result.exitCode ?? result.exitSignal}):\n${output}`,
      );
    }
    state = { ...state, installed: { ...state.installed, [requirement.key]: requirement.sha256 } };
    await writeState(directory, state);
    if (source === 'cache') source = 'updated';
  }
  report('ready', `Python environment ${options.name} is ready (${state.pythonVersion})`);
  return { name: options.name, directory, pythonPath, pythonVersion: state.pythonVersion, source };
}

interface Interpreter {
  command: string;
  executable: string;
  version: string;
}

async function findInterpreter(requested: string | undefined, signal: AbortSignal | undefined): Promise<Interpreter> {
  const fromEnvironment = process.env.UNDERSTUDY_PYTHON;
  const candidates = requested !== undefined ? [requested] : fromEnvironment !== undefined && fromEnvironment !== '' ? [fromEnvironment] : [...defaultInterpreters];
  const rejected: string[] = [];
  for (const command of candidates) {
    let result;
    try {
      result = await runProcess(command, ['-c', 'import sys, json; print(json.dumps({"version": list(sys.version_info[:3]), "executable": sys.executable}))'], { signal });
    } catch {
      rejected.push(`${command}: not found`);
      continue;
    }
    const parsed = parseInterpreterProbe(result.stdout);
    if (result.exitCode !== 0 || parsed === undefined) {
      rejected.push(`${command}: did not run (${tailLines(result.stderr, 2) || `exit ${result.exitCode}`})`);
      continue;
    }
    const [major, minor] = parsed.version;
    const version = parsed.version.join('.');
    if (major < minimumPythonVersion[0] || (major === minimumPythonVersion[0] && minor < minimumPythonVersion[1])) {
      rejected.push(`${command}: version ${version} is older than ${minimumPythonVersion.join('.')}`);
      continue;
    }
    return { command, executable: parsed.executable, version };
  }
  throw new UnderstudyError(
    'system_dependency_missing',
    `Python ${minimumPythonVersion.join('.')} or newer is needed and was not found (${rejected.join('; ')}). ` +
      'Install it (Debian/Ubuntu: apt-get install python3 python3-venv) or set UNDERSTUDY_PYTHON to an interpreter.',
  );
}

const probeSchema = z.object({ version: z.tuple([z.number(), z.number(), z.number()]), executable: z.string() });

function parseInterpreterProbe(stdout: string): z.infer<typeof probeSchema> | undefined {
  try {
    const parsed = probeSchema.safeParse(JSON.parse(stdout.trim()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function createVenv(interpreter: string, directory: string, systemSitePackages: boolean, signal: AbortSignal | undefined): Promise<void> {
  const result = await runProcess(interpreter, ['-m', 'venv', ...(systemSitePackages ? ['--system-site-packages'] : []), directory], { signal });
  if (result.exitCode === 0) return;
  await rm(directory, { recursive: true, force: true });
  const output = tailLines(`${result.stdout}\n${result.stderr}`);
  // Debian and Ubuntu split venv/ensurepip out of the interpreter package.
  const missingVenv = /ensurepip is not available|No module named venv|No module named ensurepip/i.test(output);
  throw new UnderstudyError(
    'system_dependency_missing',
    missingVenv
      ? `${interpreter} cannot create virtual environments: its venv/ensurepip module is missing. Install it (Debian/Ubuntu: apt-get install python3-venv, or python3.11-venv for python3.11).\n${output}`
      : `${interpreter} -m venv ${directory} failed (exit ${result.exitCode ?? result.exitSignal}):\n${output}`,
  );
}

async function runsPython(pythonPath: string, signal: AbortSignal | undefined): Promise<boolean> {
  if (!(await stat(pythonPath).then(() => true, () => false))) return false;
  try {
    return (await runProcess(pythonPath, ['-c', 'pass'], { signal })).exitCode === 0;
  } catch {
    return false;
  }
}

async function readState(directory: string): Promise<EnvironmentState | undefined> {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(await readFile(path.join(directory, stateFileName), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function writeState(directory: string, state: EnvironmentState): Promise<void> {
  const statePath = path.join(directory, stateFileName);
  await writeFile(`${statePath}.partial`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${statePath}.partial`, statePath);
}
