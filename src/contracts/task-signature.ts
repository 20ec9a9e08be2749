/**
 * How a live call is recognised as one of the known tasks without rerunning discovery: the skeleton that
 * discovery found for the task, as the features `extractCallFeatures` reads from a call (role-prefixed
 * normalised sentences `s:`/`u:` and structure keys `p:`/`t:`/`r:`). Written by discovery, stored with the task,
 * read by the router's classifier.
 */
export interface TaskSignature {
  /** Skeleton sentences present in (nearly) every member call: all must be present for a template match. */
  anchors: string[];
  /** Other skeleton sentences seen in member calls (alternatives, optional blocks), for nearest-task scoring. */
  optional: string[];
  /** Structure keys every member call carries (template parameters, tools offered, response format). */
  structure: string[];
}

/** A task as the router and the loop know it: discovered (or declared) once, stored, reused. */
export interface KnownTask {
  id: string;
  name: string;
  source: 'declared' | 'discovered';
  agency: 'code' | 'language-model';
  signature: TaskSignature;
  tools: string[];
  responseFormat: string | null;
  /** Member calls when the task was last discovered. */
  callCount: number;
  /** Open-ended tasks (free conversation, research) stay on the LLM: the loop never trains for them. */
  openEnded: boolean;
  updatedAt: number;
}
