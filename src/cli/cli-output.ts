/**
 * How the CLI talks: one-line errors on stderr with a non-zero exit (operating-system errors such as a busy
 * port in the user's words), `--json` for scripts, colour only on a TTY (NO_COLOR off, FORCE_COLOR on).
 */
import { asUnderstudyError, UnderstudyError } from '../contracts/errors.ts';

/** Exit codes: 0 success, 1 failure, 2 usage error (bad flags or arguments). */
export const exitCodes = { success: 0, failure: 1, usage: 2 } as const;

/**
 * Colour on a TTY only. NO_COLOR (any non-empty value, no-color.org) turns it off; FORCE_COLOR turns it on
 * even through a pipe and wins over NO_COLOR, as in Node's own `tty` (FORCE_COLOR=0 or `false` turns it off).
 */
export function shouldUseColour(stream: { isTTY?: boolean }, environment: NodeJS.ProcessEnv): boolean {
  const force = environment.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (environment.NO_COLOR) return false;
  return stream.isTTY === true;
}

/** Whether this process colours what it writes to stdout; renderers that colour on their own take it as their option. */
export const colourEnabled = shouldUseColour(process.stdout, process.env);

function paint(code: number): (text: string) => string {
  return (text) => (colourEnabled ? `\u001b[${code}m${text}\u001b[0m` : text);
}

export const colour = { bold: paint(1), dim: paint(2), green: paint(32), yellow: paint(33), red: paint(31), cyan: paint(36) };

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as an aligned table (plain text; `--json` is the scripting format). */
export function printTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${colour.bold(line(headers))}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

/** Turns any failure into one line on stderr and the process exit code. */
export function failAndExit(error: unknown): never {
  const known = asUnderstudyError(describeSystemError(error) ?? error);
  process.stderr.write(`understudy: ${known.message}\n`);
  if (known.code === 'internal_error' && process.env.UNDERSTUDY_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(exitCodes.failure);
}

/** Errors from the operating system that a user can act on, in their words rather than `listen EADDRINUSE …`. */
function describeSystemError(error: unknown): UnderstudyError | undefined {
  if (!(error instanceof Error) || !('code' in error) || !('syscall' in error) || error.syscall !== 'listen') return undefined;
  const { code, port, address } = error as NodeJS.ErrnoException & { port?: number; address?: string };
  const where = address === undefined ? '' : ` on ${address}`;
  if (code === 'EADDRINUSE') {
    return new UnderstudyError('invalid_request', `port ${port} is in use${where}: stop what is listening there or pick another with --port`, { cause: error });
  }
  if (code === 'EACCES') {
    return new UnderstudyError('invalid_request', `port ${port} needs privileges to bind${where}: pick one above 1023 with --port`, { cause: error });
  }
  if (code === 'EADDRNOTAVAIL') {
    return new UnderstudyError('invalid_request', `cannot bind${where}: no such address on this machine (check --host)`, { cause: error });
  }
  return undefined;
}
