/**
 * `understudy report` in the terminal: one aligned row per task (agency, share of calls and spend, verdict,
 * savings, the deciding reason), then what is replaceable and the cost model behind the figures. Colour is
 * the caller's choice (TTY and NO_COLOR are the CLI's business); alignment is computed before colouring.
 */
import type { ReplaceabilityReport, Verdict } from '../replaceability-report.ts';
import { formatPercent } from './internal/format-figures.ts';
import { agencyLabel, costModelSentence, formatTaskSavings, formatWindow, summarySentence, tasksBySpend, verdictLabels } from './internal/report-wording.ts';

const verdictColours: Record<Verdict, string> = { specialise: '\u001b[32m', maybe: '\u001b[33m', 'keep-on-llm': '\u001b[31m' };
const bold = '\u001b[1m';
const dim = '\u001b[2m';
const reset = '\u001b[0m';
const maximumTaskColumn = 32;
const minimumReasonColumn = 20;

function truncate(text: string, width: number): string {
  const characters = [...text];
  return characters.length <= width ? text : `${characters.slice(0, Math.max(width - 1, 0)).join('')}…`;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const gap = ' '.repeat(Math.max(width - [...text].length, 0));
  return align === 'left' ? text + gap : gap + text;
}

/** Wraps prose to `width` columns at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length === 0 ? word : `${line} ${word}`;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/**
 * @example
 * process.stdout.write(renderReportTerminal(report, { color: process.stdout.isTTY, width: process.stdout.columns }));
 */
export function renderReportTerminal(report: ReplaceabilityReport, options: { color: boolean; width?: number }): string {
  const width = Math.max(options.width ?? 120, 60);
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${reset}` : text);
  const tasks = tasksBySpend(report);
  const rows = tasks.map((task) => ({
    cells: [
      truncate(task.name, maximumTaskColumn),
      agencyLabel(task),
      formatPercent(task.callShare),
      formatPercent(task.spendShare),
      verdictLabels[task.verdict],
      formatTaskSavings(task),
    ],
    verdict: task.verdict,
    reason: task.reasons[0] ?? '',
  }));
  const headers = ['Task', 'Agency', 'Calls', 'Spend', 'Verdict', 'Savings'];
  const aligns: Array<'left' | 'right'> = ['left', 'left', 'right', 'right', 'left', 'right'];
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => [...(row.cells[column] ?? '')].length)));
  const fixedWidth = widths.reduce((sum, columnWidth) => sum + columnWidth + 2, 0);
  const reasonWidth = Math.max(width - fixedWidth, minimumReasonColumn);

  const lines: string[] = [];
  lines.push(paint(bold, 'Replaceability report'));
  lines.push(`${report.tasks.length} tasks, ${report.totals.calls} calls, window ${formatWindow(report.window)}`);
  lines.push('');
  const header = [...headers.map((text, column) => pad(text, widths[column] ?? 0, aligns[column] ?? 'left')), 'Reason'].join('  ');
  lines.push(paint(bold, header));
  for (const row of rows) {
    const cells = row.cells.map((text, column) => {
      const padded = pad(text, widths[column] ?? 0, aligns[column] ?? 'left');
      return column === 4 ? paint(verdictColours[row.verdict], padded) : padded;
    });
    lines.push([...cells, truncate(row.reason, reasonWidth)].join('  '));
  }
  if (rows.length === 0) lines.push(paint(dim, '(no tasks found)'));
  lines.push('');
  lines.push(...wrap(summarySentence(report), width));
  if (report.unassignedCalls > 0) lines.push(`${report.unassignedCalls} calls belong to no task.`);
  lines.push('');
  lines.push(...wrap(`Cost model. ${costModelSentence(report)}`, width).map((line) => paint(dim, line)));
  lines.push(...wrap(`Small-model basis: ${report.costModel.slmBasis}`, width).map((line) => paint(dim, line)));
  return `${lines.join('\n')}\n`;
}
