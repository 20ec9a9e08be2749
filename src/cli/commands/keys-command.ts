/** `understudy keys create|list|revoke`: gateway API keys, per project, stored hashed. */
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import { colour, printJson, printTable } from '../cli-output.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

export function createKeysCommand(): Command {
  const keys = new Command('keys')
    .description('manage gateway API keys (per project, stored only as hashes)')
    .addHelpText('after', '\nExamples:\n  understudy keys create --project support-bot\n  understudy keys list --all\n  understudy keys revoke usk_3f2a');

  addCommonOptions(keys.command('create'))
    .description('create a key; the secret is printed once')
    .option('-p, --project <id>', 'project the key belongs to', 'default')
    .option('-n, --name <name>', 'a label to tell keys apart', 'unnamed')
    .addHelpText('after', '\nExamples:\n  understudy keys create --project support-bot --name prod\n  understudy keys create --json | jq -r .secret')
    .action(async (options: GlobalOptions & { project: string; name: string }) => {
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(options.project)) {
        throw new UnderstudyError('invalid_request', `Invalid project id '${options.project}': use letters, digits, "-" and "_" (max 64).`);
      }
      await withConfiguredStore(options, async (store) => {
        await store.projects.ensure(options.project);
        const { record, secret } = await store.apiKeys.create({ projectId: options.project, name: options.name });
        if (options.json) return printJson({ ...record, secret });
        process.stdout.write(`${colour.green('Created')} key ${record.id} for project ${record.projectId}.\n`);
        process.stdout.write(`Secret (shown once, store it now):\n  ${colour.bold(secret)}\n`);
      });
    });

  addCommonOptions(keys.command('list'))
    .description('list keys (secrets are never shown)')
    .option('-p, --project <id>', 'only this project')
    .option('-a, --all', 'include revoked keys')
    .addHelpText('after', '\nExamples:\n  understudy keys list --project support-bot\n  understudy keys list --all --json')
    .action(async (options: GlobalOptions & { project?: string; all?: boolean }) => {
      await withConfiguredStore(options, async (store) => {
        const list = await store.apiKeys.list({ projectId: options.project, includeRevoked: options.all === true });
        if (options.json) return printJson(list);
        if (list.length === 0) return void process.stdout.write('No keys yet. Create one: understudy keys create --project <id>\n');
        printTable(
          ['ID', 'PROJECT', 'NAME', 'PREFIX', 'CREATED', 'LAST USED', 'STATUS'],
          list.map((key) => [
            key.id,
            key.projectId,
            key.name,
            `${key.prefix}…`,
            new Date(key.createdAt).toISOString(),
            key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : '-',
            key.revokedAt ? 'revoked' : 'active',
          ]),
        );
      });
    });

  addCommonOptions(keys.command('revoke'))
    .description('revoke a key by id or prefix (takes effect in running gateways within 5 s)')
    .argument('<idOrPrefix>', 'key id, or the prefix shown by `keys list`')
    .addHelpText('after', '\nExamples:\n  understudy keys revoke usk_3f2a\n  understudy keys revoke key_9fTz2LqW0bXk3mNe --json')
    .action(async (idOrPrefix: string, options: GlobalOptions) => {
      await withConfiguredStore(options, async (store) => {
        const revoked = await store.apiKeys.revoke(idOrPrefix.replace(/…$/, ''));
        if (!revoked) throw new UnderstudyError('not_found', `No active key matches '${idOrPrefix}'.`);
        if (options.json) return printJson(revoked);
        process.stdout.write(`${colour.yellow('Revoked')} key ${revoked.id} (${revoked.prefix}…).\n`);
      });
    });
  return keys;
}
