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
  /** Share of each sentence's company that two run-exclusive alternatives must have in common. Default 0.3. */
  minSharedCompany?: number;
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
  const episodeIndex = new Map<string, number>();
  const episodeCount = new Map<string, number>();
  const episodesOfSentence = new Map<string, number[]>();
  const copiedCount = new Map<string, number>();
  for (const call of calls) {
    let seen = byEpisode.get(call.episode);
    if (seen === undefined) byEpisode.set(call.episode, (seen = new Map()));
    let episode = episodeIndex.get(call.episode);
    if (episode === undefined) episodeIndex.set(call.episode, (episode = episodeIndex.size));
    for (const sentence of call.sentences) {
      const system = seen.get(sentence);
      if (system === undefined) {
        seen.set(sentence, call.systemText);
        episodeCount.set(sentence, (episodeCount.get(sentence) ?? 0) + 1);
        const list = episodesOfSentence.get(sentence);
        if (list === undefined) episodesOfSentence.set(sentence, [episode]);
        else list.push(episode);
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

  // Alternatives of a payload slot: values of a slot that stays fixed for a whole run (the database schema,
  // the company's domain, the customer's opening question) never meet in one episode. Their company is the
  // task's skeleton plus each value's own block (the rest of that schema): the block is private to the value,
  // so the comparison above, over all partners, misses them. Here two sentences that never share a call nor an
  // episode are alternatives when the partners they share carry a fair part of each one's company and keep
  // the same rates. Different steps of one agent fail this: they run in the same episodes.
  const episodesOf = kept.map((key) => Int32Array.from(episodesOfSentence.get(key) ?? []).sort());
  episodesOfSentence.clear();
  const minSharedMass = options.minSharedCompany ?? 0.3;
  // The company a has and b lacks must be a's own block: sentences that never run in b's episodes either
  // (the rest of a's schema). A partner of a that does run beside b (another step's prompt) means a and b
  // belong to different steps, not to one slot.
  const privateCompanyStaysAway = (a: number, b: number): boolean => {
    let total = 0;
    let near = 0;
    const partners = [...profiles[a]!].filter(([c]) => c !== b && !isStructure(c)).sort((x, y) => y[1] - x[1]);
    for (const [, rate] of partners) total += rate;
    const episodesB = episodesOf[b]!;
    for (const [c, rate] of partners) {
      if (profiles[b]!.has(c) || rate < 0.02) continue;
      if (sharedEpisodes(episodesOf[c]!, episodesB) > 0.05 * episodesB.length) {
        near += rate;
        if (near > 0.1 * total) return false;
      }
    }
    return true;
  };
  const groupMembers = new Map<number, number[]>();
  for (let id = 0; id < count; id += 1) {
    if (isStructure(id)) continue;
    const root = find(id);
    const list = groupMembers.get(root);
    if (list === undefined) groupMembers.set(root, [id]);
    else list.push(id);
  }
  const episodesOfGroup = new Map<number, Int32Array>();
  const groupEpisodes = (root: number): Int32Array => {
    let episodes = episodesOfGroup.get(root);
    if (episodes === undefined) {
      episodes = groupMembers.get(root)!.reduce<Int32Array>((all, id) => mergeSorted(all, episodesOf[id]!), new Int32Array(0));
      episodesOfGroup.set(root, episodes);
    }
    return episodes;
  };
  const groupsMeet = (ra: number, rb: number): boolean => {
    const [small, large] = groupMembers.get(ra)!.length <= groupMembers.get(rb)!.length ? [ra, rb] : [rb, ra];
    const others = new Set(groupMembers.get(large));
    for (const x of groupMembers.get(small)!) for (const y of cooccurrence[x]!.keys()) if (others.has(y)) return true;
    return false;
  };
  const joinGroups = (ra: number, rb: number) => {
    const episodes = mergeSorted(groupEpisodes(ra), groupEpisodes(rb));
    const members = [...groupMembers.get(ra)!, ...groupMembers.get(rb)!];
    union(ra, rb);
    const root = find(ra);
    for (const old of [ra, rb]) {
      groupMembers.delete(old);
      episodesOfGroup.delete(old);
    }
    groupMembers.set(root, members);
    episodesOfGroup.set(root, episodes);
  };
  for (let a = 0; a < count; a += 1) {
    if (isStructure(a)) continue;
    // Hubs: a's most widespread sentence partners; candidates are their partners.
    const hubs = [...cooccurrence[a]!.keys()].filter((p) => !isStructure(p)).sort((x, y) => frequency[y]! - frequency[x]! || x - y).slice(0, 3);
    const candidates = new Set<number>();
    for (const hub of hubs) for (const b of cooccurrence[hub]!.keys()) if (b > a && !isStructure(b) && find(a) !== find(b)) candidates.add(b);
    for (const b of candidates) {
      const ra = find(a);
      const rb = find(b);
      if (ra === rb || kept[a]!.slice(0, 2) !== kept[b]!.slice(0, 2)) continue;
      if (sharedCompany(profiles[a]!, profiles[b]!, a, b, minSharedMass) < alternativeSimilarity) continue;
      // Whole groups, not just the pair: alternatives chained through a third sentence must still never meet.
      if (groupsMeet(ra, rb)) continue;
      const episodesA = groupEpisodes(ra);
      const episodesB = groupEpisodes(rb);
      if (sharedEpisodes(episodesA, episodesB) > 0.02 * Math.min(episodesA.length, episodesB.length)) continue;
      if (!privateCompanyStaysAway(a, b) || !privateCompanyStaysAway(b, a)) continue;
      joinGroups(ra, rb);
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

/**
 * Cosine over the partners both sentences have, or 0 when those shared partners carry less than `minMass` of
 * either one's company (summed co-occurrence rates).
 */
function sharedCompany(a: Map<number, number>, b: Map<number, number>, skipA: number, skipB: number, minMass: number): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  let sharedA = 0;
  let sharedB = 0;
  let totalA = 0;
  let totalB = 0;
  for (const [key, value] of a) {
    if (key === skipA || key === skipB) continue;
    totalA += value;
    const other = b.get(key);
    if (other === undefined) continue;
    sharedA += value;
    sharedB += other;
    dot += value * other;
    normA += value * value;
    normB += other * other;
  }
  for (const [key, value] of b) if (key !== skipA && key !== skipB) totalB += value;
  if (sharedA < minMass * totalA || sharedB < minMass * totalB || normA === 0 || normB === 0) return 0;
  return dot / Math.sqrt(normA * normB);
}

/** Size of the intersection of two ascending lists. */
function sharedEpisodes(a: Int32Array, b: Int32Array): number {
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i += 1;
    else if (a[i]! > b[j]!) j += 1;
    else {
      shared += 1;
      i += 1;
      j += 1;
    }
  }
  return shared;
}

/** Union of two ascending lists, ascending, without repeats. */
function mergeSorted(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (n === 0 || out[n - 1] !== next) out[n++] = next;
  }
  return out.subarray(0, n);
}
