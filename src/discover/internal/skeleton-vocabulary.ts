/**
 * Which sentences are template skeleton, and which of them are interchangeable. Three rules, each generic:
 *
 * 1. *Recurs across runs*: a sentence is a skeleton candidate when it occurs in at least `minEpisodes`
 *    different episodes (payload values rarely recur across runs; counting episodes, not calls, keeps one
 *    long run from promoting its own payload).
 * 2. *Not copied between prompts*: text the agent copies into several prompts of one run (a customer's
 *    message, a schema, a company name) is payload even when it recurs. A sentence that, in more than
 *    `copiedShare` of its episodes, appears in calls with different system prompts is dropped.
 * 3. *Blocks and alternatives*: sentences that always occur together are one block; sentences that never
 *    occur together yet keep the same company (paraphrases drawn from a pool, prompt versions) are
 *    alternatives of one slot. Both collapse to one feature, so wording variants of a task look alike.
 */
import type { CallFeatures } from './call-features.ts';

export interface SkeletonVocabularyOptions {
  minEpisodes?: number;
  copiedShare?: number;
  /** Cosine of co-occurrence profiles above which two exclusive sentences are alternatives. Default 0.8. */
  alternativeSimilarity?: number;
}

export interface SkeletonVocabulary {
  /** Feature id per kept sentence or structure key. Several keys may share an id (blocks, alternatives). */
  featureOf: Map<string, number>;
  featureCount: number;
  /** Sentences dropped as copied payload. */
  copiedPayload: number;
  /** A readable key per feature id (its most frequent member). */
  labels: string[];
}

export function buildSkeletonVocabulary(calls: readonly CallFeatures[], options: SkeletonVocabularyOptions = {}): SkeletonVocabulary {
  const episodes = new Set(calls.map((call) => call.episode)).size;
  const minEpisodes = options.minEpisodes ?? Math.max(3, Math.ceil(episodes * 0.003));
  const copiedShare = options.copiedShare ?? 0.3;
  const alternativeSimilarity = options.alternativeSimilarity ?? 0.8;

  // Rule 1 and 2: episodes per sentence, and episodes where it was copied across different system prompts.
  const byEpisode = new Map<string, Map<string, string | null>>();
  const episodeCount = new Map<string, number>();
  const copiedCount = new Map<string, number>();
  for (const call of calls) {
    let seen = byEpisode.get(call.episode);
    if (seen === undefined) byEpisode.set(call.episode, (seen = new Map()));
    for (const sentence of call.sentences) {
      const system = seen.get(sentence);
      if (system === undefined) {
        seen.set(sentence, call.systemText);
        episodeCount.set(sentence, (episodeCount.get(sentence) ?? 0) + 1);
      } else if (system !== null && system !== call.systemText) {
        seen.set(sentence, null);
        copiedCount.set(sentence, (copiedCount.get(sentence) ?? 0) + 1);
      }
    }
  }
  byEpisode.clear();
  const kept: string[] = [];
  let copiedPayload = 0;
  for (const [sentence, count] of episodeCount) {
    if (count < minEpisodes) continue;
    if ((copiedCount.get(sentence) ?? 0) / count > copiedShare) {
      copiedPayload += 1;
      continue;
    }
    kept.push(sentence);
  }
  const structureKeys = new Set<string>();
  for (const call of calls) for (const key of call.structure) structureKeys.add(key);
  kept.push(...[...structureKeys].sort());
  const index = new Map(kept.map((key, id) => [key, id] as const));

  // Co-occurrence over distinct sentence sets, weighted by how many calls share each set.
  const signatures = new Map<string, { ids: number[]; weight: number }>();
  for (const call of calls) {
    const ids = [...call.sentences, ...call.structure].map((key) => index.get(key)).filter((id): id is number => id !== undefined).sort((a, b) => a - b);
    const key = ids.join(',');
    const entry = signatures.get(key);
    if (entry === undefined) signatures.set(key, { ids, weight: 1 });
    else entry.weight += 1;
  }
  const count = kept.length;
  const frequency = new Float64Array(count);
  const cooccurrence: Array<Map<number, number>> = Array.from({ length: count }, () => new Map());
  for (const { ids, weight } of signatures.values()) {
    for (const a of ids) {
      frequency[a]! += weight;
      const row = cooccurrence[a]!;
      for (const b of ids) if (b !== a) row.set(b, (row.get(b) ?? 0) + weight);
    }
  }

  const parent = Int32Array.from({ length: count }, (_, id) => id);
  const find = (id: number): number => {
    while (parent[id] !== id) {
      parent[id] = parent[parent[id]!]!;
      id = parent[id]!;
    }
    return id;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const isStructure = (id: number) => /^[ptr]:/.test(kept[id]!);

  // Blocks: always together.
  for (let a = 0; a < count; a += 1) {
    if (isStructure(a)) continue;
    for (const [b, together] of cooccurrence[a]!) {
      if (b > a && !isStructure(b) && together >= 0.98 * frequency[a]! && together >= 0.98 * frequency[b]!) union(a, b);
    }
  }

  // Alternatives: never together, same company. Candidates are the partners of a's strongest partners, so
  // the search stays near-linear in the vocabulary instead of quadratic.
  const profile = (a: number): Map<number, number> => {
    const out = new Map<number, number>();
    for (const [b, together] of cooccurrence[a]!) out.set(b, together / frequency[a]!);
    return out;
  };
  const profiles = Array.from({ length: count }, (_, a) => profile(a));
  for (let a = 0; a < count; a += 1) {
    if (isStructure(a)) continue;
    const strongest = [...profiles[a]!].sort((x, y) => y[1] - x[1]).slice(0, 5);
    const candidates = new Set<number>();
    for (const [partner] of strongest) for (const b of cooccurrence[partner]!.keys()) if (b > a && !isStructure(b)) candidates.add(b);
    for (const b of candidates) {
      if (kept[a]!.slice(0, 2) !== kept[b]!.slice(0, 2)) continue;
      const together = cooccurrence[a]!.get(b) ?? 0;
      if (together > 0.02 * Math.min(frequency[a]!, frequency[b]!)) continue;
      if (cosineExcluding(profiles[a]!, profiles[b]!, a, b) >= alternativeSimilarity) union(a, b);
    }
  }

  const featureIdOfRoot = new Map<number, number>();
  const labels: string[] = [];
  const labelWeight: number[] = [];
  const featureOf = new Map<string, number>();
  kept.forEach((key, id) => {
    const root = find(id);
    let feature = featureIdOfRoot.get(root);
    if (feature === undefined) {
      feature = labels.length;
      featureIdOfRoot.set(root, feature);
      labels.push(key);
      labelWeight.push(frequency[id]!);
    } else if (frequency[id]! > labelWeight[feature]!) {
      labels[feature] = key;
      labelWeight[feature] = frequency[id]!;
    }
    featureOf.set(key, feature);
  });
  return { featureOf, featureCount: labels.length, copiedPayload, labels };
}

function cosineExcluding(a: Map<number, number>, b: Map<number, number>, skipA: number, skipB: number): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (const [key, value] of a) {
    if (key === skipA || key === skipB) continue;
    normA += value * value;
    const other = b.get(key);
    if (other !== undefined) dot += value * other;
  }
  for (const [key, value] of b) if (key !== skipA && key !== skipB) normB += value * value;
  return normA > 0 && normB > 0 ? dot / Math.sqrt(normA * normB) : 0;
}
