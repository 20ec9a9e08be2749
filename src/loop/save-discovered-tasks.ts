/**
 * Turns one discovery into stored state, the same way for the loop round and `understudy report`: the tasks
 * under carried ids (carry-task-ids.ts, so routes and specialists keep theirs), the replaceability report under
 * those ids (the dashboard joins it to the stored tasks by id), and each call's place in them
 * (`CallRecord.discoveredTask`). Without that last step a call that declared no task and never met the router
 * counted for no task on the dashboard and in the economics, although discovery had just placed it.
 */
import type { CallRecord } from '../contracts/call-record.ts';
import { latestReportSettingKey } from '../contracts/dashboard-api.ts';
import type { DiscoveryResult } from '../discover/discovered-task.ts';
import { knownTaskFromDiscovered } from '../discover/known-task-from-discovered.ts';
import type { ReplaceabilityReport } from '../discover/replaceability-report.ts';
import type { DiscoveredTaskAssignment, Store } from '../store/store.ts';
import { carryTaskIds, type CarriedTask } from './carry-task-ids.ts';

export interface SaveDiscoveredTasksInput {
  store: Store;
  /** The calls discovery ran on; those it placed in no task lose any earlier placement, other stored calls keep theirs. */
  calls: readonly CallRecord[];
  report: ReplaceabilityReport;
  discovery: DiscoveryResult;
  /** Epoch ms recorded as the tasks' `updatedAt`. */
  now: number;
}

export interface SavedDiscovery {
  /** Each discovered task with the id it is stored under. */
  carried: CarriedTask[];
  /** Member calls of each task, keyed by discovery's id (`CarriedTask.discoveredId`). */
  members: Map<string, CallRecord[]>;
  /** Calls whose stored placement changed. */
  placementsChanged: number;
}

export async function saveDiscoveredTasks(input: SaveDiscoveredTasksInput): Promise<SavedDiscovery> {
  const { store, calls, report, discovery } = input;
  const verdicts = new Map(report.tasks.map((task) => [task.taskId, task.verdict]));
  const byId = new Map(calls.map((call) => [call.id, call]));
  const members = new Map(discovery.tasks.map((task) => [task.id, task.callIds.flatMap((id) => byId.get(id) ?? [])]));
  const discovered = discovery.tasks.map((task) => knownTaskFromDiscovered(task, { openEnded: verdicts.get(task.id) === 'keep-on-llm', now: input.now }));
  const carried = carryTaskIds(discovered, members, await store.tasks.list());
  await store.tasks.upsert(carried.map((entry) => entry.task));
  const storedId = new Map(carried.map((entry) => [entry.discoveredId, entry.task.id]));
  const savedReport = { ...report, tasks: report.tasks.map((task) => ({ ...task, taskId: storedId.get(task.taskId) ?? task.taskId })) };
  await store.settings.set(latestReportSettingKey, JSON.stringify(savedReport));

  // Stored ids, not discovery's: routes, the dashboard and the economics all key tasks by them.
  const placement = new Map<string, string>();
  for (const task of discovery.tasks) {
    const id = storedId.get(task.id) ?? task.id;
    for (const callId of task.callIds) placement.set(callId, id);
  }
  const assignments: DiscoveredTaskAssignment[] = calls.map((call) => ({ callId: call.id, task: placement.get(call.id) ?? null }));
  const placementsChanged = await store.calls.assignDiscoveredTasks(assignments);
  return { carried, members, placementsChanged };
}
