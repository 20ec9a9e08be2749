/**
 * A step that *extends* another step's prompt is a task of its own. A repair step sends the failed step's
 * prompt plus the failed query and the error; a follow-up turn sends the conversation so far plus a new
 * message. By skeleton such a step is the other one with a section added, close enough to share a cluster;
 * by role it may even stand in for it (a run that starts from a broken saved query repairs instead of writing).
 *
 * Wordings of one prompt substitute text; an extension only adds. So: nearly all calls of the extension
 * (90%) carry at least two skeleton features that the other's calls lack (at most 5% carry them), while the
 * other has nothing of its own (no feature in a fifth of its calls that the extension lacks).
 *
 * Used to keep such pairs apart when clusters are joined (merge-exclusive-clusters.ts). Splitting them out of
 * one cluster on the same rule was tried and split wordings too (research prompts with an optional closing
 * instruction look the same), so it is not done.
 */

/** Skeleton feature counts over a group of calls. */
export interface FeatureTally {
  calls: number;
  counts: ReadonlyMap<number, number>;
}

/** Whether `extension`'s calls are `base`'s prompt with a section added. */
export function isPromptExtension(extension: FeatureTally, base: FeatureTally): boolean {
  return ownFeatures(extension, base, 0.9) >= 2 && ownFeatures(base, extension, 0.2) === 0;
}

/** How many features at least `minShare` of `group`'s calls carry while at most 5% of `other`'s do. */
function ownFeatures(group: FeatureTally, other: FeatureTally, minShare: number): number {
  const limit = 0.05 * other.calls;
  let own = 0;
  for (const [feature, count] of group.counts) if (count >= minShare * group.calls && (other.counts.get(feature) ?? 0) <= limit) own += 1;
  return own;
}
