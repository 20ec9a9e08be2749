/** `understudy keys create|list|limits|revoke`: gateway API keys, per project, stored hashed, with their own limits. */
import { Command } from 'commander';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { ApiKeyRecord } from '../../store/store.ts';
import { colour, printJson, printTable } from '../cli-output.ts';
import { formatByteSize, orNone, parseByteSize, parseRateLimit } from '../internal/parse-key-limit.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

export function createKeysCommand(): Command {
  const keys = new Command('keys')
    .description('manage gateway API keys (per project, stored only as hashes)')
    .addHelpText(
      'after',
      '\nExamples:\n  understudy keys create --project support-bot\n  understudy keys list --all\n  understudy keys limits usk_3f2a --rate-limit 120\n  understudy keys revoke usk_3f2a',
    );

  addCommonOptions(keys.command('create'))
    .description('create a key; the secret is printed once')
    .option('-p, --project <id>', 'project the key belongs to', 'default')
    .option('-n, --name <name>', 'a label to tell keys apart', 'unnamed')
    .option('--rate-limit <per-minute>', "requests per minute for this key (default: the gateway's gateway.rateLimit)", parseRateLimit)
    .option('--max-body <size>', 'largest request body for this key, in bytes or 10kb / 1mb (never above gateway.bodyLimitBytes)', parseByteSize)
    .addHelpText(
      'after',
      '\nExamples:\n  understudy keys create --project support-bot --name prod\n  understudy keys create --project batch --rate-limit 30 --max-body 256kb\n  understudy keys create --json | jq -r .secret',
    )
    .action(async (options: GlobalOptions & { project: string; name: string; rateLimit?: number; maxBody?: number }) => {
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(options.project)) {
        throw new UnderstudyError('invalid_request', `Invalid project id '${options.project}': use letters, digits, "-" and "_" (max 64).`);
      }
      await withConfiguredStore(options, async (store) => {
        await store.projects.ensure(options.project);
        const { record, secret } = await store.apiKeys.create({
          projectId: options.project,
          name: options.name,
          rateLimitPerMinute: options.rateLimit ?? null,
          maxBodyBytes: options.maxBody ?? null,
        });
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
          ['ID', 'PROJECT', 'NAME', 'PREFIX', 'RATE LIMIT', 'MAX BODY', 'CREATED', 'LAST USED', 'STATUS'],
          list.map((key) => [
            key.id,
            key.projectId,
            key.name,
            `${key.prefix}…`,
            ...describeLimits(key),
            new Date(key.createdAt).toISOString(),
            key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : '-',
            key.revokedAt ? 'revoked' : 'active',
          ]),
        );
      });
    });

  addCommonOptions(keys.command('limits'))
    .description('set or clear a key\'s own limits (takes effect in running gateways within 5 s)')
    .argument('<idOrPrefix>', 'key id, or the prefix shown by `keys list`')
    .option('--rate-limit <per-minute|none>', 'requests per minute; none: the gateway default', orNone(parseRateLimit))
    .option('--max-body <size|none>', 'largest request body (bytes, 10kb, 1mb); none: gateway.bodyLimitBytes', orNone(parseByteSize))
    .addHelpText('after', '\nExamples:\n  understudy keys limits usk_3f2a --rate-limit 600\n  understudy keys limits key_9fTz2LqW0bXk3mNe --max-body 1mb --rate-limit none --json')
    .action(async (idOrPrefix: string, options: GlobalOptions & { rateLimit?: number | 'none'; maxBody?: number | 'none' }, command: Command) => {
      if (options.rateLimit === undefined && options.maxBody === undefined) {
        // A usage error: one line naming the command's help, exit 2, like a bad flag value.
        command.error('give --rate-limit and/or --max-body (a value, or none to clear it)', { exitCode: 2, code: 'commander.usage' });
      }
      await withConfiguredStore(options, async (store) => {
        const updated = await store.apiKeys.setLimits(idOrPrefix.replace(/…$/, ''), {
          ...(options.rateLimit === undefined ? {} : { rateLimitPerMinute: options.rateLimit === 'none' ? null : options.rateLimit }),
          ...(options.maxBody === undefined ? {} : { maxBodyBytes: options.maxBody === 'none' ? null : options.maxBody }),
        });
        if (!updated) throw new UnderstudyError('not_found', `No key matches '${idOrPrefix}'.`);
        if (options.json) return printJson(updated);
        const [rateLimit, maxBody] = describeLimits(updated);
        process.stdout.write(`${colour.green('Updated')} key ${updated.id} (${updated.prefix}…): rate limit ${rateLimit}, max body ${maxBody}.\n`);
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

/** A key's limits for people: its own value, or `default` when the gateway's configured limit applies. */
function describeLimits(key: ApiKeyRecord): [rateLimit: string, maxBody: string] {
  return [
    key.rateLimitPerMinute === null ? 'default' : `${key.rateLimitPerMinute}/min`,
    key.maxBodyBytes === null ? 'default' : formatByteSize(key.maxBodyBytes),
  ];
}
