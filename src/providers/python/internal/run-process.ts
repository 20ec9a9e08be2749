/**
 * Runs a child process to completion while handing each output line to a callback as it arrives, so long
 * installs and conversions can show progress, and keeps the full output for error messages.
 */
import { spawn } from 'node:child_process';

export interface RunProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. */
  stdin?: string;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  signal?: AbortSignal;
}

export interface RunProcessResult {
  exitCode: number | null;
  /** Set when the process was killed by a signal. */
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Resolves when the process exits (whatever its status); rejects only when it cannot start (ENOENT, EACCES). */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<RunProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, signal: options.signal, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: string[] = [];
    const stderr: string[] = [];
    const lineSplitter = (sink: string[], onLine: ((line: string) => void) | undefined) => {
      let pending = '';
      return {
        push(chunk: Buffer) {
          const text = chunk.toString('utf8');
          sink.push(text);
          if (onLine === undefined) return;
          pending += text;
          const lines = pending.split(/\r?\n|\r/);
          pending = lines.pop() ?? '';
          for (const line of lines) if (line.trim() !== '') onLine(line);
        },
        flush() {
          if (onLine !== undefined && pending.trim() !== '') onLine(pending);
        },
      };
    };
    const out = lineSplitter(stdout, options.onStdoutLine);
    const err = lineSplitter(stderr, options.onStderrLine);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (exitCode, exitSignal) => {
      out.flush();
      err.flush();
      resolve({ exitCode, exitSignal, stdout: stdout.join(''), stderr: stderr.join('') });
    });
    // A child that exits before reading stdin makes the write fail with EPIPE; its exit status tells the story.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

/** The last `maxLines` non-empty lines, for error messages that must stay readable. */
export function tailLines(text: string, maxLines = 15): string {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '').slice(-maxLines).join('\n');
}
