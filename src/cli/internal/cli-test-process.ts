/**
 * Test support: the CLI as a real process in a working directory, and the shared setup of the model
 * commands' tests — a simulated support agent's traffic, the discovered contact-extraction task, its dataset.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const binPath = fileURLToPath(new URL('../../../bin/understudy.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `understudy <args>` in `cwd` with a clean environment (PATH, HOME, no colour) plus `environment`. */
export function startCli(cwd: string, args: readonly string[], environment: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [binPath, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, done: new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr }))) };
}

export function runCli(cwd: string, args: readonly string[], environment: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(cwd, args, environment).done;
}

/**
 * Simulates 150 support episodes into the store in `cwd`, discovers the contact-extraction task (the JSON
 * task with an `email` field) and returns its id; with `build`, also builds its dataset.
 */
export async function prepareContactExtractionTask(cwd: string, options: { build: boolean }): Promise<string> {
  const simulated = await runCli(cwd, ['simulate', '--agents', 'support', '--episodes', '150', '--latency-scale', '0', '--error-rate', '0', '--json']);
  assert.equal(simulated.code, 0, simulated.stderr);
  const report = await runCli(cwd, ['report', '--json']);
  assert.equal(report.code, 0, report.stderr);
  const tasks = (JSON.parse(report.stdout) as { report: { tasks: Array<{ taskId: string; outputShape: { kind: string; jsonSchema?: { properties?: Record<string, unknown> } } }> } }).report.tasks;
  const contact = tasks.find((task) => task.outputShape.kind === 'json' && task.outputShape.jsonSchema?.properties?.email !== undefined);
  assert.ok(contact, `a contact-extraction task is discovered: ${tasks.map((task) => task.taskId).join(', ')}`);
  if (options.build) {
    const built = await runCli(cwd, ['dataset', 'build', contact.taskId]);
    assert.equal(built.code, 0, built.stderr);
  }
  return contact.taskId;
}
