/**
 * Recognises a live call's task in microseconds, without rerunning discovery: every known task carries the
 * signature discovery wrote for it (src/contracts/task-signature.ts), and a call is read into the same
 * features discovery reads (role-prefixed normalised sentences, structure keys).
 *
 * Three ways, cheapest first:
 * - *declared*: the agent named the task (header, SDK option) and the name is a known task id. A declared name
 *   that is not known is `unknown`: the agent's word is never overridden by a guess.
 * - *template* (fast path): the call carries every anchor and every structure key of a task, and every
 *   skeleton sentence it carries (one any known task has) is one of that task's anchors or optional
 *   sentences — at least one. The second condition is what makes a task with no sentence-level anchors (its
 *   prompt comes in several versions, so no single sentence is in 90% of its calls) matchable by template
 *   without letting its bare structure keys (`p:temperature=0`) claim every call that shares them. When
 *   several tasks qualify the most specific (most anchors + structure keys) wins. A task with no anchors and
 *   no structure never matches this way.
 * - *nearest* (fallback, e.g. one skeleton sentence reworded): idf-weighted Jaccard between the call's known
 *   features and what the task expects — its anchors and structure, plus those of its optional sentences the
 *   call carries (an alternative wording the call did not use is no evidence against it). Sentences no task
 *   knows are payload and ignored. Best task at or above `nearestThreshold` wins, else `unknown`; so does a
 *   tie between two tasks (nothing in the call tells them apart).
 * One pass over the call's features with one Map lookup each feeds both paths, into scratch arrays reused
 * across calls: the only allocations per call are reading its features and the result.
 * Both template and nearest require the call's tools and response format to be the task's (its structure key
 * when nearly all members carry one; else none or the task's usual one): a specialist trained for one output
 * shape is never handed another.
 */
import type { ClassificationMethod } from '../contracts/route-policy.ts';
import type { KnownTask } from '../contracts/task-signature.ts';
import { extractCallFeatures, type CallFeatures } from '../discover/index.ts';

export interface TaskClassification {
  /** The known task's id; null when unknown. */
  task: string | null;
  method: ClassificationMethod;
  /** 1 for declared and template matches; the weighted Jaccard for nearest (also the best one for unknown). */
  similarity: number;
}

export interface TaskClassifierOptions {
  /** Smallest weighted Jaccard a nearest match needs. Default 0.6. */
  nearestThreshold?: number;
}

export interface TaskClassifier {
  readonly tasks: readonly KnownTask[];
  classify(request: unknown, declaredTask: string | null): TaskClassification;
  /** The fallback alone, skipping the declared and template paths (to time and test it). */
  classifyNearest(request: unknown): TaskClassification;
}

const unknownTask: TaskClassification = Object.freeze({ task: null, method: 'unknown', similarity: 0 });

export function createTaskClassifier(tasks: readonly KnownTask[], options: TaskClassifierOptions = {}): TaskClassifier {
  const threshold = options.nearestThreshold ?? 0.6;
  const taskCount = tasks.length;
  const idIndex = new Map<string, number>();
  tasks.forEach((task, index) => {
    if (!idIndex.has(task.id)) idIndex.set(task.id, index);
  });
  // Output shape a call must have: the task's tools / response-format structure key when its members
  // (nearly) all carry one; otherwise none, or the task's usual one when only some members carry it.
  const shapeOf = (task: KnownTask, prefix: 't:' | 'r:', usual: string | null): [string | null, string | null] => {
    const required = task.signature.structure.find((key) => key.startsWith(prefix));
    return required !== undefined ? [required, required] : [null, usual === null ? null : prefix + usual];
  };
  const toolsShape = tasks.map((task) => shapeOf(task, 't:', task.tools.length > 0 ? task.tools.join(',') : null));
  const formatShape = tasks.map((task) => shapeOf(task, 'r:', task.responseFormat));
  const shapeFits = (index: number, tools: string | null, format: string | null): boolean => {
    const [toolsA, toolsB] = toolsShape[index]!;
    const [formatA, formatB] = formatShape[index]!;
    return (tools === toolsA || tools === toolsB) && (format === formatA || format === formatB || schemaGrew(formatA, format) || schemaGrew(formatB, format));
  };
  // A task whose schema gained fields since discovery (the agent's developer added one) is still that task: its
  // calls keep their route, and the specialist trained on the old shape is checked like any other — its answers
  // fail validation or disagree, they escalate, and the loop retrains on the new shape.
  const grownFormatHit = (index: number, format: string | null): number => {
    const required = formatShape[index]![0];
    return required !== null && format !== required && schemaGrew(required, format) ? 1 : 0;
  };

  // One posting list per feature: the tasks whose signature has it, and in which role.
  const raw = new Map<string, Array<[task: number, kind: FeatureKind]>>();
  const anchorCount = new Int32Array(taskCount);
  const structureCount = new Int32Array(taskCount);
  tasks.forEach((task, index) => {
    const kinds = new Map<string, FeatureKind>();
    for (const key of task.signature.optional) kinds.set(key, optionalKind);
    for (const key of task.signature.anchors) kinds.set(key, anchorKind);
    for (const key of task.signature.structure) kinds.set(key, structureKind);
    for (const [key, kind] of kinds) {
      if (kind === anchorKind) anchorCount[index]! += 1;
      if (kind === structureKind) structureCount[index]! += 1;
      const list = raw.get(key);
      if (list === undefined) raw.set(key, [[index, kind]]);
      else list.push([index, kind]);
    }
  });
  const postings = new Map<string, Posting>();
  for (const [key, list] of raw) {
    postings.set(key, {
      weight: Math.log(1 + taskCount / list.length),
      tasks: Int32Array.from(list, ([index]) => index),
      kinds: Uint8Array.from(list, ([, kind]) => kind),
    });
  }
  const coreWeight = new Float64Array(taskCount);
  const specificity = new Int32Array(taskCount);
  tasks.forEach((task, index) => {
    specificity[index] = anchorCount[index]! + structureCount[index]!;
    for (const key of new Set([...task.signature.anchors, ...task.signature.structure])) coreWeight[index]! += postings.get(key)!.weight;
  });

  // Scratch space reused across calls (classification is synchronous, so one set suffices).
  const touched = new Int32Array(taskCount);
  const seen = new Uint8Array(taskCount);
  const anchorHits = new Int32Array(taskCount);
  const structureHits = new Int32Array(taskCount);
  const sentenceHits = new Int32Array(taskCount);
  const sharedCore = new Float64Array(taskCount);
  const sharedOptional = new Float64Array(taskCount);

  const classifyFeatures = (features: CallFeatures, allowTemplate: boolean): TaskClassification => {
    let tools: string | null = null;
    let format: string | null = null;
    for (let k = 0; k < features.structure.length; k += 1) {
      const key = features.structure[k]!;
      if (key.charCodeAt(0) === 116 /* t */) tools = key;
      else if (key.charCodeAt(0) === 114 /* r */) format = key;
    }
    let touchedCount = 0;
    let known = 0;
    let knownSentences = 0;
    const read = (key: string, isSentence: boolean) => {
      const posting = postings.get(key);
      if (posting === undefined) return;
      known += posting.weight;
      if (isSentence) knownSentences += 1;
      for (let k = 0; k < posting.tasks.length; k += 1) {
        const index = posting.tasks[k]!;
        if (seen[index] === 0) {
          seen[index] = 1;
          touched[touchedCount++] = index;
        }
        const kind = posting.kinds[k]!;
        if (kind === optionalKind) {
          sharedOptional[index]! += posting.weight;
          sentenceHits[index]! += 1;
        } else {
          sharedCore[index]! += posting.weight;
          if (kind === anchorKind) {
            anchorHits[index]! += 1;
            sentenceHits[index]! += 1;
          } else {
            structureHits[index]! += 1;
          }
        }
      }
    };
    for (let k = 0; k < features.sentences.length; k += 1) read(features.sentences[k]!, true);
    for (let k = 0; k < features.structure.length; k += 1) read(features.structure[k]!, false);

    let template = -1;
    let nearest = -1;
    let bestSimilarity = 0;
    let tied = false;
    for (let k = 0; k < touchedCount; k += 1) {
      const index = touched[k]!;
      if (shapeFits(index, tools, format)) {
        if (
          allowTemplate &&
          specificity[index]! > 0 &&
          anchorHits[index] === anchorCount[index] &&
          structureHits[index]! + grownFormatHit(index, format) === structureCount[index] &&
          sentenceHits[index]! > 0 &&
          sentenceHits[index] === knownSentences &&
          (template < 0 || moreSpecific(index, template))
        ) {
          template = index;
        }
        const union = coreWeight[index]! + known - sharedCore[index]!;
        const similarity = union > 0 ? (sharedCore[index]! + sharedOptional[index]!) / union : 0;
        if (similarity > bestSimilarity) {
          bestSimilarity = similarity;
          nearest = index;
          tied = false;
        } else if (similarity === bestSimilarity && similarity > 0) {
          tied = true;
        }
      }
      seen[index] = 0;
      anchorHits[index] = 0;
      structureHits[index] = 0;
      sentenceHits[index] = 0;
      sharedCore[index] = 0;
      sharedOptional[index] = 0;
    }
    if (template >= 0) return { task: tasks[template]!.id, method: 'template', similarity: 1 };
    if (nearest >= 0 && !tied && bestSimilarity >= threshold) return { task: tasks[nearest]!.id, method: 'nearest', similarity: bestSimilarity };
    return { task: null, method: 'unknown', similarity: bestSimilarity };
  };

  const moreSpecific = (index: number, than: number): boolean =>
    specificity[index]! !== specificity[than]! ? specificity[index]! > specificity[than]! : tasks[index]!.callCount !== tasks[than]!.callCount ? tasks[index]!.callCount > tasks[than]!.callCount : index < than;

  return {
    tasks,
    classify(request, declaredTask) {
      if (declaredTask !== null) {
        const index = idIndex.get(declaredTask);
        return index === undefined ? unknownTask : { task: tasks[index]!.id, method: 'declared', similarity: 1 };
      }
      const features = readFeatures(request);
      return features === null ? unknownTask : classifyFeatures(features, true);
    },
    classifyNearest(request) {
      const features = readFeatures(request);
      return features === null ? unknownTask : classifyFeatures(features, false);
    },
  };
}

type FeatureKind = typeof optionalKind | typeof anchorKind | typeof structureKind;
const optionalKind = 0;
const anchorKind = 1;
const structureKind = 2;

interface Posting {
  /** idf over the known tasks: a feature every task has weighs little. */
  weight: number;
  tasks: Int32Array;
  kinds: Uint8Array;
}

function readFeatures(request: unknown): CallFeatures | null {
  let result;
  try {
    result = extractCallFeatures({ id: '', episodeId: null, task: null, request, response: null });
  } catch {
    return null;
  }
  return result.ok ? result.features : null;
}

/** `r:json_schema:<keys>` of a call whose schema has every key of the task's schema, and more. */
function schemaGrew(taskKey: string | null, callKey: string | null): boolean {
  const prefix = 'r:json_schema:';
  if (taskKey === null || callKey === null || !taskKey.startsWith(prefix) || !callKey.startsWith(prefix) || taskKey === callKey) return false;
  const callFields = new Set(callKey.slice(prefix.length).split(','));
  const taskFields = taskKey.slice(prefix.length).split(',');
  return taskFields.length > 0 && taskFields[0] !== '' && taskFields.every((field) => callFields.has(field)) && callFields.size > taskFields.length;
}
