/** Understudy's public API for embedding it in a Node program. */
export * from './capture/index.ts';
export { startGateway, type RunningGateway, type StartGatewayOptions } from './gateway/start-gateway.ts';
export { createGateway } from './gateway/create-gateway.ts';
export { loadConfig, parseConfig, defineConfig, type UnderstudyConfig, type LoadedConfig } from './contracts/config.ts';
export { UnderstudyError, toOpenAIErrorBody, type ErrorCode } from './contracts/errors.ts';
export type { CallRecord } from './contracts/call-record.ts';
export { openStore, type Store } from './store/index.ts';
export { createPricingTable, type PricingTable } from './providers/pricing-table.ts';
