/**
 * `understudy economics` in the terminal: one aligned row per task and an overall row (calls, specialist share,
 * escalation rate, what was spent on the LLM and the specialist, the all-on-the-LLM baseline, the saving, latency
 * before and after), then the lines that keep the figures honest: escalations by reason, audits, how many baseline
 * costs were estimated and how, and the cost basis. Plain text, no colour, so it can be piped and diffed.
 */
import type { Economics, EconomicsFigures } from './compute-economics.ts';

const unclassifiedLabel = '(unclassified)';
const maximumTaskColumn = 32;

const columns = [
  { title: 'Task', align: 'left' },
  { title: 'Calls', align: 'right' },
  { title: 'SLM', align: 'right' },
  { title: 'Esc', align: 'right' },
  { title: 'LLM $', align: 'right' },
  { title: 'SLM $', align: 'right' },
  { title: 'Total $', align: 'right' },
  { title: 'Baseline $', align: 'right' },
  { title: 'Saved', align: 'right' },
  { title: 'p50 before→after', align: 'right' },
  { title: 'p95 before→after', align: 'right' },
] as const;

/**
 * @example
 * process.stdout.write(renderEconomicsTable(computeEconomics({ calls, observations, pricing, usdPerHour })));
 */
export function renderEconomicsTable(economics: Economics, options: { taskNames?: ReadonlyMap<string, string> } = {}): string {
  const label = (task: string | null) => (task === null ? unclassifiedLabel : (options.taskNames?.get(task) ?? task));
  const rows = economics.tasks.map((task) => figureCells(truncate(label(task.task), maximumTaskColumn), task));
  const overall = figureCells('All tasks', economics.overall);
  const header = columns.map((column) => column.title);
  const widths = header.map((title, index) => Math.max(length(title), ...[...rows, overall].map((row) => length(row[index] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => pad(cell, widths[index] ?? 0, columns[index]?.align ?? 'left'))
      .join('  ')
      .trimEnd();
  const rule = '─'.repeat(widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1));

  const lines = [line(header), rule, ...rows.map(line), rule, line(overall), ''];
  lines.push(...detailLines(economics.overall));
  lines.push('', `Specialist cost: ${economics.basis.specialistCost}`, `Baseline: ${economics.basis.baseline}`);
  if (economics.basis.unmatchedObservations > 0) {
    lines.push(`${economics.basis.unmatchedObservations} observation(s) of calls outside this window were left out.`);
  }
  return `${lines.join('\n')}\n`;
}

function figureCells(label: string, figures: EconomicsFigures): string[] {
  const { latency } = figures;
  return [
    label,
    String(figures.calls),
    formatShare(figures.slmShare),
    formatShare(figures.escalationRate),
    formatUsd(figures.llmUsd),
    formatUsd(figures.specialistUsd),
    formatUsd(figures.totalUsd),
    formatUsd(figures.baselineUsd),
    formatShare(figures.costReduction),
    `${formatMs(latency.beforeP50Ms)}→${formatMs(latency.afterP50Ms)}`,
    `${formatMs(latency.beforeP95Ms)}→${formatMs(latency.afterP95Ms)}`,
  ];
}

function detailLines(figures: EconomicsFigures): string[] {
  const reasons = Object.entries(figures.escalations.byReason)
    .sort(([, left], [, right]) => (right ?? 0) - (left ?? 0))
    .map(([reason, count]) => `${reason} ${count}`);
  const sources = figures.baselineSources;
  const lines = [
    `Escalations: ${figures.escalations.total}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}. ` +
      `Shadow runs: ${figures.shadowRuns}. Audits: ${figures.audits} (${figures.auditDisagreements} disagreed, ${formatUsd(figures.auditUsd)}).`,
    `Specialist busy ${figures.specialistBusySeconds.toFixed(1)} s. Time to first token p50 ` +
      `${formatMs(figures.latency.ttftBeforeP50Ms)}→${formatMs(figures.latency.ttftAfterP50Ms)}.`,
    `Baseline per call: ${sources.llm} LLM-answered at their cost, ${sources.audit} from audits, ${sources.tokens} ` +
      `priced from tokens, ${sources.taskMean} at the task's mean LLM cost, ${sources.unpriced} unpriced.`,
  ];
  if (figures.unpricedLlmCalls > 0) lines.push(`${figures.unpricedLlmCalls} LLM call(s) had no known price and add nothing.`);
  return lines;
}

/** `$12.34`, `$0.0012`, `-$0.50`: two significant digits below a dollar, where small tasks' bills live. */
function formatUsd(value: number): string {
  const sign = value < 0 ? '-' : '';
  const size = Math.abs(value);
  if (size === 0) return '$0';
  if (size >= 1) return `${sign}$${size.toFixed(2)}`;
  return `${sign}$${Number(size.toPrecision(2)).toString()}`;
}

/** A 0–1 share as `12.3%` (a negative saving stays negative); `–` where the share is undefined. */
function formatShare(share: number | null): string {
  if (share === null) return '–';
  const percent = share * 100;
  return `${Math.abs(percent) >= 10 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

function formatMs(value: number | null): string {
  if (value === null) return '–';
  return value >= 10_000 ? `${(value / 1000).toFixed(0)}s` : value >= 1000 ? `${(value / 1000).toFixed(1)}s` : `${Math.round(value)}ms`;
}

function length(text: string): number {
  return [...text].length;
}

function truncate(text: string, width: number): string {
  const characters = [...text];
  return characters.length <= width ? text : `${characters.slice(0, width - 1).join('')}…`;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const gap = ' '.repeat(Math.max(width - length(text), 0));
  return align === 'left' ? text + gap : gap + text;
}
