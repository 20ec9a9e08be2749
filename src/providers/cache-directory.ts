/**
 * Where downloaded weights (`models/`) and Python environments (`python/`) live: `UNDERSTUDY_CACHE_DIR` when set,
 * else the data directory. Several data directories (projects, test runs, benchmark runs) can share one cache,
 * so a 100 MB model or a training environment is fetched once per machine rather than once per directory.
 */
import path from 'node:path';

export function cacheDirectory(dataDir: string, environment: NodeJS.ProcessEnv = process.env): string {
  const shared = environment['UNDERSTUDY_CACHE_DIR'];
  return shared !== undefined && shared !== '' ? path.resolve(shared) : dataDir;
}
