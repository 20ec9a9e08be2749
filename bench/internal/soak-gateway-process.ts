/**
 * Child-process entry that runs our gateway for the soak benchmark (`bench/soak.ts`), so the memory it
 * reports (`sample-memory`) is the gateway's alone, worker threads included, and not the load generator's.
 * The gateway runs as the CLI runs it: API keys required, logging on with the default log writer, SQLite
 * store. Arguments: the upstream URL, the data directory and the admin token. The parent owns the data
 * directory: after `close()` it opens the store itself to check that every answered call was stored, then
 * removes it.
 */
import { z } from 'zod';
import { parseConfig, type LoadedConfig } from '../../src/contracts/config.ts';
import { startGateway } from '../../src/gateway/start-gateway.ts';
import { benchProviderKey } from './bench-fixtures.ts';
import { runChildService } from './run-child-service.ts';

const argumentsSchema = z.tuple([z.url(), z.string().min(1), z.string().min(16)]);

runChildService(async () => {
  const [upstreamUrl, dataDir, adminToken] = argumentsSchema.parse(process.argv.slice(2));
  const config = parseConfig(
    {
      gateway: { port: 0, requireApiKey: true },
      providers: [{ name: 'stand-in', baseUrl: upstreamUrl, apiKeyEnv: 'BENCH_PROVIDER_KEY', models: ['gpt-4o-mini*'] }],
    },
    'soak benchmark',
  );
  const loaded: LoadedConfig = { config, dataDir, databaseUrl: undefined, configPath: null, environment: {} };
  const gateway = await startGateway({ loaded, environment: { BENCH_PROVIDER_KEY: benchProviderKey, UNDERSTUDY_ADMIN_TOKEN: adminToken } });
  await gateway.store.projects.ensure('soak');
  const { secret } = await gateway.store.apiKeys.create({ projectId: 'soak', name: 'soak benchmark key' });

  return {
    ready: { url: gateway.baseUrl, apiKey: secret },
    async drain() {
      const before = gateway.logWriter.stats();
      const startedAt = performance.now();
      await gateway.logWriter.flush();
      const drainMs = performance.now() - startedAt;
      const after = gateway.logWriter.stats();
      const stored = await gateway.store.calls.count({});
      return { drainMs, pendingAtDrain: before.pending, appended: after.appended, stored, storeErrors: after.storeErrors };
    },
    close: () => gateway.close(),
  };
});
