/**
 * The `understudy` command line. Every command has `--help` with examples; store-backed commands take
 * `--config` and `--json`. Failures print one line and exit 1; usage errors exit 2.
 */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { exitCodes, failAndExit } from './cli-output.ts';
import { createAdminTokenCommand } from './commands/admin-token-command.ts';
import { createCallsCommand } from './commands/calls-command.ts';
import { createDatasetCommand } from './commands/dataset-command.ts';
import { createDemoCommand } from './commands/demo-command.ts';
import { createImportCommand } from './commands/import-command.ts';
import { createKeysCommand } from './commands/keys-command.ts';
import { createModelsCommand } from './commands/models-command.ts';
import { createSelectCommand } from './commands/select-command.ts';
import { createTrainCommand } from './commands/train-command.ts';
import { createEvalCommand } from './commands/eval-command.ts';
import { createWorkerCommand } from './commands/worker-command.ts';
import { createJobsCommand } from './commands/jobs-command.ts';
import { createRoutesCommand } from './commands/routes-command.ts';
import { createEconomicsCommand } from './commands/economics-command.ts';
import { createLoopCommand } from './commands/loop-command.ts';
import { createReportCommand } from './commands/report-command.ts';
import { createServeCommand } from './commands/serve-command.ts';
import { createSimulateCommand } from './commands/simulate-command.ts';

const packageJson = createRequire(import.meta.url)('../../package.json') as { version: string };

export function createProgram(): Command {
  const program = new Command('understudy')
    .description('Capture an agent\'s LLM calls, find the routine ones, and move them onto small specialised models.')
    .version(packageJson.version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const command of [createDemoCommand(), createServeCommand(), createKeysCommand(), createImportCommand(), createCallsCommand(), createReportCommand(), createDatasetCommand(), createSimulateCommand(), createModelsCommand(), createSelectCommand(), createTrainCommand(), createEvalCommand(), createWorkerCommand(), createJobsCommand(), createRoutesCommand(), createEconomicsCommand(), createLoopCommand(), createAdminTokenCommand()]) {
    program.addCommand(command);
  }
  for (const command of program.commands) propagateExitOverride(command);
  return program;
}

function propagateExitOverride(command: Command): void {
  command.exitOverride();
  for (const child of command.commands) propagateExitOverride(child);
}

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
