/**
 * Joins clusters that play the same role in the agent's runs. Controller code calls a task at its step of
 * an episode; when the task's prompt comes in several wordings (prompt versions, paraphrase pools), each
 * wording may form its own cluster. Two such clusters (a) never meet in one episode, (b) have the same
 * call-site structure (parameters, tools, response format) and (c) keep the same company: they co-occur
 * with the same other clusters at the same rates. Two different tasks of one agent fail (a) — they run in
 * the same episodes — or (b). Merging is greedy, best pair first, re-evaluated after every merge.
 *
 * (a) allows for tasks that run more than once per episode: two random pieces of such a task share an episode
 * whenever its two calls there fall in different pieces, so the allowance grows with how often the pair's
 * calls repeat within an episode.
 *
 * One kind of alternative is not a wording: a step that extends another's prompt can stand in for it in a run
 * (a repair of a broken saved query replaces writing one). Such pairs are not merged (prompt-extension.ts).
 */
import { isPromptExtension } from './prompt-extension.ts';

export interface ClusterMember {
  cluster: number;
  episode: string;
  /** Call-site structure key (sorted `p:`/`t:`/`r:` keys joined). */
  structure: string;
  /** The call's system prompt: clusters of a single-task agent (no other cluster in their runs) merge only on an identical one. */
  system: string;
  /** The call's skeleton feature ids. */
  features: readonly number[];
}

export interface MergeExclusiveOptions {
  /** Share of the smaller cluster's episodes allowed to contain both. Default 0.05. */
  maxSharedEpisodes?: number;
  /** Minimum cosine of the two clusters' episode co-occurrence profiles. Default 0.8. */
  minProfileSimilarity?: number;
}

/** Returns a new label per member (labels of merged clusters become the smaller label). */
export function mergeExclusiveClusters(members: readonly ClusterMember[], options: MergeExclusiveOptions = {}): Int32Array {
  const maxShared = options.maxSharedEpisodes ?? 0.05;
  const minSimilarity = options.minProfileSimilarity ?? 0.8;
  const labels = Int32Array.from(members, (member) => member.cluster);
  // Built once, then kept up to date merge by merge: rebuilding from every member after each merge made this
  // step quadratic-ish (merges × calls) and the slowest part of discovery at 100k calls.
  const episodeIds = new Map<string, number>();
  const episodesOf = new Map<number, Set<number>>();
  const structureOf = new Map<number, Map<string, number>>();
  const systemOf = new Map<number, Map<string, number>>();
  const clustersOfEpisode = new Map<number, Set<number>>();
  const callsOf = new Map<number, number>();
  const featuresOf = new Map<number, Map<number, number>>();
  members.forEach((member) => {
    const label = member.cluster;
    if (label < 0) return;
    let episode = episodeIds.get(member.episode);
    if (episode === undefined) episodeIds.set(member.episode, (episode = episodeIds.size));
    let episodes = episodesOf.get(label);
    if (episodes === undefined) episodesOf.set(label, (episodes = new Set()));
    episodes.add(episode);
    let structures = structureOf.get(label);
    if (structures === undefined) structureOf.set(label, (structures = new Map()));
    structures.set(member.structure, (structures.get(member.structure) ?? 0) + 1);
    let systems = systemOf.get(label);
    if (systems === undefined) systemOf.set(label, (systems = new Map()));
    systems.set(member.system, (systems.get(member.system) ?? 0) + 1);
    callsOf.set(label, (callsOf.get(label) ?? 0) + 1);
    let features = featuresOf.get(label);
    if (features === undefined) featuresOf.set(label, (features = new Map()));
    for (const feature of member.features) features.set(feature, (features.get(feature) ?? 0) + 1);
    let clusters = clustersOfEpisode.get(episode);
    if (clusters === undefined) clustersOfEpisode.set(episode, (clusters = new Set()));
    clusters.add(label);
  });
  const dominant = (counts: Map<string, number>) => [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))[0]![0];
  const renamed = new Map<number, number>();
  for (;;) {
    const ids = [...episodesOf.keys()].sort((a, b) => a - b);
    const dominantStructure = new Map(ids.map((id) => [id, dominant(structureOf.get(id)!)] as const));
    const dominantSystem = new Map(ids.map((id) => [id, dominant(systemOf.get(id)!)] as const));
    const tallyOf = (id: number) => ({ calls: callsOf.get(id)!, counts: featuresOf.get(id)! });
    const profiles = new Map(
      ids.map((id) => {
        const profile = new Map<number, number>();
        const episodes = episodesOf.get(id)!;
        for (const episode of episodes) for (const other of clustersOfEpisode.get(episode)!) if (other !== id) profile.set(other, (profile.get(other) ?? 0) + 1 / episodes.size);
        return [id, profile] as const;
      }),
    );
    let best = minSimilarity;
    let pair: [number, number] | null = null;
    for (let x = 0; x < ids.length; x += 1) {
      for (let y = x + 1; y < ids.length; y += 1) {
        const a = ids[x]!;
        const b = ids[y]!;
        if (dominantStructure.get(a) !== dominantStructure.get(b)) continue;
        const profileA = profiles.get(a)!;
        const profileB = profiles.get(b)!;
        // Clusters that share an episode are in each other's profile: count shared episodes only then.
        if (profileA.has(b)) {
          const episodesA = episodesOf.get(a)!;
          const episodesB = episodesOf.get(b)!;
          const [small, large] = episodesA.size <= episodesB.size ? [episodesA, episodesB] : [episodesB, episodesA];
          let shared = 0;
          for (const episode of small) if (large.has(episode)) shared += 1;
          if (shared > maxShared * small.size && !repeatsExplain(shared, small.size, { calls: callsOf.get(a)!, episodes: episodesA.size }, { calls: callsOf.get(b)!, episodes: episodesB.size })) continue;
        }
        if (isPromptExtension(tallyOf(a), tallyOf(b)) || isPromptExtension(tallyOf(b), tallyOf(a))) continue;
        const alone = profileA.size === 0 && profileB.size === 0;
        const similarity = alone ? (dominantSystem.get(a) === dominantSystem.get(b) ? 1 : 0) : profileSimilarity(profileA, profileB, a, b);
        if (similarity > best) {
          best = similarity;
          pair = [a, b];
        }
      }
    }
    if (pair === null) break;
    const [keep, drop] = pair;
    renamed.set(drop, keep);
    const keptEpisodes = episodesOf.get(keep)!;
    for (const episode of episodesOf.get(drop)!) {
      keptEpisodes.add(episode);
      const clusters = clustersOfEpisode.get(episode)!;
      clusters.delete(drop);
      clusters.add(keep);
    }
    episodesOf.delete(drop);
    for (const [counts, gone] of [
      [structureOf.get(keep)!, structureOf.get(drop)!],
      [systemOf.get(keep)!, systemOf.get(drop)!],
    ] as const) {
      for (const [key, count] of gone) counts.set(key, (counts.get(key) ?? 0) + count);
    }
    structureOf.delete(drop);
    systemOf.delete(drop);
    callsOf.set(keep, callsOf.get(keep)! + callsOf.get(drop)!);
    callsOf.delete(drop);
    const keptFeatures = featuresOf.get(keep)!;
    for (const [feature, count] of featuresOf.get(drop)!) keptFeatures.set(feature, (keptFeatures.get(feature) ?? 0) + count);
    featuresOf.delete(drop);
  }
  const finalLabel = (label: number): number => {
    let current = label;
    while (renamed.has(current)) current = renamed.get(current)!;
    return current;
  };
  for (let index = 0; index < labels.length; index += 1) if (labels[index]! >= 0) labels[index] = finalLabel(labels[index]!);
  return labels;
}

/**
 * Cosine over the other clusters. Clusters that meet no other cluster (calls without episodes, single-task
 * agents) give no evidence here; the caller then asks for an identical system prompt instead.
 */
function profileSimilarity(a: Map<number, number>, b: Map<number, number>, idA: number, idB: number): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (const [key, value] of a) {
    if (key === idA || key === idB) continue;
    normA += value * value;
    dot += value * (b.get(key) ?? 0);
  }
  for (const [key, value] of b) if (key !== idA && key !== idB) normB += value * value;
  return normA > 0 && normB > 0 ? dot / Math.sqrt(normA * normB) : 0;
}

/**
 * Whether `shared` episodes are what two random pieces of one task would share, given how often their calls
 * repeat within an episode: of the episodes where the pair's task runs twice, the share split across the two
 * pieces is 2·a·b / (a + b)². Allows half as much again plus two, and never half of the smaller's episodes.
 */
function repeatsExplain(shared: number, smallerEpisodes: number, a: { calls: number; episodes: number }, b: { calls: number; episodes: number }): boolean {
  if (shared > 0.5 * smallerEpisodes) return false;
  const repeatedEpisodes = a.calls - a.episodes + (b.calls - b.episodes) + shared;
  const expected = (repeatedEpisodes * 2 * a.calls * b.calls) / (a.calls + b.calls) ** 2;
  return shared <= 1.5 * expected + 2;
}
