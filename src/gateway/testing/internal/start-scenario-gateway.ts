/**
 * A real gateway for one fault scenario: the CLI's `startGateway` with logging on, gateway keys required, its
 * own data directory (which a scenario may have mounted as a small filesystem) and the providers, retries,
 * fallbacks and routing the scenario asks for. Unlike `startTestGateway` it does not own its upstreams: a
 * scenario kills and restarts them.
 */
import type { LoadedConfig } from '../../../contracts/config.ts';
import { parseConfig } from '../../../contracts/config.ts';
import { startGateway, type RunningGateway } from '../../start-gateway.ts';

export interface ScenarioProvider {
  name: string;
  /** Base URL including `/v1`. */
  url: string;
  models: string[];
  timeoutMs?: number;
}

export interface ScenarioGatewayOptions {
  dataDir: string;
  databaseUrl?: string;
  providers: ScenarioProvider[];
  /** `gateway.retries` (defaults: the suite's quick retries). */
  retries?: Record<string, unknown>;
  fallbacks?: Record<string, string[]>;
  /** The config's `routing` section; routing is off unless given. */
  routing?: Record<string, unknown>;
}

export interface ScenarioGateway {
  gateway: RunningGateway;
  apiKey: string;
  close(): Promise<void>;
}

/** Retries quick enough for a test: four attempts, 25 ms → 250 ms backoff, Retry-After honoured up to 3 s. */
export const scenarioRetries = { maxAttempts: 4, initialBackoffMs: 25, maxBackoffMs: 250, maxRetryAfterMs: 3_000 };

const providerKeyVariable = 'FAULT_SUITE_PROVIDER_KEY';

export async function startScenarioGateway(options: ScenarioGatewayOptions): Promise<ScenarioGateway> {
  const config = parseConfig(
    {
      gateway: { port: 0, requireApiKey: true, retries: options.retries ?? scenarioRetries },
      providers: options.providers.map((provider) => ({
        name: provider.name,
        baseUrl: provider.url,
        apiKeyEnv: providerKeyVariable,
        models: provider.models,
        ...(provider.timeoutMs === undefined ? {} : { timeoutMs: provider.timeoutMs }),
      })),
      ...(options.fallbacks === undefined ? {} : { fallbacks: options.fallbacks }),
      routing: options.routing ?? { enabled: false },
      logWriter: { flushIntervalMs: 50 },
    },
    'fault suite',
  );
  const environment = { [providerKeyVariable]: 'sk-fault-suite-provider', UNDERSTUDY_ADMIN_TOKEN: 'usa_fault_suite_admin_token_0123456789' };
  const loaded: LoadedConfig = { config, dataDir: options.dataDir, databaseUrl: options.databaseUrl, configPath: null, environment: {} };
  // The gateway's own complaints (store retries, spool refusals) are expected here; the figures tell the story.
  const gateway = await startGateway({ loaded, environment });
  await gateway.store.projects.ensure('faults');
  const { secret } = await gateway.store.apiKeys.create({ projectId: 'faults', name: 'fault suite' });
  return { gateway, apiKey: secret, close: () => gateway.close() };
}
