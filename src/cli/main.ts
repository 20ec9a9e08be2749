/**
 * The `understudy` command line. Every command has `--help` with examples; store-backed commands take
 * `--config` and `--json`. Failures print one line and exit 1; usage errors exit 2.
 */
import { CommanderError } from 'commander';
import { exitCodes, failAndExit } from './cli-output.ts';
import { createProgram } from './create-program.ts';

// `understudy calls | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(exitCodes.success);
  throw error;
});

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) process.exit(exitCodes.success);
    process.exit(exitCodes.usage);
  }
  failAndExit(error);
}
