/**
 * A discovered task as the router and the loop keep it: discovery's working detail (member call ids, template
 * texts) dropped, its signature, tools and output shape kept, and the two facts discovery cannot know — whether
 * the task is open-ended (stays on the LLM) and when it was recorded — supplied by the caller.
 */
import type { KnownTask } from '../contracts/task-signature.ts';
import type { DiscoveredTask } from './discovered-task.ts';

export interface KnownTaskOptions {
  openEnded: boolean;
  /** Epoch milliseconds for `updatedAt`. */
  now: number;
}

export function knownTaskFromDiscovered(task: DiscoveredTask, options: KnownTaskOptions): KnownTask {
  return {
    id: task.id,
    name: task.name,
    source: task.source,
    agency: task.agency,
    signature: { anchors: [...task.signature.anchors], optional: [...task.signature.optional], structure: [...task.signature.structure] },
    tools: [...task.tools],
    responseFormat: task.responseFormat,
    callCount: task.callIds.length,
    openEnded: options.openEnded,
    updatedAt: options.now,
  };
}
