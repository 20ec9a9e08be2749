/** Starts one bare proxy of the latency breakdown (`layer-process.ts`) in front of `upstreamUrl`. */
import type { LayerKind } from './child-service-messages.ts';
import { startChildService, type RunningChildService } from './start-child-service.ts';

export function startLayerProcess(kind: LayerKind, upstreamUrl: string): Promise<RunningChildService> {
  return startChildService({ entry: new URL('./layer-process.ts', import.meta.url), args: [kind, upstreamUrl] });
}
