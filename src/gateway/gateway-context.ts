/**
 * What the gateway's handlers share: configuration, the capture sink, providers and auth. Built once by
 * `createGateway`; handlers receive it instead of reaching for globals, so tests can assemble a gateway
 * around any store, upstream or sink.
 */
import type { UnderstudyConfig } from '../contracts/config.ts';
import type { CallSink } from '../capture/call-sink.ts';
import type { ProviderRegistry } from '../providers/provider-registry.ts';
import type { UpstreamClient } from '../providers/upstream-client.ts';
import type { PricingTable } from '../providers/pricing-table.ts';
import type { Store } from '../store/store.ts';
import type { ApiKeyAuthenticator } from './api-key-authenticator.ts';
import type { AdminTokenState } from './admin-token.ts';
import type { Router } from '../route/router.ts';

export interface GatewayContext {
  config: UnderstudyConfig;
  sink: CallSink;
  providers: ProviderRegistry;
  upstream: UpstreamClient;
  pricing: PricingTable;
  store: Store;
  /** Null when `gateway.requireApiKey` is false: every call then belongs to the `default` project. */
  authenticator: ApiKeyAuthenticator | null;
  adminToken: AdminTokenState;
  /** The heterogeneous router; absent when routing is disabled (every call then goes to the LLM). */
  router?: Router;
  /** The data directory (the dashboard's model list looks for cached weights under it); absent in bare test gateways. */
  dataDir?: string;
  /** Stores every call the log writer holds (a deletion runs it first); absent when the sink is not a writer. */
  flushCalls?: () => Promise<void>;
}

export const defaultProjectId = 'default';
