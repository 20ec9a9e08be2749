/**
 * Test support: a real gateway on a loopback port, in front of the fixed stand-in upstream, over a real
 * store in a fresh temp directory (SQLite, or Postgres when a URL is given). Tests talk to it over HTTP
 * exactly as users do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type LoadedConfig } from '../../contracts/config.ts';
import { startFixedUpstream, type FixedUpstream, type FixedUpstreamOptions } from '../../simulate/fixed-upstream.ts';
import { startGateway, type RunningGateway, type StartGatewayOptions } from '../start-gateway.ts';

export interface TestGateway {
  gateway: RunningGateway;
  upstream: FixedUpstream;
  dataDir: string;
  /** A valid gateway key for project `test` (when keys are required). */
  apiKey: string;
  adminToken: string;
  providerKey: string;
  /** The second stand-in, provider `fallback-stand-in`, when `fallbackUpstream` was asked for. */
  fallbackUpstream?: FixedUpstream;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  upstream?: FixedUpstreamOptions;
  /** Extra config merged over the defaults (gateway section merged key by key). */
  gateway?: Record<string, unknown>;
  providerTimeoutMs?: number;
  /** The config's `routing` section (defaults otherwise). */
  routing?: Record<string, unknown>;
  requireApiKey?: boolean;
  databaseUrl?: string;
  /** The built dashboard to serve under `/ui` (default: the package's `dist/ui`). */
  uiDirectory?: string;
  /** Where the gateway reports unexpected (5xx) errors; default stderr. */
  reportError?: StartGatewayOptions['reportError'];
  /** The config's `fallbacks` (model → fallback models). */
  fallbacks?: Record<string, string[]>;
  /** A second stand-in upstream, provider `fallback-stand-in`, serving these models (listed after the first provider). */
  fallbackUpstream?: { models: string[]; upstream?: FixedUpstreamOptions };
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const upstream = await startFixedUpstream(options.upstream);
  const fallbackUpstream = options.fallbackUpstream === undefined ? undefined : await startFixedUpstream(options.fallbackUpstream.upstream);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-gateway-'));
  const providerKey = `sk-test-provider-${Math.random().toString(36).slice(2)}`;
  const adminToken = `usa_test_admin_token_${Math.random().toString(36).slice(2)}`;
  const config = parseConfig(
    {
      gateway: { port: 0, requireApiKey: options.requireApiKey ?? true, ...options.gateway },
      providers: [
        { name: 'stand-in', baseUrl: upstream.url, apiKeyEnv: 'TEST_PROVIDER_KEY', models: ['gpt-4o*', 'text-embedding-*'], timeoutMs: options.providerTimeoutMs },
        ...(fallbackUpstream === undefined || options.fallbackUpstream === undefined
          ? []
          : [{ name: 'fallback-stand-in', baseUrl: fallbackUpstream.url, apiKeyEnv: 'TEST_PROVIDER_KEY', models: options.fallbackUpstream.models, timeoutMs: options.providerTimeoutMs }]),
      ],
      ...(options.fallbacks === undefined ? {} : { fallbacks: options.fallbacks }),
      logWriter: { flushIntervalMs: 20 },
      ...(options.routing === undefined ? {} : { routing: options.routing }),
    },
    'test',
  );
  const environment = { TEST_PROVIDER_KEY: providerKey, UNDERSTUDY_ADMIN_TOKEN: adminToken };
  const loaded: LoadedConfig = { config, dataDir, databaseUrl: options.databaseUrl, configPath: null, environment: {} };
  const gateway = await startGateway({
    loaded,
    environment,
    ...(options.uiDirectory === undefined ? {} : { uiDirectory: options.uiDirectory }),
    ...(options.reportError === undefined ? {} : { reportError: options.reportError }),
  });
  await gateway.store.projects.ensure('test');
  const { secret } = await gateway.store.apiKeys.create({ projectId: 'test', name: 'test key' });
  return {
    gateway,
    upstream,
    dataDir,
    apiKey: secret,
    adminToken,
    providerKey,
    ...(fallbackUpstream === undefined ? {} : { fallbackUpstream }),
    async close() {
      await gateway.close();
      await upstream.close();
      await fallbackUpstream?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
