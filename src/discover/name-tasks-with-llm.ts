/**
 * Optional LLM naming of discovered tasks. Discovery names tasks from their template words and tool names
 * (`internal/name-task.ts`); that is always there and costs nothing, but a model that reads the skeleton can
 * say what the task *does* (`extract-order-fields`, `choose-support-tool`). The namer is any completion
 * function the caller wires to a configured provider (as in `evaluate/judge-pairwise.ts`); this module only
 * builds the prompt and reads the answers.
 *
 * The names are a nicety, never a dependency: a reply that is not a clean kebab-case name, or a provider error,
 * keeps the heuristic name for that task with the reason recorded, and the whole run never fails.
 */
import type { DiscoveredTask } from './discovered-task.ts';

export interface NamingMessage {
  role: 'system' | 'user';
  content: string;
}

export interface NameTasksWithLlmOptions {
  /** Sends messages to the naming model and returns its text reply; a rejection keeps that task's name. */
  complete: (messages: NamingMessage[]) => Promise<string>;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
}

export interface NameTasksWithLlmResult {
  /** A new array in the given order: renamed copies, and the untouched tasks themselves. Ids never change. */
  tasks: DiscoveredTask[];
  /** Discovered tasks that got the model's name (a `-2` suffix for uniqueness still counts). */
  named: number;
  /** Discovered tasks that kept their heuristic name, and why (bad reply, provider error). */
  kept: Array<{ taskId: string; name: string; reason: string }>;
}

/** A name is 2–5 lower-case words joined by `-`, at most this long. */
export const maxTaskNameLength = 48;
const taskNamePattern = /^[a-z][a-z0-9]*(-[a-z0-9]+){1,4}$/;
const defaultConcurrency = 4;
/** Skeletons shown per task, and how much of each: enough to see what the task does, bounded in cost. */
const templatesShown = 3;
const templateCharacters = 2_000;

const namingInstructions = [
  'You name recurring tasks that an application gives a language model, for a report that engineers read.',
  'You see the prompt skeleton of one task: the fixed text of its calls, with {{slot_N}} where the input varies between calls. You also see the tools offered and the output format asked for.',
  'Reply with one name for the task: 2 to 5 lower-case English words joined by hyphens, saying what the task does, verb first where natural.',
  'Examples: extract-order-fields, choose-support-tool, classify-ticket-urgency, summarise-meeting-notes.',
  'Reply with the name only: no quotes, no explanation.',
].join('\n');

/**
 * Asks the model for a name for each discovered task; declared tasks keep the name the agent gave them.
 *
 * What leaves the machine: per task, its top skeletons (`templates[].text`, the text common to its calls with
 * `{{slot_N}}` where they differ), its tool names, its response format and its agency — never payload values,
 * request bodies or outputs, so the slot contents (customer messages, emails, records) are not sent. A value
 * that was the same in every call of a task is part of its skeleton, as it is in the report itself.
 *
 * @example
 * const { tasks, named, kept } = await nameTasksWithLlm(discovery.tasks, {
 *   complete: async (messages) => (await engine.complete({ messages })).content ?? '',
 * });
 */
export async function nameTasksWithLlm(tasks: readonly DiscoveredTask[], options: NameTasksWithLlmOptions): Promise<NameTasksWithLlmResult> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? defaultConcurrency));
  const pending = tasks.map((task, index) => ({ task, index })).filter(({ task }) => task.source === 'discovered');
  const answers = new Map<number, { name: string } | { reason: string }>();
  let next = 0;
  async function work(): Promise<void> {
    while (next < pending.length) {
      const { task, index } = pending[next++]!;
      answers.set(index, await askForName(task, options.complete));
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, () => work()));

  // Names that stay put are reserved first, so a model's name never takes one from a task that keeps its own.
  const taken = new Set(tasks.filter((_, index) => !answers.has(index) || 'reason' in answers.get(index)!).map((task) => task.name));
  const kept: NameTasksWithLlmResult['kept'] = [];
  let named = 0;
  const renamed = tasks.map((task, index) => {
    const answer = answers.get(index);
    if (answer === undefined) return task;
    if ('reason' in answer) {
      kept.push({ taskId: task.id, name: task.name, reason: answer.reason });
      return task;
    }
    const name = uniqueName(answer.name, taken);
    taken.add(name);
    named += 1;
    return { ...task, name };
  });
  return { tasks: renamed, named, kept };
}

/**
 * Reads a naming reply strictly: surrounding whitespace, quotes, backticks and Markdown emphasis and a final
 * full stop are forgiven, and case is folded; anything else ("Sure! Here's a name: …", a sentence, nine
 * words) is refused, since a model that ignores the format is not trusted with the name either.
 */
export function parseTaskName(reply: string): { name: string } | { reason: string } {
  const name = reply
    .trim()
    .replace(/^["'`*]+/, '')
    .replace(/["'`*.,;:!?]+$/, '')
    .trim()
    .toLowerCase();
  if (name === '') return { reason: 'empty reply' };
  if (name.length > maxTaskNameLength) return { reason: `reply ${quote(reply)} is longer than ${maxTaskNameLength} characters` };
  if (!taskNamePattern.test(name)) return { reason: `reply ${quote(reply)} is not 2–5 kebab-case words` };
  return { name };
}

async function askForName(task: DiscoveredTask, complete: NameTasksWithLlmOptions['complete']): Promise<{ name: string } | { reason: string }> {
  let reply: string;
  try {
    reply = await complete(namingMessages(task));
  } catch (error) {
    return { reason: `provider error: ${error instanceof Error ? error.message : String(error)}` };
  }
  return parseTaskName(reply);
}

/** The prompt for one task: skeletons, tool names, format and agency only (see `nameTasksWithLlm`). */
export function namingMessages(task: DiscoveredTask): NamingMessage[] {
  const agency =
    task.agency === 'language-model'
      ? 'The model runs an agent loop: one system prompt and a growing conversation; each call decides the next step (often which tool to call). Name that step.'
      : 'Application code sends this prompt for one job; the model does that job once per call.';
  const templates = task.templates.slice(0, templatesShown).map((template, position) => {
    const text = template.text.length > templateCharacters ? `${template.text.slice(0, templateCharacters)} […]` : template.text;
    return `### Skeleton ${position + 1} (${template.calls} calls)\nMessages are separated by "---", each starting with its role.\n${text}`;
  });
  const content = [
    `## How the task is called\n${agency}`,
    `## Tools offered\n${task.tools.length > 0 ? task.tools.join(', ') : '(none)'}`,
    `## Output format\n${task.responseFormat ?? 'free text'}`,
    `## Prompt skeletons (most common first)\n${templates.length > 0 ? templates.join('\n\n') : '(none recorded)'}`,
    'Name this task: 2 to 5 lower-case words joined by hyphens, nothing else.',
  ].join('\n\n');
  return [
    { role: 'system', content: namingInstructions },
    { role: 'user', content },
  ];
}

function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  let suffix = 2;
  while (taken.has(`${name}-${suffix}`)) suffix += 1;
  return `${name}-${suffix}`;
}

/** A reply shown in a reason: one line, cut short, so a rambling model does not flood the terminal. */
function quote(reply: string): string {
  const line = reply.replace(/\s+/g, ' ').trim();
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line);
}
