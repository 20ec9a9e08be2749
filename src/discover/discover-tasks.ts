/**
 * Finds the recurring tasks in logged calls. Declared tasks (header, SDK option, metadata) are taken as
 * given. The rest go through template mining: each call becomes the set of its skeleton features
 * (skeleton-vocabulary.ts: recurring, not-copied sentences collapsed into blocks and alternatives, plus the
 * call-site structure — parameters, tools, response format); calls with the same set form one signature;
 * signatures are clustered with HDBSCAN on an idf-weighted Jaccard distance (or, with an embedder, on the
 * cosine distance of their skeleton texts' embeddings); clusters that play the same role in the agent's runs
 * are joined (merge-exclusive-clusters.ts). Language-model agency — one system prompt, a conversation that
 * grows with tool results — needs no special case: its skeleton is its system prompt and tools, and the
 * growing turns are tool messages, which carry no skeleton.
 *
 * Cost: linear in calls for feature extraction; quadratic only in distinct signatures, capped at
 * `maxClusteredSignatures` (the rest join their nearest cluster).
 */
import { createHash } from 'node:crypto';
import type { CallRecord } from '../contracts/call-record.ts';
import type { TaskSignature } from '../contracts/task-signature.ts';
import type { DiscoveredTask, DiscoveryResult } from './discovered-task.ts';
import type { Embedder } from './embedder.ts';
import { extractCallFeatures, type CallFeatures } from './internal/call-features.ts';
import { hdbscan } from './internal/hdbscan.ts';
import { mergeExclusiveClusters } from './internal/merge-exclusive-clusters.ts';
import { nameTasks, type NameableTask } from './internal/name-task.ts';
import { buildSkeletonVocabulary } from './internal/skeleton-vocabulary.ts';

/** The parts of a call discovery reads; a full CallRecord fits. */
export type DiscoverableCall = Pick<CallRecord, 'id' | 'episodeId' | 'task' | 'request' | 'response'>;

export interface DiscoverTasksOptions {
  /** Cluster signatures by embedding their skeleton text instead of by shared skeleton features. */
  embedder?: Embedder;
  /** Ignore declared task names (to measure discovery against them). */
  ignoreDeclared?: boolean;
  /** Default 2,500. */
  maxClusteredSignatures?: number;
  /** Smallest discovered task, in calls. Default: 0.5% of the calls, between 5 and 50. */
  minTaskCalls?: number;
}

interface Signature {
  features: number[];
  members: number[];
  weight: number;
}

export async function discoverTasks(calls: readonly DiscoverableCall[], options: DiscoverTasksOptions = {}): Promise<DiscoveryResult> {
  const started = performance.now();
  const skipped: Record<string, number> = {};
  const readable: CallFeatures[] = [];
  for (const call of calls) {
    let result;
    try {
      result = extractCallFeatures(call, { conversationKeys: true });
    } catch (error) {
      result = { ok: false as const, reason: `unreadable call (${error instanceof Error ? error.name : 'error'})` };
    }
    if (result.ok) readable.push(result.features);
    else skipped[result.reason] = (skipped[result.reason] ?? 0) + 1;
  }

  const tasks: DiscoveredTask[] = [];
  const declared = new Map<string, CallFeatures[]>();
  const undeclared: CallFeatures[] = [];
  for (const features of readable) {
    if (!options.ignoreDeclared && features.declaredTask !== null) {
      const list = declared.get(features.declaredTask) ?? [];
      list.push(features);
      declared.set(features.declaredTask, list);
    } else {
      undeclared.push(features);
    }
  }

  const vocabulary = buildSkeletonVocabulary(readable);
  const nameable = new Map<DiscoveredTask, NameableTask>();
  const add = ({ task, naming }: { task: DiscoveredTask; naming: NameableTask }) => {
    tasks.push(task);
    nameable.set(task, naming);
  };
  for (const [name, members] of [...declared].sort((a, b) => a[0].localeCompare(b[0]))) {
    add(describeTask(members, vocabulary, { id: name, name, source: 'declared' }));
  }

  const unassigned: DiscoveryResult['unassigned'] = [];
  if (undeclared.length > 0) {
    const groups = await clusterUndeclared(undeclared, vocabulary, options);
    for (const members of groups.tasks) add(describeTask(members, vocabulary, null));
    for (const features of groups.noise) unassigned.push({ callId: features.callId, reason: 'shares no template with any task' });
  }
  // Named together: a task's name is made of the words that set it apart from the others.
  const names = nameTasks(tasks.map((task) => nameable.get(task)!));
  tasks.forEach((task, index) => {
    if (task.source !== 'declared') task.name = names[index]!;
  });
  tasks.sort((a, b) => b.callIds.length - a.callIds.length || a.id.localeCompare(b.id));
  makeUnique(tasks);
  return {
    tasks,
    unassigned,
    skipped,
    embedder: options.embedder?.name ?? 'template features',
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Ids and names must each name one task (the store, the dashboard and `--task` look tasks up by them): where two
 * discovered tasks still share one, the smaller gets a `-2`, `-3`… suffix (tasks arrive largest first).
 * Declared tasks keep theirs.
 */
function makeUnique(tasks: DiscoveredTask[]): void {
  for (const key of ['id', 'name'] as const) {
    // Declared names are the agent's own: they keep them, and discovered tasks make way.
    const seen = new Set<string>(tasks.filter((task) => task.source === 'declared').map((task) => task[key]));
    for (const task of tasks) {
      if (task.source === 'declared') continue;
      let value = task[key];
      for (let suffix = 2; seen.has(value); suffix += 1) value = `${task[key]}-${suffix}`;
      seen.add(value);
      task[key] = value;
    }
  }
}

async function clusterUndeclared(
  calls: readonly CallFeatures[],
  vocabulary: ReturnType<typeof buildSkeletonVocabulary>,
  options: DiscoverTasksOptions,
): Promise<{ tasks: CallFeatures[][]; noise: CallFeatures[] }> {
  const byKey = new Map<string, Signature>();
  const signatureOfCall: Signature[] = [];
  for (let index = 0; index < calls.length; index += 1) {
    const call = calls[index]!;
    const ids = new Set<number>();
    for (const key of call.sentences) {
      const id = vocabulary.featureOf.get(key);
      if (id !== undefined) ids.add(id);
    }
    for (const key of call.structure) ids.add(vocabulary.featureOf.get(key)!);
    const features = [...ids].sort((a, b) => a - b);
    const key = features.join(',');
    let signature = byKey.get(key);
    if (signature === undefined) byKey.set(key, (signature = { features, members: [], weight: 0 }));
    signature.members.push(index);
    signature.weight += 1;
    signatureOfCall.push(signature);
  }
  const signatures = [...byKey.entries()].sort((a, b) => b[1].weight - a[1].weight || byText(a[0], b[0])).map(([, signature]) => signature);
  const total = calls.length;

  const documentFrequency = new Float64Array(vocabulary.featureCount);
  for (const signature of signatures) for (const id of signature.features) documentFrequency[id]! += signature.weight;
  const idf = Float64Array.from(documentFrequency, (frequency) => (frequency > 0 ? Math.log(total / frequency) + 0.01 : 0));

  const clustered = signatures.slice(0, options.maxClusteredSignatures ?? 2500);
  const distance = options.embedder
    ? await embeddingDistance(clustered, calls, vocabulary, options.embedder)
    : (a: Signature, b: Signature) => 1 - weightedJaccard(a.features, b.features, idf);
  const matrix = new Float32Array(clustered.length * clustered.length);
  for (let i = 0; i < clustered.length; i += 1) {
    for (let j = 0; j < i; j += 1) {
      const value = distance(clustered[i]!, clustered[j]!);
      matrix[i * clustered.length + j] = value;
      matrix[j * clustered.length + i] = value;
    }
  }
  const at = (i: number, j: number) => matrix[i * clustered.length + j]!;
  const minTaskCalls = options.minTaskCalls ?? Math.max(5, Math.min(50, Math.round(total * 0.005)));
  const result = hdbscan(clustered.length, at, clustered.map((signature) => signature.weight), { minClusterSize: minTaskCalls, minSamples: 5 });

  // Noise and signatures beyond the cap join the cluster they are closest to on average, if they share
  // anything with it; otherwise they stay unassigned.
  const label = new Map<Signature, number>();
  const clusterMembers = new Map<number, number[]>();
  clustered.forEach((signature, index) => {
    const cluster = result.labels[index]!;
    if (cluster < 0) return;
    label.set(signature, cluster);
    const list = clusterMembers.get(cluster) ?? [];
    list.push(index);
    clusterMembers.set(cluster, list);
  });
  const nearest = (distanceTo: (member: number) => number): number => {
    let best = -1;
    let bestSimilarity = 0;
    for (const [cluster, members] of clusterMembers) {
      let sum = 0;
      let weight = 0;
      for (const member of members) {
        sum += (1 - distanceTo(member)) * clustered[member]!.weight;
        weight += clustered[member]!.weight;
      }
      if (sum / weight > bestSimilarity) {
        bestSimilarity = sum / weight;
        best = cluster;
      }
    }
    return best;
  };
  clustered.forEach((signature, index) => {
    if (result.labels[index]! < 0) label.set(signature, nearest((member) => at(index, member)));
  });
  for (const signature of signatures.slice(clustered.length)) {
    label.set(signature, nearest((member) => 1 - weightedJaccard(signature.features, clustered[member]!.features, idf)));
  }

  const merged = mergeExclusiveClusters(
    calls.map((call, index) => ({ cluster: label.get(signatureOfCall[index]!) ?? -1, episode: call.episode, structure: call.structure.filter((key) => !key.startsWith('r:')).join('|'), system: call.systemText, features: signatureOfCall[index]!.features })),
  );
  joinToolLoopConversations(calls, merged);
  joinContinuedConversations(calls, merged);
  const tasks = new Map<number, CallFeatures[]>();
  const noise: CallFeatures[] = [];
  calls.forEach((call, index) => {
    const cluster = merged[index]!;
    if (cluster < 0) {
      noise.push(call);
      return;
    }
    const list = tasks.get(cluster) ?? [];
    list.push(call);
    tasks.set(cluster, list);
  });
  return { tasks: [...tasks.values()], noise };
}

/**
 * Language-model agency: calls of one run under the same system prompt and tools, whose conversations carry
 * tool results, are steps of one loop and so one task, however different their latest turns look. Clusters
 * linked this way in at least three runs are joined.
 */
function joinToolLoopConversations(calls: readonly CallFeatures[], labels: Int32Array): void {
  const clustersOfConversation = new Map<string, Set<number>>();
  calls.forEach((call, index) => {
    if (call.toolNames.length === 0 || labels[index]! < 0) return;
    const key = `${call.episode}\u0000${call.systemText}\u0000${call.toolNames.join(',')}`;
    const clusters = clustersOfConversation.get(key) ?? new Set<number>();
    clusters.add(labels[index]!);
    clustersOfConversation.set(key, clusters);
  });
  const links = new Map<string, number>();
  for (const clusters of clustersOfConversation.values()) {
    const sorted = [...clusters].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i += 1) {
      const key = `${sorted[0]},${sorted[i]}`;
      links.set(key, (links.get(key) ?? 0) + 1);
    }
  }
  for (const [key, runs] of links) {
    if (runs < 3) continue;
    const [keep, drop] = key.split(',').map(Number) as [number, number];
    const target = labels.find((label) => label === keep) === undefined ? drop : keep;
    for (let index = 0; index < labels.length; index += 1) if (labels[index] === drop) labels[index] = target;
  }
}

/**
 * A chat's next turn repeats the conversation so far plus the answer and a new user message; its new turn
 * may come from a pool of follow-ups (recurring text), which alone would make later turns look like a task of
 * their own. A cluster whose calls nearly all continue an earlier call of their run (their prompt before the
 * last assistant turn is that call's prompt) joins the cluster they mostly continue. A step that only
 * sometimes continues another step's conversation (a repair request sent either in a fresh prompt or as the
 * next turn) stays apart.
 */
function joinContinuedConversations(calls: readonly CallFeatures[], labels: Int32Array): void {
  const clusterOfPrompt = new Map<string, number>();
  calls.forEach((call, index) => {
    if (call.promptKey !== null && labels[index]! >= 0) clusterOfPrompt.set(`${call.episode}\u0000${call.promptKey}`, index);
  });
  const size = new Map<number, number>();
  const links = new Map<number, Map<number, number>>();
  calls.forEach((call, index) => {
    const cluster = labels[index]!;
    if (cluster < 0) return;
    size.set(cluster, (size.get(cluster) ?? 0) + 1);
    if (call.continuesKey === null) return;
    const earlier = clusterOfPrompt.get(`${call.episode}\u0000${call.continuesKey}`);
    if (earlier === undefined) return;
    const row = links.get(cluster) ?? new Map<number, number>();
    row.set(labels[earlier]!, (row.get(labels[earlier]!) ?? 0) + 1);
    links.set(cluster, row);
  });
  const parent = new Map<number, number>();
  const find = (cluster: number): number => {
    let root = cluster;
    while (parent.has(root)) root = parent.get(root)!;
    return root;
  };
  // Largest continuing clusters first, so chains of turns (turn 3 continues turn 2) settle on the first turn.
  for (const [cluster, row] of [...links].sort((a, b) => (size.get(b[0]) ?? 0) - (size.get(a[0]) ?? 0) || a[0] - b[0])) {
    const continuing = [...row.values()].reduce((sum, count) => sum + count, 0);
    if (continuing < 0.8 * size.get(cluster)!) continue;
    const [target, count] = [...row].filter(([other]) => other !== cluster).sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [cluster, 0];
    if (count < 3 || find(target) === find(cluster)) continue;
    parent.set(find(cluster), find(target));
  }
  if (parent.size === 0) return;
  for (let index = 0; index < labels.length; index += 1) if (labels[index]! >= 0) labels[index] = find(labels[index]!);
}

function weightedJaccard(a: readonly number[], b: readonly number[], weight: Float64Array): number {
  let shared = 0;
  let union = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) {
      union += weight[x!]!;
      i += 1;
    } else if (x === undefined || y < x) {
      union += weight[y]!;
      j += 1;
    } else {
      shared += weight[x]!;
      union += weight[x]!;
      i += 1;
      j += 1;
    }
  }
  return union > 0 ? shared / union : 1;
}

async function embeddingDistance(
  signatures: readonly Signature[],
  calls: readonly CallFeatures[],
  vocabulary: ReturnType<typeof buildSkeletonVocabulary>,
  embedder: Embedder,
): Promise<(a: Signature, b: Signature) => number> {
  const texts = signatures.map((signature) => skeletonText(calls[signature.members[0]!]!, vocabulary));
  const vectors = await embedder.embed(texts);
  const indexOf = new Map(signatures.map((signature, index) => [signature, index] as const));
  return (a, b) => {
    const x = vectors[indexOf.get(a)!]!;
    const y = vectors[indexOf.get(b)!]!;
    let dot = 0;
    for (let k = 0; k < x.length; k += 1) dot += x[k]! * y[k]!;
    return 1 - dot;
  };
}

/** The call's skeleton as text: its kept sentences in order, then its structure keys. */
export function skeletonText(call: CallFeatures, vocabulary: ReturnType<typeof buildSkeletonVocabulary>): string {
  const kept = call.sentences.filter((sentence) => vocabulary.featureOf.has(sentence)).map((sentence) => sentence.slice(2));
  return [...kept, ...call.structure].join('\n');
}

function describeTask(
  members: readonly CallFeatures[],
  vocabulary: ReturnType<typeof buildSkeletonVocabulary>,
  fixed: { id: string; name: string; source: 'declared' } | null,
): { task: DiscoveredTask; naming: NameableTask } {
  const toolCounts = new Set<string>();
  const formats = new Map<string, number>();
  const templates = new Map<string, number>();
  let toolLoop = 0;
  for (const call of members) {
    for (const tool of call.toolNames) toolCounts.add(tool);
    if (call.responseFormat !== null) formats.set(call.responseFormat, (formats.get(call.responseFormat) ?? 0) + 1);
    if (call.toolLoop && call.toolNames.length > 0) toolLoop += 1;
    const template = templateText(call, vocabulary);
    templates.set(template, (templates.get(template) ?? 0) + 1);
  }
  // Ties broken by text: the task's name and id come from these, and must not depend on the order calls arrived in.
  const byUse = [...templates].sort((a, b) => b[1] - a[1] || byText(a[0], b[0])).map(([text, calls]) => ({ text, calls }));
  const topTemplates = byUse.slice(0, 3);
  const responseFormat = [...formats].sort((a, b) => b[1] - a[1] || byText(a[0], b[0]))[0]?.[0] ?? null;
  const tools = [...toolCounts].sort();
  const agency = toolLoop > members.length / 3 ? 'language-model' : 'code';
  const signature = describeSignature(members, vocabulary);
  // The top template alone is not enough: clusters whose top template is all slots would share one id.
  const identity = [topTemplates[0]?.text ?? '', ...signature.anchors, ...signature.structure, ...tools, responseFormat ?? ''].join('\u0000');
  const id = fixed?.id ?? `t-${createHash('sha256').update(identity).digest('hex').slice(0, 10)}`;
  const task: DiscoveredTask = {
    id,
    name: fixed?.name ?? id,
    source: fixed?.source ?? 'discovered',
    agency,
    callIds: members.map((call) => call.callId),
    templates: topTemplates,
    tools,
    responseFormat,
    signature,
  };
  // Discovered tasks are named once all tasks are known (nameTasks); until then their name is their id.
  return { task, naming: { templates: byUse.slice(0, 200), calls: members.length, tools, responseFormat, agency } };
}

/** Share of member calls a skeleton sentence or structure key must appear in to be required of the task. */
const anchorShare = 0.9;
const maxOptionalSentences = 300;

/**
 * The task's signature for the router: skeleton sentences nearly every member carries (anchors), the other
 * skeleton sentences its members carry (optional, most frequent first), and the structure keys nearly every
 * member carries. Payload sentences (not in the vocabulary) never enter it.
 */
function describeSignature(members: readonly CallFeatures[], vocabulary: ReturnType<typeof buildSkeletonVocabulary>): TaskSignature {
  const sentenceCounts = new Map<string, number>();
  const structureCounts = new Map<string, number>();
  for (const call of members) {
    for (const sentence of call.sentences) if (vocabulary.featureOf.has(sentence)) sentenceCounts.set(sentence, (sentenceCounts.get(sentence) ?? 0) + 1);
    for (const key of call.structure) structureCounts.set(key, (structureCounts.get(key) ?? 0) + 1);
  }
  const required = anchorShare * members.length;
  const byFrequency = (counts: Map<string, number>) => [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const sentences = byFrequency(sentenceCounts);
  return {
    anchors: sentences.filter(([, count]) => count >= required).map(([sentence]) => sentence),
    optional: sentences.filter(([, count]) => count < required).slice(0, maxOptionalSentences).map(([sentence]) => sentence),
    structure: byFrequency(structureCounts).filter(([, count]) => count >= required).map(([key]) => key),
  };
}

/** Skeleton sentences in order; each run of payload sentences becomes one numbered slot. */
function templateText(call: CallFeatures, vocabulary: ReturnType<typeof buildSkeletonVocabulary>): string {
  const parts: string[] = [];
  let role = '';
  let slot = 0;
  let inSlot = false;
  for (const sentence of call.sentences) {
    const sentenceRole = sentence.startsWith('s:') ? 'system' : 'user';
    if (sentenceRole !== role) {
      if (parts.length > 0) parts.push('---');
      parts.push(`${sentenceRole}:`);
      role = sentenceRole;
      inSlot = false;
    }
    if (vocabulary.featureOf.has(sentence)) {
      parts.push(sentence.slice(2));
      inSlot = false;
    } else if (!inSlot) {
      slot += 1;
      parts.push(`{{slot_${slot}}}`);
      inSlot = true;
    }
  }
  return parts.join('\n');
}

function byText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
