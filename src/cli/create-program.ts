/**
 * The `understudy` program: every command, wired but not run, so tests can walk it (help, options, exit
 * codes) without starting a process. `main.ts` parses `process.argv` with it.
 */
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { createAdminTokenCommand } from './commands/admin-token-command.ts';
import { createCallsCommand } from './commands/calls-command.ts';
import { createDataCommand } from './commands/data-command.ts';
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
import { createLoginLinkCommand } from './commands/login-link-command.ts';
import { createReportCommand } from './commands/report-command.ts';
import { createServeCommand } from './commands/serve-command.ts';
import { createSimulateCommand } from './commands/simulate-command.ts';

const packageJson = createRequire(import.meta.url)('../../package.json') as { version: string };

export function createProgram(): Command {
  const program = new Command('understudy')
    .description('Capture an agent\'s LLM calls, find the routine ones, and move them onto small specialised models.')
    .version(packageJson.version)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  understudy demo                                  # see it work: simulated agents, no API key\n' +
        '  OPENAI_API_KEY=sk-… understudy serve             # the gateway on http://127.0.0.1:4141/v1\n' +
        '  understudy keys create --project my-agent        # a key for your agent\n' +
        '  understudy report                                # the recurring tasks found in the log\n' +
        '  understudy calls --json | jq .summary            # every command takes --json for scripts\n' +
        '\nExit codes: 0 success, 1 failure, 2 usage error. Config: ./understudy.config.json or ./understudy.config.ts.',
    )
    .exitOverride();
  for (const command of [createDemoCommand(), createServeCommand(), createKeysCommand(), createImportCommand(), createCallsCommand(), createReportCommand(), createDatasetCommand(), createDataCommand(), createSimulateCommand(), createModelsCommand(), createSelectCommand(), createTrainCommand(), createEvalCommand(), createWorkerCommand(), createJobsCommand(), createRoutesCommand(), createEconomicsCommand(), createLoopCommand(), createAdminTokenCommand(), createLoginLinkCommand()]) {
    program.addCommand(command);
  }
  propagateErrorHandling(program, []);
  return program;
}

/**
 * Every command throws instead of exiting (main maps that to exit code 2) and reports a usage error as one
 * line in the CLI's own voice: `understudy: unknown option '--bogus' (see understudy keys list --help)`.
 * Commander's own "(Did you mean …?)" suggestion is kept, on the same line.
 */
function propagateErrorHandling(command: Command, parents: readonly string[]): void {
  const commandPath = [...parents, command.name()];
  command.exitOverride().configureOutput({
    outputError: (text, write) => write(`understudy: ${text.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()} (see ${commandPath.join(' ')} --help)\n`),
  });
  for (const child of command.commands) propagateErrorHandling(child, commandPath);
}
