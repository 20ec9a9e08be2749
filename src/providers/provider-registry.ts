/**
 * Model → provider mapping. A provider lists exact model names or `*` globs; the first provider whose
 * list matches wins, else the default provider, else the model is unknown (404 to the client).
 * The provider's key is read from its environment variable when the registry is built and kept in
 * memory only.
 */
import type { ProviderConfig, UnderstudyConfig } from '../contracts/config.ts';
import { UnderstudyError } from '../contracts/errors.ts';

export interface ResolvedProvider {
  name: string;
  /** Base URL without a trailing slash, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  origin: string;
  /** Path prefix of the base URL, e.g. `/v1`. */
  basePath: string;
  apiKey: string | undefined;
  headers: Record<string, string>;
  timeoutMs: number;
  models: readonly string[];
}

export interface ProviderRegistry {
  /** The provider for a model, or undefined when no provider serves it. */
  resolve(model: string): ResolvedProvider | undefined;
  /** The provider for a model named by a CLI flag, or an `invalid_request` that lists what is configured. */
  require(model: string, flag: string): ResolvedProvider;
  list(): readonly ResolvedProvider[];
}

export function createProviderRegistry(config: UnderstudyConfig, environment: NodeJS.ProcessEnv = process.env): ProviderRegistry {
  const providers = config.providers.map((provider) => resolveProvider(provider, config, environment));
  const exact = new Map<string, ResolvedProvider>();
  const globs: Array<{ pattern: RegExp; provider: ResolvedProvider }> = [];
  for (const provider of providers) {
    for (const model of provider.models) {
      if (model.includes('*')) globs.push({ pattern: globToRegExp(model), provider });
      else if (!exact.has(model)) exact.set(model, provider);
    }
  }
  const fallback = providers.find((provider) => provider.name === config.defaultProvider);
  const registry: ProviderRegistry = {
    require(model, flag) {
      const provider = registry.resolve(model);
      if (provider !== undefined) return provider;
      const configured = providers.map((entry) => `${entry.name} (${entry.models.join(', ') || 'no models listed'})`);
      throw new UnderstudyError('invalid_request', `No configured provider serves ${flag} model '${model}': providers are ${configured.join('; ') || 'none'}, and there is no defaultProvider.`);
    },
    resolve(model) {
      const direct = exact.get(model);
      if (direct) return direct;
      for (const glob of globs) if (glob.pattern.test(model)) return glob.provider;
      return fallback;
    },
    list: () => providers,
  };
  return registry;
}

function resolveProvider(provider: ProviderConfig, config: UnderstudyConfig, environment: NodeJS.ProcessEnv): ResolvedProvider {
  const url = new URL(provider.baseUrl);
  const basePath = url.pathname.replace(/\/+$/, '');
  return {
    name: provider.name,
    baseUrl: `${url.origin}${basePath}`,
    origin: url.origin,
    basePath,
    apiKey: provider.apiKeyEnv ? environment[provider.apiKeyEnv] || undefined : undefined,
    headers: provider.headers,
    timeoutMs: provider.timeoutMs ?? config.gateway.upstreamTimeoutMs,
    models: provider.models,
  };
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}
