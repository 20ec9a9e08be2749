/** Where a task's dataset lives, for commands that take a task name (select, train). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UnderstudyError } from '../../contracts/errors.ts';
import { taskSlug } from '../../curate/dataset/internal/dataset-paths.ts';
import { resolveTask } from './resolve-task.ts';

/** `<dataDir>/datasets/<slug>` for the task as named, else for the discovered task the name resolves to. */
export async function findDatasetDirectory(dataDir: string, task: string, loadAllCalls: () => Promise<Parameters<typeof resolveTask>[0]>): Promise<string> {
  const root = path.join(dataDir, 'datasets');
  const direct = path.join(root, taskSlug(task));
  if (existsSync(direct)) return direct;
  const found = await resolveTask(await loadAllCalls(), task);
  const resolved = path.join(root, taskSlug(found.id));
  if (existsSync(resolved)) return resolved;
  throw new UnderstudyError('not_found', `No dataset for task '${task}' (${found.id}) yet: run \`understudy dataset build ${found.id}\` first.`);
}

