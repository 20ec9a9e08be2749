/** `understudy serve`: the OpenAI-compatible gateway in front of the configured providers. */
import { Command } from 'commander';
import { loadConfig } from '../../contracts/config.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import { startGateway, type RunningGateway } from '../../gateway/start-gateway.ts';
import { colour } from '../cli-output.ts';
import { addCommonOptions, type GlobalOptions } from './shared-options.ts';

export interface ServeOptions extends GlobalOptions {
  port?: string;
  host?: string;
  auth: boolean;
}

export function createServeCommand(): Command {
  return addCommonOptions(new Command('serve'))
    .description('run the gateway: point any OpenAI client at it and every call is logged')
    .option('--port <port>', 'port to listen on (default 4141, or gateway.port)')
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('--no-auth', 'do not require gateway API keys (loopback only; the client key is passed to the provider)')
    .addHelpText(
      'after',
      '\nExamples:\n  OPENAI_API_KEY=sk-… understudy serve\n  understudy serve --port 8080 --config ./understudy.config.json\n\nThen, in your agent:\n  OPENAI_BASE_URL=http://127.0.0.1:4141/v1 OPENAI_API_KEY=<key from `understudy keys create`>',
    )
    .action(async (options: ServeOptions) => {
      const loaded = loadConfig({ configPath: options.config });
      if (!options.auth) {
        const host = options.host ?? loaded.config.gateway.host;
        if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
          throw new UnderstudyError('config_invalid', `--no-auth is only allowed on a loopback address, not ${host}.`);
        }
        loaded.config.gateway.requireApiKey = false;
      }
      const gateway = await startGateway({ loaded, port: options.port === undefined ? undefined : parsePort(options.port), host: options.host });
      await describeGateway(gateway, loaded.config.gateway.requireApiKey, options.json === true, gateway.createUiLoginUrl());
      closeOnSignals(gateway);
    });
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UnderstudyError('invalid_request', `Invalid port '${text}'.`);
  return port;
}

/** Prints where the gateway listens, a generated admin token (once), and the dashboard's one-time login link when given. */
export async function describeGateway(gateway: RunningGateway, requireApiKey: boolean, json: boolean, dashboardUrl?: string): Promise<void> {
  const keyCount = (await gateway.store.apiKeys.list()).length;
  if (json) {
    process.stdout.write(`${JSON.stringify({ baseUrl: gateway.baseUrl, engine: gateway.store.engine, adminToken: gateway.generatedAdminToken, apiKeys: keyCount, ...(dashboardUrl === undefined ? {} : { dashboardUrl }) })}\n`);
    return;
  }
  process.stdout.write(`${colour.green('Understudy gateway')} listening on ${colour.bold(gateway.baseUrl)}  (store: ${gateway.store.engine})\n`);
  if (gateway.generatedAdminToken) {
    process.stdout.write(`Admin token (shown once; rotate with \`understudy admin-token --rotate\`):\n  ${colour.bold(gateway.generatedAdminToken)}\n`);
  }
  if (requireApiKey && keyCount === 0) {
    process.stdout.write(`${colour.yellow('No gateway keys yet')}: create one with \`understudy keys create --project <id>\`.\n`);
  }
  process.stdout.write(`Point an OpenAI client at it: OPENAI_BASE_URL=${gateway.baseUrl} OPENAI_API_KEY=<gateway key>\n`);
  if (dashboardUrl !== undefined) process.stdout.write(`Dashboard (one-time login link, works once within 10 minutes): ${colour.bold(dashboardUrl)}\n`);
}

/** SIGTERM/SIGINT flush every logged call into the store before exiting; a second signal exits at once. */
export function closeOnSignals(gateway: RunningGateway, beforeClose?: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`\n${signal}: flushing logged calls and stopping…\n`);
    void (async () => {
      try {
        await beforeClose?.();
        await gateway.close();
        process.exit(0);
      } catch (error) {
        process.stderr.write(`understudy: shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      }
    })();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
