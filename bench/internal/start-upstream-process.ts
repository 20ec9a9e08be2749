/**
 * Starts the stand-in upstream in a process of its own (see `upstream-process.ts` for why it is not run
 * inside the load generator).
 */
import type { UpstreamProcessOptions } from './child-service-messages.ts';
import { startChildService, type RunningChildService } from './start-child-service.ts';

export function startUpstreamProcess(options: UpstreamProcessOptions): Promise<RunningChildService> {
  return startChildService({ entry: new URL('./upstream-process.ts', import.meta.url), args: [JSON.stringify(options)] });
}
