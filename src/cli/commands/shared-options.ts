/** Options every store-backed command shares, and the one way commands open the configured store. */
import type { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../../contracts/config.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';

export interface GlobalOptions {
  config?: string;
  json?: boolean;
}

export function addCommonOptions(command: Command): Command {
  return command.option('-c, --config <file>', 'config file (default: ./understudy.config.json or ./understudy.config.ts)').option('--json', 'print machine-readable JSON');
}

export async function withConfiguredStore<T>(options: GlobalOptions, work: (store: Store, loaded: LoadedConfig) => Promise<T>): Promise<T> {
  const loaded = loadConfig({ configPath: options.config });
  const store = await openStore({ dataDir: loaded.dataDir, databaseUrl: loaded.databaseUrl });
  try {
    return await work(store, loaded);
  } finally {
    await store.close();
  }
}
