// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isUnderstudyError } from '../../contracts/errors.ts';
import { ensurePythonEnvironment, type PythonEnvironmentProgress } from './ensure-python-environment.ts';
import { runPythonScript } from './run-python-script.ts';

async function withDataDir(run: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'understudy-python-'));
  try {
    await run(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

// Only standard-library requirements (an empty, comment-only file): builds a real venv without a network.
test('builds the venv once, installs a requirements file once, and runs scripts in it', async () => {
  await withDataDir(async (dataDir) => {
    const requirements = path.join(dataDir, 'requirements-empty.txt');
    await writeFile(requirements, '# nothing to install\n');
    const progress: PythonEnvironmentProgress[] = [];
    const first = await ensurePythonEnvironment({ dataDir, name: 'probe', requirementsFiles: [requirements], onProgress: (update) => progress.push(update) });
    assert.equal(first.source, 'created');
    assert.equal(first.directory, path.join(dataDir, 'python', 'probe'));
    assert.match(first.pythonVersion, /^3\.\d+\.\d+$/);
    assert.deepEqual([...new Set(progress.map((update) => update.phase))], ['find-python', 'create-venv', 'install', 'ready']);
    const state: unknown = JSON.parse(await readFile(path.join(first.directory, 'understudy-environment.json'), 'utf8'));
    assert.ok(typeof state === 'object' && state !== null && 'installed' in state);
    assert.deepEqual(Object.keys((state as { installed: object }).installed), ['requirements-empty.txt']);

    const started = Date.now();
    const second = await ensurePythonEnvironment({ dataDir, name: 'probe', requirementsFiles: [requirements] });
    assert.equal(second.source, 'cache');
    assert.ok(Date.now() - started < 2000, 'a ready environment is not rebuilt');

    await writeFile(requirements, '# nothing to install, changed\n');
    assert.equal((await ensurePythonEnvironment({ dataDir, name: 'probe', requirementsFiles: [requirements] })).source, 'updated');

    const script = path.join(dataDir, 'echo.py');
    await writeFile(script, 'import sys\nprint(sys.prefix)\nprint("working", file=sys.stderr)\nprint(sys.stdin.read().upper())\n');
    const stderrLines: string[] = [];
    const stdout = await runPythonScript(second, script, [], { stdin: 'hello', onStderrLine: (line) => stderrLines.push(line) });
    assert.deepEqual(stdout.trim().split('\n'), [second.directory, 'HELLO']);
    assert.deepEqual(stderrLines, ['working']);

    await writeFile(script, 'import sys\nprint("it broke", file=sys.stderr)\nsys.exit(3)\n');
    await assert.rejects(runPythonScript(second, script, []), (error: unknown) => isUnderstudyError(error, 'internal_error') && /exit 3\):\nit broke/.test(error.message));
  });
});

test('a missing interpreter is system_dependency_missing, naming what to install', async () => {
  await withDataDir(async (dataDir) => {
    const requirements = path.join(dataDir, 'requirements-empty.txt');
    await writeFile(requirements, '');
    await assert.rejects(
      ensurePythonEnvironment({ dataDir, name: 'none', requirementsFiles: [requirements], python: 'python-does-not-exist-3.99' }),
      (error: unknown) =>
        isUnderstudyError(error, 'system_dependency_missing') &&
        error.message.includes('python-does-not-exist-3.99: not found') &&
        error.message.includes('apt-get install python3 python3-venv'),
    );
  });
});

test('a failing pip install names the requirements file and keeps pip\'s message', async () => {
  await withDataDir(async (dataDir) => {
    const requirements = path.join(dataDir, 'requirements-bad.txt');
    await writeFile(requirements, 'this is not a requirement line ===\n');
    await assert.rejects(
      ensurePythonEnvironment({ dataDir, name: 'bad', requirementsFiles: [requirements] }),
      (error: unknown) => isUnderstudyError(error) && error.message.includes('requirements-bad.txt') && /Invalid requirement|invalid/i.test(error.message),
    );
  });
});

test('names that would leave <dataDir>/python are refused', () => {
  assert.throws(() => ensurePythonEnvironment({ dataDir: '/tmp', name: '../escape', requirementsFiles: [] }), (error: unknown) => isUnderstudyError(error, 'invalid_request'));
});
