/**
 * Keeps task ids stable from one round of discovery to the next. A discovered id hashes the task's most
 * common template, which shifts as traffic changes (a reworded prompt, a new schema field), but routes,
 * specialists and datasets are keyed by task id. So each newly discovered task is recognised by the classifier
 * of the tasks already known: when most of its calls classify to one known task (and no other new task
 * claims it more strongly), it keeps that task's id — and its route — with its signature refreshed.
 */
import type { CallRecord } from '../contracts/call-record.ts';
import type { KnownTask } from '../contracts/task-signature.ts';
import { createTaskClassifier } from '../route/task-classifier.ts';

export interface CarriedTask {
  task: KnownTask;
  /** The id discovery gave it this round, when it differs from the carried id. */
  discoveredId: string;
  carried: boolean;
}

/** Calls classified per new task (a sample is enough to vote). */
const votesPerTask = 60;

export function carryTaskIds(discovered: readonly KnownTask[], members: ReadonlyMap<string, readonly CallRecord[]>, known: readonly KnownTask[]): CarriedTask[] {
  const classifier = createTaskClassifier(known);
  const knownIds = new Set(known.map((task) => task.id));
  // Each new task's best known match and the share of its sampled calls that voted for it.
  const claims: Array<{ index: number; knownId: string; share: number }> = [];
  discovered.forEach((task, index) => {
    if (knownIds.has(task.id)) return;
    const calls = members.get(task.id) ?? [];
    const step = Math.max(1, Math.floor(calls.length / votesPerTask));
    const votes = new Map<string, number>();
    let cast = 0;
    for (let position = 0; position < calls.length && cast < votesPerTask; position += step) {
      const call = calls[position]!;
      const result = classifier.classify(call.request, call.task);
      cast += 1;
      if (result.task !== null) votes.set(result.task, (votes.get(result.task) ?? 0) + 1);
    }
    const best = [...votes].sort((a, b) => b[1] - a[1])[0];
    if (best !== undefined && cast > 0 && best[1] / cast > 0.5) claims.push({ index, knownId: best[0], share: best[1] / cast });
  });
  // A known id is claimed once: by the new task that matches it best, and never by one discovered under it.
  const taken = new Set(discovered.map((task) => task.id).filter((id) => knownIds.has(id)));
  const carriedId = new Map<number, string>();
  for (const claim of claims.sort((a, b) => b.share - a.share)) {
    if (taken.has(claim.knownId)) continue;
    taken.add(claim.knownId);
    carriedId.set(claim.index, claim.knownId);
  }
  return discovered.map((task, index) => {
    const id = carriedId.get(index);
    return id === undefined ? { task, discoveredId: task.id, carried: false } : { task: { ...task, id }, discoveredId: task.id, carried: true };
  });
}
