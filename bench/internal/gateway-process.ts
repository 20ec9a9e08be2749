/**
 * Child-process entry that runs our gateway for the benchmark, so it has its own event loop exactly like
 * Portkey (a gateway sharing the load generator's event loop would be measured unfairly). Arguments: the
 * upstream URL and a logging mode. The gateway runs as the CLI runs it — API keys required, default log
 * writer settings, SQLite store in a fresh temp directory that is removed on close.
 *
 * Logging modes: `on` is the product. The others exist for the latency breakdown (`bench/gateway-layers.ts`)
 * and swap one method on objects the gateway reaches by reference: `off` makes the log writer's `append` do
 * nothing, `serialize-only` makes it only `JSON.stringify` the record (pricing the spool write), and
 * `spool-only` keeps the spool but makes `calls.insertMany` a no-op (pricing the store writes that the
 * background flush does on the gateway's event loop).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseConfig, type LoadedConfig } from '../../src/contracts/config.ts';
import { startGateway } from '../../src/gateway/start-gateway.ts';
import { gatewayLoggingModes } from './child-service-messages.ts';
import { benchProviderKey } from './bench-fixtures.ts';
import { runChildService } from './run-child-service.ts';

const argumentsSchema = z.tuple([z.url(), z.enum(gatewayLoggingModes)]);

runChildService(async () => {
  const [upstreamUrl, logging] = argumentsSchema.parse(process.argv.slice(2));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-bench-'));
  const config = parseConfig(
    {
      gateway: { port: 0, requireApiKey: true },
      providers: [{ name: 'stand-in', baseUrl: upstreamUrl, apiKeyEnv: 'BENCH_PROVIDER_KEY', models: ['gpt-4o-mini*'] }],
    },
    'benchmark',
  );
  const loaded: LoadedConfig = { config, dataDir, databaseUrl: undefined, configPath: null, environment: {} };
  const environment = { BENCH_PROVIDER_KEY: benchProviderKey, UNDERSTUDY_ADMIN_TOKEN: 'usa_bench_admin_token_0123456789' };
  const gateway = await startGateway({ loaded, environment });
  await gateway.store.projects.ensure('bench');
  const { secret } = await gateway.store.apiKeys.create({ projectId: 'bench', name: 'benchmark key' });
  if (logging === 'off') gateway.logWriter.append = () => undefined;
  if (logging === 'serialize-only') gateway.logWriter.append = (record) => void JSON.stringify(record);
  if (logging === 'spool-only') gateway.store.calls.insertMany = async (records) => records.length;

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
    async close() {
      try {
        await gateway.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
});
