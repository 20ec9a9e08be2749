/**
 * `understudy login-link`: a fresh one-time dashboard login link from a running gateway
 * (`POST /admin/login-links`), for when the link `serve` printed at start is spent or expired — without a restart.
 * Login links live in the gateway's memory, so this asks the running process over HTTP rather than the store.
 * The admin token comes from `UNDERSTUDY_ADMIN_TOKEN`, never from a flag (flags show up in `ps` and shell history).
 */
import { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../../contracts/config.ts';
import { errorCodes, UnderstudyError, type ErrorCode } from '../../contracts/errors.ts';
import { colour, printJson } from '../cli-output.ts';
import { addCommonOptions, type GlobalOptions } from './shared-options.ts';

interface LoginLinkOptions extends GlobalOptions {
  url?: string;
}

const loginLinkSchema = z.object({ url: z.url(), expiresAt: z.number() });
const errorBodySchema = z.object({ error: z.object({ message: z.string(), code: z.string().nullable() }) });

/** A gateway that has not answered in this long is not going to. */
const requestTimeoutMs = 10_000;

export function createLoginLinkCommand(): Command {
  return addCommonOptions(new Command('login-link'))
    .description('mint a one-time dashboard login link from a running gateway (needs UNDERSTUDY_ADMIN_TOKEN)')
    .option('--url <url>', 'the gateway (default: http://<gateway.host>:<gateway.port> from the config, e.g. http://127.0.0.1:4141)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  UNDERSTUDY_ADMIN_TOKEN=usa_… understudy login-link\n' +
        '  understudy login-link --url http://10.0.0.5:4141\n' +
        '  understudy login-link --json | jq -r .url\n' +
        '\nThe link works once, within 10 minutes, on the gateway that made it (a restart forgets it).',
    )
    .action(async (options: LoginLinkOptions) => {
      const adminToken = process.env.UNDERSTUDY_ADMIN_TOKEN;
      if (adminToken === undefined || adminToken === '') {
        throw new UnderstudyError('invalid_request', 'Set UNDERSTUDY_ADMIN_TOKEN to the gateway\'s admin token (printed when its data directory was first used; `understudy admin-token --rotate` makes a new one).');
      }
      const base = gatewayUrl(options);
      const link = await requestLoginLink(base, adminToken);
      if (options.json) return printJson(link);
      process.stdout.write(`Dashboard login link (works once, until ${new Date(link.expiresAt).toLocaleTimeString()}):\n  ${colour.bold(link.url)}\n`);
    });
}

function gatewayUrl(options: LoginLinkOptions): URL {
  if (options.url !== undefined) {
    const parsed = URL.canParse(options.url) ? new URL(options.url) : null;
    if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new UnderstudyError('invalid_request', `--url must be an http(s) address such as http://127.0.0.1:4141, not '${options.url}'.`, { param: 'url' });
    }
    return parsed;
  }
  const { host, port } = loadConfig({ configPath: options.config }).config.gateway;
  // A wildcard bind is reachable on loopback.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return new URL(`http://${reachable}:${port}`);
}

async function requestLoginLink(base: URL, adminToken: string): Promise<z.infer<typeof loginLinkSchema>> {
  let response: Response;
  try {
    response = await fetch(new URL('/admin/login-links', base), { method: 'POST', headers: { authorization: `Bearer ${adminToken}` }, signal: AbortSignal.timeout(requestTimeoutMs) });
  } catch (error) {
    throw new UnderstudyError('upstream_unreachable', `No gateway answers at ${base.origin}: start one with \`understudy serve\`, or point --url at it.`, { cause: error });
  }
  const body = parseJson(await response.text());
  if (!response.ok) {
    if (response.status === 401) {
      throw new UnderstudyError('invalid_admin_token', `The gateway at ${base.origin} refused UNDERSTUDY_ADMIN_TOKEN: it is not this gateway's admin token (a rotated token counts once the gateway restarts).`);
    }
    const refusal = errorBodySchema.safeParse(body);
    const code = refusal.success && refusal.data.error.code !== null && Object.hasOwn(errorCodes, refusal.data.error.code) ? (refusal.data.error.code as ErrorCode) : 'upstream_error';
    throw new UnderstudyError(code, `The gateway at ${base.origin} answered ${response.status}: ${refusal.success ? refusal.data.error.message : 'no Understudy error body (is this an Understudy gateway?)'}`);
  }
  const link = loginLinkSchema.safeParse(body);
  if (!link.success) throw new UnderstudyError('upstream_error', `The gateway at ${base.origin} answered without a login link (is this an Understudy gateway?).`);
  // The gateway sees only the address it was reached at; behind a TLS proxy that is plain http. The address the
  // operator used is the one a browser on their side can open.
  const served = new URL(link.data.url);
  return { url: `${base.origin}${served.pathname}${served.search}`, expiresAt: link.data.expiresAt };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
