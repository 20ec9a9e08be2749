/**
 * How the CLI talks: one-line errors on stderr with a non-zero exit, `--json` for scripts, colour only
 * on a TTY (and never when NO_COLOR is set).
 */
import { asUnderstudyError } from '../contracts/errors.ts';

/** Exit codes: 0 success, 1 failure, 2 usage error (bad flags or arguments). */
export const exitCodes = { success: 0, failure: 1, usage: 2 } as const;

const useColour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

function paint(code: number): (text: string) => string {
  return (text) => (useColour ? `\u001b[${code}m${text}\u001b[0m` : text);
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
  const known = asUnderstudyError(error);
  process.stderr.write(`understudy: ${known.message}\n`);
  if (known.code === 'internal_error' && process.env.UNDERSTUDY_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(exitCodes.failure);
}
