/**
 * Finds the task a command names: a declared task name, or a discovered task's id or name as
 * `understudy report` prints it. Discovery runs over the given calls; an ambiguous or unknown name is a
 * one-line `not_found` error listing what is known.
 */
import type { CallRecord } from '../../contracts/call-record.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { DiscoveredTask } from '../../discover/discovered-task.ts';
import { discoverTasks } from '../../discover/discover-tasks.ts';

export async function resolveTask(calls: readonly CallRecord[], task: string): Promise<DiscoveredTask> {
  const discovery = await discoverTasks([...calls]);
  const byId = discovery.tasks.find((candidate) => candidate.id === task);
  if (byId !== undefined) return byId;
  const byName = discovery.tasks.filter((candidate) => candidate.name === task);
  if (byName.length === 1 && byName[0] !== undefined) return byName[0];
  const known = discovery.tasks.slice(0, 12).map((candidate) => (candidate.source === 'declared' ? candidate.id : `${candidate.id} (${candidate.name})`));
  const why = byName.length > 1 ? `'${task}' names ${byName.length} tasks; use the id` : `No task '${task}'`;
  throw new UnderstudyError('not_found', `${why}. Known: ${known.join(', ') || 'none (no calls logged)'}.`);
}
