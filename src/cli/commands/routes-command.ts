/**
 * `understudy routes`: how each known task is served — list the routes with their online figures, set one
 * (an operator's decision, pinned unless `--automatic`), and show the history of promotions and rollbacks.
 * The gateway rereads routes every `routing.refreshMs`, so a change here reaches a running gateway in seconds.
 */
import { Command } from 'commander';
import { routeModeSchema, type RouteMode, type RoutePolicy } from '../../contracts/route-policy.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { KnownTask } from '../../contracts/task-signature.ts';
import type { Store } from '../../store/store.ts';
import { printJson, printTable } from '../cli-output.ts';
import { addCommonOptions, withConfiguredStore, type GlobalOptions } from './shared-options.ts';

interface SetOptions extends GlobalOptions {
  mode: string;
  specialist?: string;
  canaryShare?: string;
  auditShare?: string;
  timeoutMs?: string;
  threshold?: string;
  automatic?: boolean;
}

export function createRoutesCommand(): Command {
  const routes = new Command('routes')
    .description('show and set how each task is served: off, shadow, canary or live')
    .addHelpText('after', '\nExamples:\n  understudy routes list\n  understudy routes set extract-contact-details --mode shadow --automatic\n  understudy routes events --limit 20');
  routes.addCommand(
    addCommonOptions(new Command('list'))
      .description('every route with its mode, specialist and online figures')
      .addHelpText('after', '\nExamples:\n  understudy routes list\n  understudy routes list --json | jq \'.routes[] | {task, mode}\'')
      .action(async (options: GlobalOptions) => {
        await withConfiguredStore(options, async (store) => {
          const [list, tasks] = await Promise.all([store.routes.list(), store.tasks.list()]);
          const names = new Map(tasks.map((task) => [task.id, task.name]));
          const rows = await Promise.all(list.map(async (route) => ({ route, figures: await onlineFigures(store, route) })));
          if (options.json) return printJson({ routes: rows.map(({ route, figures }) => ({ ...route, name: names.get(route.task) ?? null, online: figures })) });
          if (list.length === 0) return void process.stdout.write('No routes yet: `understudy routes set TASK --mode shadow` starts one (or let `understudy loop` do it).\n');
          printTable(
            ['task', 'name', 'mode', 'specialist', 'threshold', 'served', 'escalated', 'agreement', 'updated', 'reason'],
            rows.map(({ route, figures }) => [
              route.task,
              names.get(route.task) ?? '',
              route.mode === 'canary' ? `canary ${Math.round(route.canaryShare * 100)}%` : route.mode + (route.automatic ? '' : ' (pinned)'),
              route.specialistId ?? '',
              route.confidenceThreshold === null ? '' : route.confidenceThreshold.toFixed(3),
              String(figures.served),
              String(figures.escalated),
              figures.compared === 0 ? '' : `${((figures.agreed / figures.compared) * 100).toFixed(1)}% of ${figures.compared}`,
              new Date(route.updatedAt).toISOString(),
              route.reason,
            ]),
          );
        });
      }),
  );
  routes.addCommand(
    addCommonOptions(new Command('set'))
      .description("set a task's route (pinned: the governor leaves it alone unless --automatic)")
      .argument('<task>', 'task id or name (as `understudy report` lists them)')
      .requiredOption('--mode <mode>', 'off, shadow, canary or live')
      .option('--specialist <id>', "specialist to serve (default: the task's newest ready specialist)")
      .option('--canary-share <p>', 'share of calls the specialist answers in canary, 0..1')
      .option('--audit-share <p>', 'share of served answers also sent to the LLM and compared, 0..1')
      .option('--timeout-ms <n>', 'specialist time limit per call')
      .option('--threshold <x>', "smallest accepted answer confidence 0..1, or 'none'")
      .option('--automatic', 'let the governor promote and roll back from here')
      .addHelpText('after', '\nExamples:\n  understudy routes set extract-contact-details --mode shadow --automatic\n  understudy routes set t-1a2b3c4d5e --mode canary --canary-share 0.1\n  understudy routes set t-1a2b3c4d5e --mode off')
      .action(async (taskName: string, options: SetOptions) => {
        const mode = parseMode(options.mode);
        await withConfiguredStore(options, async (store, loaded) => {
          const task = await findKnownTask(store, taskName);
          const current = await store.routes.get(task.id);
          const specialistId = options.specialist ?? current?.specialistId ?? (await store.specialists.list({ task: task.id }))[0]?.id ?? null;
          if (specialistId === null && mode !== 'off') throw new UnderstudyError('invalid_request', `Task ${task.id} has no ready specialist: train one first (understudy train ${task.id}).`);
          if (specialistId !== null) {
            const specialist = await store.specialists.get(specialistId);
            if (specialist === undefined) throw new UnderstudyError('not_found', `No specialist ${specialistId}.`);
            if (specialist.task !== task.id) throw new UnderstudyError('invalid_request', `Specialist ${specialistId} was trained for task ${specialist.task}, not ${task.id}.`);
          }
          const routing = loaded.config.routing;
          const policy: RoutePolicy = {
            task: task.id,
            mode,
            canaryShare: parseShare(options.canaryShare, '--canary-share') ?? current?.canaryShare ?? routing.canaryShare,
            specialistId,
            confidenceThreshold: parseThreshold(options.threshold) ?? current?.confidenceThreshold ?? null,
            timeoutMs: parsePositive(options.timeoutMs, '--timeout-ms') ?? current?.timeoutMs ?? routing.timeoutMs,
            auditShare: parseShare(options.auditShare, '--audit-share') ?? current?.auditShare ?? routing.auditShare,
            automatic: options.automatic === true,
            updatedAt: Date.now(),
            reason: `set by operator: ${mode}`,
          };
          if (options.threshold === 'none') policy.confidenceThreshold = null;
          const event = await store.routes.put(policy, { actor: 'operator', reason: policy.reason });
          if (options.json) return printJson({ route: policy, event });
          process.stdout.write(`${task.id} (${task.name}): ${event.fromMode ?? 'no route'} → ${mode}${specialistId === null ? '' : ` with ${specialistId}`}${policy.automatic ? ', automatic' : ', pinned'}.\n`);
        });
      }),
  );
  routes.addCommand(
    addCommonOptions(new Command('events'))
      .description('promotions, rollbacks and operator changes, newest first')
      .argument('[task]', 'only this task (id or name)')
      .option('--limit <n>', 'at most this many', '50')
      .addHelpText('after', '\nExamples:\n  understudy routes events\n  understudy routes events extract-contact-details --limit 10 --json')
      .action(async (taskName: string | undefined, options: GlobalOptions & { limit: string }) => {
        await withConfiguredStore(options, async (store) => {
          const task = taskName === undefined ? undefined : (await findKnownTask(store, taskName)).id;
          const events = await store.routes.events({ ...(task === undefined ? {} : { task }), limit: parsePositive(options.limit, '--limit') ?? 50 });
          if (options.json) return printJson({ events });
          if (events.length === 0) return void process.stdout.write('No route changes yet.\n');
          printTable(
            ['at', 'task', 'change', 'by', 'reason'],
            events.map((event) => [new Date(event.at).toISOString(), event.task, `${event.fromMode ?? '–'} → ${event.toMode}`, event.actor, event.reason]),
          );
        });
      }),
  );
  return routes;
}

/** A known task by id, or by a name only one task has. */
export async function findKnownTask(store: Store, name: string): Promise<KnownTask> {
  const byId = await store.tasks.get(name);
  if (byId !== undefined) return byId;
  const tasks = await store.tasks.list();
  const byName = tasks.filter((task) => task.name === name);
  if (byName.length === 1) return byName[0]!;
  const why = byName.length > 1 ? `'${name}' names ${byName.length} tasks; use the id` : `No known task '${name}'`;
  const known = tasks.slice(0, 12).map((task) => `${task.id} (${task.name})`).join(', ');
  throw new UnderstudyError('not_found', `${why}. Known: ${known || 'none — run `understudy report` (or `understudy loop`) to discover tasks'}.`);
}

async function onlineFigures(store: Store, route: RoutePolicy): Promise<{ served: number; escalated: number; compared: number; agreed: number }> {
  if (route.specialistId === null) return { served: 0, escalated: 0, compared: 0, agreed: 0 };
  const recent = (await store.observations.recent({ task: route.task, specialistId: route.specialistId, limit: 500 })).filter((observation) => observation.at >= route.updatedAt);
  const compared = recent.filter((observation) => (observation.kind === 'shadow' || observation.kind === 'audit') && observation.agreed !== null);
  return {
    served: recent.filter((observation) => observation.kind === 'served').length,
    escalated: recent.filter((observation) => observation.kind === 'escalated').length,
    compared: compared.length,
    agreed: compared.filter((observation) => observation.agreed === true).length,
  };
}

function parseMode(value: string): RouteMode {
  const parsed = routeModeSchema.safeParse(value);
  if (!parsed.success) throw new UnderstudyError('invalid_request', `--mode: '${value}' is not one of off, shadow, canary, live.`);
  return parsed.data;
}

function parseShare(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const share = Number(value);
  if (!Number.isFinite(share) || share < 0 || share > 1) throw new UnderstudyError('invalid_request', `${flag}: '${value}' is not a share between 0 and 1.`);
  return share;
}

function parseThreshold(value: string | undefined): number | undefined {
  if (value === undefined || value === 'none') return undefined;
  return parseShare(value, '--threshold');
}

function parsePositive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UnderstudyError('invalid_request', `${flag}: '${value}' is not a positive whole number.`);
  return number;
}
