/**
 * What discovery produces: the recurring tasks in a set of logged calls. Declared tasks (the
 * `x-understudy-task` header, SDK option or `metadata.understudy_task`) are taken as given; the rest are found
 * by template mining (fixed skeleton vs variable slots, tools offered, response_format) and, for free-form
 * prompts, embedding + clustering.
 */
import type { TaskSignature } from '../contracts/task-signature.ts';

/**
 * *code agency*: controller code issues templated calls, one task per template family. *language-model
 * agency*: one system prompt and a growing conversation in which the model picks the next tool; the task is
 * "the next step under this prompt".
 */
export type Agency = 'code' | 'language-model';

export interface TaskTemplate {
  /** The skeleton with variable slots written `{{slot_N}}`, messages separated by `\n---\n`, role first. */
  text: string;
  calls: number;
}

export interface DiscoveredTask {
  /** Stable id: the declared name, or `t-` + a hash of the task's defining features (same traffic → same id). */
  id: string;
  /** Readable name from template text and tool names, e.g. `extract-contact-details`, or the declared name. */
  name: string;
  source: 'declared' | 'discovered';
  agency: Agency;
  /** Member calls, in the order they were given. */
  callIds: string[];
  /** The most frequent skeletons (at most a handful), most common first. */
  templates: TaskTemplate[];
  /** Names of the tools offered to this task's calls (union, sorted). */
  tools: string[];
  /** `json_schema:<name>`, `json_object`, or null when no call asked for structured output. */
  responseFormat: string | null;
  /** What a live call of this task carries: how the router recognises it without rerunning discovery. */
  signature: TaskSignature;
}

export interface DiscoveryResult {
  tasks: DiscoveredTask[];
  /** Calls that belong to no task (noise in clustering, or unusable input), with a counted reason each. */
  unassigned: Array<{ callId: string; reason: string }>;
  /** Skipped inputs by reason (malformed content, binary junk, …). */
  skipped: Record<string, number>;
  embedder: string;
  seconds: number;
}
