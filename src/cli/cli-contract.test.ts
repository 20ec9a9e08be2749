/**
 * The CLI's promises, checked on every command at once: help with examples, `--json` wherever data is
 * printed, exit codes (0 / 1 failure / 2 usage), one-line errors for bad input (unknown command or flag, a bad
 * config key in JSON or TypeScript config, a busy port), an OpenAI-style 502 for an unreachable upstream with
 * the gateway still up, and colour only where it belongs. The walk runs in-process; the rest spawns the real
 * binary a few times (each start costs about a second).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig } from '../contracts/config.ts';
import { shouldUseColour } from './cli-output.ts';
import { createProgram } from './create-program.ts';

const binPath = fileURLToPath(new URL('../../bin/understudy.js', import.meta.url));
const ansiEscape = /\u001b\[/;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function walk(command: Command, parents: readonly string[] = []): Array<{ name: string; command: Command }> {
  const name = [...parents, command.name()];
  return [{ name: name.join(' '), command }, ...command.commands.flatMap((child) => walk(child, name))];
}

function helpText(command: Command): string {
  const chunks: string[] = [];
  command.configureOutput({ writeOut: (text) => void chunks.push(text) });
  command.outputHelp();
  return chunks.join('');
}

/** Binds a loopback port and keeps it, so something else finds it busy. */
function occupyPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  assert.ok(typeof address === 'object' && address !== null);
  return address.port;
}

async function closedPort(): Promise<number> {
  const server = await occupyPort();
  const port = portOf(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('CLI contract', () => {
  let workDir: string;
  const children = new Set<ChildProcessWithoutNullStreams>();

  /** The one-shot runs start together (each process start is the slow part) and each test awaits its own. */
  let oneShots: Promise<{
    unknownCommand: CliResult;
    unknownFlag: CliResult;
    badModule: CliResult;
    busyPort: CliResult;
    busyPortNumber: number;
    piped: CliResult;
    forced: CliResult;
  }>;

  before(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'understudy-cli-contract-'));
    const moduleDirectory = path.join(workDir, 'ts-config');
    mkdirSync(moduleDirectory);
    writeFileSync(path.join(moduleDirectory, 'understudy.config.ts'), 'const port: number = 4141;\nexport default () => ({ gateway: { port }, routnig: {} });\n');
    oneShots = (async () => {
      const busy = await occupyPort();
      try {
        const [unknownCommand, unknownFlag, badModule, busyPort, piped, forced] = await Promise.all([
          run(['frobnicate']),
          run(['calls', '--bogus']),
          run(['calls'], { cwd: moduleDirectory }),
          run(['serve', '--port', String(portOf(busy)), '--no-auth'], { environment: { UNDERSTUDY_DATA_DIR: path.join(workDir, 'busy-data') } }),
          // `models` prints a table with bold headers and needs no store.
          run(['models', '--max-memory', '1GB']),
          run(['models', '--max-memory', '1GB'], { environment: { FORCE_COLOR: '1' } }),
        ]);
        return { unknownCommand, unknownFlag, badModule, busyPort, busyPortNumber: portOf(busy), piped, forced };
      } finally {
        busy.close();
      }
    })();
    // Each test awaits its share; keep an early rejection from surfacing as unhandled before they do.
    oneShots.catch(() => undefined);
  });
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  });

  function start(args: string[], options: { cwd?: string; environment?: NodeJS.ProcessEnv } = {}): ChildProcessWithoutNullStreams {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: options.cwd ?? workDir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, UNDERSTUDY_DATA_DIR: path.join(workDir, 'data'), ...options.environment },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  }

  function run(args: string[], options: { cwd?: string; environment?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    const child = start(args, options);
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  function assertOneLine(result: CliResult, pattern: RegExp): void {
    assert.equal(result.stderr.trimEnd().split('\n').length, 1, `one line on stderr, got:\n${result.stderr}`);
    assert.match(result.stderr.trimEnd(), pattern);
  }

  it('gives every command and subcommand help with examples, and --json wherever it prints data', () => {
    const commands = walk(createProgram());
    assert.ok(commands.length > 20, 'the walk reaches the subcommands');
    for (const name of ['understudy demo', 'understudy serve', 'understudy keys revoke', 'understudy simulate teacher', 'understudy jobs cancel']) {
      assert.ok(commands.some((entry) => entry.name === name), `${name} is walked`);
    }
    const withoutExamples = commands.filter(({ command }) => !/\nExamples:\n {2}\S/.test(helpText(command))).map(({ name }) => name);
    assert.deepEqual(withoutExamples, [], 'help without an "Examples:" section');
    // Commands that print data: every leaf, and groups that run something themselves (they take options).
    // The root only prints help and its version.
    const printsData = commands.filter(({ name, command }) => name !== 'understudy' && (command.commands.length === 0 || command.options.length > 0));
    const withoutJson = printsData.filter(({ command }) => !command.options.some((option) => option.long === '--json')).map(({ name }) => name);
    assert.deepEqual(withoutJson, [], 'commands without --json');
  });

  it('exits 2 with one line for an unknown command or flag', async () => {
    const { unknownCommand, unknownFlag } = await oneShots;
    assert.equal(unknownCommand.code, 2);
    assertOneLine(unknownCommand, /^understudy: unknown command 'frobnicate' \(see understudy --help\)$/);
    assert.equal(unknownFlag.code, 2);
    assertOneLine(unknownFlag, /^understudy: unknown option '--bogus' \(see understudy calls --help\)$/);
  });

  it('exits 1 with one line naming the file and the key for a bad config, JSON or TypeScript', async () => {
    // The JSON file through the CLI is in cli.test.ts; here its message, in-process.
    const jsonConfig = path.join(workDir, 'bad.config.json');
    writeFileSync(jsonConfig, JSON.stringify({ gateway: { port: 4141, colour: 'blue' } }));
    assert.throws(() => loadConfig({ configPath: jsonConfig, environment: {} }), /^UnderstudyError: Invalid config \(.*bad\.config\.json\): gateway\.colour: unknown key$/);
    const { badModule } = await oneShots;
    assert.equal(badModule.code, 1);
    assertOneLine(badModule, /^understudy: Invalid config \(.*ts-config\/understudy\.config\.ts\): routnig: unknown key$/);
  });

  it('says in one line that a port is in use, and exits non-zero', async () => {
    const { busyPort, busyPortNumber } = await oneShots;
    assert.equal(busyPort.code, 1);
    assertOneLine(busyPort, new RegExp(`^understudy: port ${busyPortNumber} is in use`));
  });

  it('prints colour only on a TTY, never with NO_COLOR, always with FORCE_COLOR', async () => {
    const { piped, forced } = await oneShots;
    assert.equal(piped.code, 0, piped.stderr);
    assert.doesNotMatch(piped.stdout, ansiEscape, 'no escapes through a pipe');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, ansiEscape, 'FORCE_COLOR colours even through a pipe');
    assert.equal(shouldUseColour({ isTTY: true }, {}), true);
    assert.equal(shouldUseColour({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(shouldUseColour({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
    assert.equal(shouldUseColour({ isTTY: false }, {}), false);
    assert.equal(shouldUseColour({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' }), true);
    assert.equal(shouldUseColour({ isTTY: true }, { FORCE_COLOR: '0' }), false);
  });

  it('answers an unreachable upstream with an OpenAI-style 502 and keeps serving', async () => {
    const configPath = path.join(workDir, 'dead-upstream.config.json');
    const deadPort = await closedPort();
    writeFileSync(configPath, JSON.stringify({ providers: [{ name: 'dead', baseUrl: `http://127.0.0.1:${deadPort}/v1`, models: ['*'] }], routing: { enabled: false } }));
    const gateway = start(['serve', '--port', '0', '--no-auth', '--json', '--config', configPath], { environment: { UNDERSTUDY_DATA_DIR: path.join(workDir, 'serve-data') } });
    let stderr = '';
    gateway.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => gateway.once('exit', (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      gateway.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
      });
      void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    const { baseUrl } = JSON.parse(firstLine) as { baseUrl: string };
    const chat = () =>
      fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
      });
    const first = await chat();
    assert.equal(first.status, 502);
    const body = (await first.json()) as { error: { message: string; type: string; code: string; param: string | null } };
    assert.equal(body.error.type, 'api_error');
    assert.equal(body.error.code, 'upstream_unreachable');
    assert.equal(typeof body.error.message, 'string');
    assert.ok('param' in body.error);
    assert.equal((await chat()).status, 502, 'the gateway is still up after the failure');
    assert.equal((await fetch(new URL('/health', baseUrl))).status, 200);
    gateway.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
  });
});

describe('understudy.config.ts', () => {
  let directory: string;
  before(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'understudy-config-ts-'));
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  function inDirectory(name: string, files: Record<string, string>): string {
    const target = path.join(directory, name);
    mkdirSync(target);
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(target, file), text);
    return target;
  }

  it('loads a default-exported object or function, validated like the JSON file', () => {
    const objectForm = inDirectory('object', {
      'understudy.config.ts': "import type { UnderstudyConfig } from 'understudy';\nconst port: number = 8080;\nexport default { gateway: { port }, store: { dataDir: 'ts-data' } } satisfies Partial<UnderstudyConfig>;\n",
    });
    const loaded = loadConfig({ cwd: objectForm, environment: {} });
    assert.equal(loaded.configPath, path.join(objectForm, 'understudy.config.ts'));
    assert.equal(loaded.config.gateway.port, 8080);
    assert.equal(loaded.config.gateway.host, '127.0.0.1', 'defaults filled in');
    assert.equal(loaded.dataDir, path.join(objectForm, 'ts-data'));
    const functionForm = inDirectory('function', { 'understudy.config.ts': "export default () => ({ routing: { enabled: process.env.NEVER_SET === 'yes' } });\n" });
    assert.equal(loadConfig({ cwd: functionForm, environment: {} }).config.routing.enabled, false);
    const explicit = loadConfig({ cwd: directory, configPath: path.join(functionForm, 'understudy.config.ts'), environment: {} });
    assert.equal(explicit.config.routing.enabled, false, '--config takes a .ts file too');
  });

  it('refuses both files at once, async functions, missing default exports and modules that throw', () => {
    const both = inDirectory('both', { 'understudy.config.json': '{}', 'understudy.config.ts': 'export default {};\n' });
    assert.throws(() => loadConfig({ cwd: both, environment: {} }), /Both understudy\.config\.json and understudy\.config\.ts/);
    const asynchronous = inDirectory('async', { 'understudy.config.ts': 'export default async () => ({});\n' });
    assert.throws(() => loadConfig({ cwd: asynchronous, environment: {} }), /not a Promise/);
    const noDefault = inDirectory('no-default', { 'understudy.config.ts': 'export const gateway = { port: 1 };\n' });
    assert.throws(() => loadConfig({ cwd: noDefault, environment: {} }), /no default export/);
    const throwing = inDirectory('throwing', { 'understudy.config.ts': "throw new Error('no config for you');\nexport default {};\n" });
    assert.throws(() => loadConfig({ cwd: throwing, environment: {} }), /understudy\.config\.ts failed to load: no config for you/);
    const nested = inDirectory('nested', { 'understudy.config.ts': 'export default { routing: { promotion: { windw: 10 } } };\n' });
    assert.throws(() => loadConfig({ cwd: nested, environment: {} }), /nested\/understudy\.config\.ts\): routing\.promotion\.windw: unknown key$/);
  });
});
