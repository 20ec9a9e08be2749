/**
 * Starts our gateway in a process of its own (`gateway-process.ts`) in front of `upstreamUrl`. Its
 * `ready.apiKey` is a valid gateway key; `drain()` flushes its log writer and counts the stored calls.
 */
import type { GatewayLoggingMode } from './child-service-messages.ts';
import { startChildService, type RunningChildService } from './start-child-service.ts';

/** @param extraExecArgv more Node flags for the gateway, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
export function startGatewayProcess(upstreamUrl: string, logging: GatewayLoggingMode, extraExecArgv: readonly string[] = []): Promise<RunningChildService> {
  return startChildService({ entry: new URL('./gateway-process.ts', import.meta.url), args: [upstreamUrl, logging], extraExecArgv });
}
