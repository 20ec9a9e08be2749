/** `understudy admin-token --rotate`: replace the admin token (the old one stops working after a gateway restart). */
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { rotateAdminToken } from '../../gateway/admin-token.ts';
import { colour, printJson } from '../cli-output.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

export function createAdminTokenCommand(): Command {
  return addCommonOptions(new Command('admin-token'))
    .description('create a new admin token for the admin API and dashboard (printed once)')
    .option('--rotate', 'replace the current token')
    .addHelpText('after', '\nExamples:\n  understudy admin-token --rotate\n  understudy admin-token --rotate --json | jq -r .adminToken')
    .action(async (options: GlobalOptions & { rotate?: boolean }) => {
      if (!options.rotate) {
        throw new UnderstudyError('invalid_request', 'The admin token is stored only as a hash and cannot be shown again; pass --rotate to create a new one.');
      }
      await withConfiguredStore(options, async (store) => {
        const token = await rotateAdminToken(store.settings);
        if (options.json) return printJson({ adminToken: token });
        process.stdout.write(`New admin token (shown once; running gateways pick it up on restart):\n  ${colour.bold(token)}\n`);
      });
    });
}
