#!/usr/bin/env node
/**
 * `npm test`: typecheck, make sure a PostgreSQL server is there for the store's Postgres cases, then run every
 * `*.test.ts` under src/ and bench/ with node:test.
 *
 *   npm test                       # everything
 *   npm test -- src/store          # only test files whose path starts with src/store
 *   npm test -- --test-name-pattern=revoke src/store/api-key-repository.test.ts
 *
 * Arguments starting with `-` go to `node --test` unchanged; the others are path prefixes.
 * Environment: UNDERSTUDY_TEST_DATABASE_URL — use this server instead of starting a throwaway one;
 * UNDERSTUDY_SKIP_TYPECHECK=1 — skip `tsc --noEmit`; UNDERSTUDY_TEST_LANES=1 — run every file in one lane.
 *
 * Files that load models, run Python or train carry a marker `@understudy-test-lane <name>`: each lane runs its
 * files one at a time, beside the other lanes (see main).
 *
 * Plain JavaScript so it runs before anything is compiled or any loader is registered.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testRoots = ['src', 'bench'];
const testFileSuffix = '.test.ts';
const databaseUrlVariable = 'UNDERSTUDY_TEST_DATABASE_URL';
/** `@understudy-test-lane <name>` in a test file puts it in that lane (see main). */
const laneMarker = /@understudy-test-lane ([a-z0-9-]+)/;

/** Cleanup steps run once, on normal exit, failure or interruption. */
const cleanups = [];
let cleanedUp = false;
function cleanUp() {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const cleanup of cleanups.reverse()) {
    try {
      cleanup();
    } catch (error) {
      console.error(`test: cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Runs a command to completion with inherited output; exits this process with its status when it fails. */
function runOrExit(command, commandArguments, description) {
  const result = spawnSync(command, commandArguments, { cwd: repositoryRoot, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`test: ${description} failed`);
    cleanUp();
    process.exit(result.status ?? 1);
  }
}

function findTestFiles(directory) {
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    if (error && typeof error === 'object' && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
  const files = [];
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...findTestFiles(entryPath));
    else if (entry.isFile() && entry.name.endsWith(testFileSuffix)) files.push(entryPath);
  }
  return files;
}

/** Asks the kernel for a free loopback port; the tiny race until PostgreSQL binds it is acceptable for tests. */
function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function startThrowawayPostgres() {
  runOrExit('bash', [path.join(repositoryRoot, 'scripts/ensure-system-packages.sh')], 'checking system packages');
  const directory = mkdtempSync(path.join(os.tmpdir(), 'understudy-test-pg-'));
  const port = await findFreePort();
  const script = path.join(repositoryRoot, 'scripts/postgres-temp.sh');
  cleanups.push(() => spawnSync('bash', [script, 'stop', directory, String(port)], { stdio: 'inherit' }));
  const started = spawnSync('bash', [script, 'start', directory, String(port)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (started.status !== 0) {
    console.error('test: could not start a throwaway PostgreSQL');
    cleanUp();
    rmSync(directory, { recursive: true, force: true });
    process.exit(started.status ?? 1);
  }
  return started.stdout.trim().split('\n').at(-1);
}

async function main() {
  const nodeTestArguments = [];
  const pathPrefixes = [];
  for (const argument of process.argv.slice(2)) {
    if (argument.startsWith('-')) nodeTestArguments.push(argument);
    else pathPrefixes.push(path.relative(repositoryRoot, path.resolve(argument)));
  }

  const allFiles = testRoots.flatMap((root) => findTestFiles(path.join(repositoryRoot, root))).map((file) => path.relative(repositoryRoot, file));
  const selected = allFiles
    .filter((file) => pathPrefixes.length === 0 || pathPrefixes.some((prefix) => file.startsWith(prefix)))
    .sort();
  if (selected.length === 0) {
    console.error(`test: no ${testFileSuffix} files match ${pathPrefixes.length === 0 ? 'src/ or bench/' : pathPrefixes.join(', ')}`);
    process.exit(1);
  }

  if (process.env.UNDERSTUDY_SKIP_TYPECHECK !== '1') {
    const typescriptCompiler = path.join(repositoryRoot, 'node_modules/typescript/bin/tsc');
    runOrExit(process.execPath, [typescriptCompiler, '--noEmit', '-p', '.'], 'typecheck (tsc --noEmit -p .; set UNDERSTUDY_SKIP_TYPECHECK=1 to skip)');
    runOrExit(process.execPath, [typescriptCompiler, '--noEmit', '-p', 'ui'], 'dashboard typecheck (tsc --noEmit -p ui; set UNDERSTUDY_SKIP_TYPECHECK=1 to skip)');
  }

  const environment = { ...process.env };
  if (!environment[databaseUrlVariable]) {
    environment[databaseUrlVariable] = await startThrowawayPostgres();
    console.error(`test: throwaway PostgreSQL at ${environment[databaseUrlVariable]}`);
  }

  // Lanes run side by side on the machine's cores, each one file at a time. A file marked
  // `@understudy-test-lane <name>` runs in lane <name>: the heavy files (models, Python, training) share the one
  // `models` lane, since two CPU trainings at once need ~11 GB each and slow each other more than they gain (a
  // two-lane split took bench:loop from 370 s to 906 s); every other file runs in the `main` lane beside it. The
  // weights and venv caches are guarded by cross-process locks all the same. The first lane's output
  // (the first heavy one) streams; the others' is held and printed after it, so reports never interleave. UNDERSTUDY_TEST_LANES=1
  // runs everything in one lane.
  const laneFiles = new Map();
  for (const file of selected) {
    const lane = process.env.UNDERSTUDY_TEST_LANES === '1' ? 'main' : (laneMarker.exec(readFileSync(path.join(repositoryRoot, file), 'utf8'))?.[1] ?? 'main');
    laneFiles.set(lane, [...(laneFiles.get(lane) ?? []), file]);
  }
  const lanes = [...laneFiles].sort(([left], [right]) => Number(left === 'main') - Number(right === 'main') || left.localeCompare(right)).map(([name, files], index) => ({ name, files, held: index > 0 }));
  const children = [];
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => children.forEach((child) => child.kill(signal)));
  }
  const runs = lanes.map((lane) => runLane(lane, nodeTestArguments, environment, children));
  const results = await Promise.all(runs);
  for (const result of results) if (result.held !== null) process.stdout.write(result.held);
  if (lanes.length > 1) {
    const outcome = (lane, index) => `${lane.name} (${lane.files.length} files): ${results[index].exitCode === 0 ? 'passed' : `FAILED (exit ${results[index].exitCode})`}`;
    console.error(`test: lanes ${lanes.map(outcome).join('; ')}`);
  }
  const exitCode = results.find((result) => result.exitCode !== 0)?.exitCode ?? 0;
  cleanUp();
  process.exit(exitCode);
}

/**
 * Runs one lane's files in a `node --test` child, one file at a time. A held lane's output is collected and
 * returned (stdout and stderr together, in order) instead of streamed.
 */
function runLane(lane, nodeTestArguments, environment, children) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...nodeTestArguments, ...lane.files], {
      cwd: repositoryRoot,
      env: environment,
      stdio: lane.held ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    children.push(child);
    const chunks = [];
    if (lane.held) {
      child.stdout.on('data', (chunk) => chunks.push(chunk));
      child.stderr.on('data', (chunk) => chunks.push(chunk));
    }
    const held = () => (lane.held ? Buffer.concat(chunks).toString('utf8') : null);
    child.on('error', (error) => {
      console.error(`test: could not run node --test: ${error.message}`);
      resolve({ exitCode: 1, held: held() });
    });
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1), held: held() }));
  });
}

process.on('exit', cleanUp);
main().catch((error) => {
  console.error(error);
  cleanUp();
  process.exit(1);
});
