/**
 * The HTML report's chart: an inline SVG horizontal bar chart of spend by task, each bar coloured by its
 * verdict. Inline SVG needs no script, font or external file, so the page stays one self-contained file.
 */
import type { TaskAssessment, Verdict } from '../../replaceability-report.ts';
import { escapeHtml } from './escape-html.ts';
import { formatPercent, formatUsd } from './format-figures.ts';
import { verdictLabels } from './report-wording.ts';

export const verdictFills: Record<Verdict, string> = { specialise: '#2e7d32', maybe: '#f9a825', 'keep-on-llm': '#c62828' };

const chartWidth = 760;
const labelWidth = 230;
const valueWidth = 130;
const rowHeight = 26;
const barHeight = 18;
const top = 8;
const maximumLabelCharacters = 30;

function shorten(text: string): string {
  const characters = [...text];
  return characters.length <= maximumLabelCharacters ? text : `${characters.slice(0, maximumLabelCharacters - 1).join('')}…`;
}

/** Tasks in the order given (the caller sorts); bar length is proportional to the largest spend. */
export function renderSpendChartSvg(tasks: readonly TaskAssessment[]): string {
  const height = top * 2 + Math.max(tasks.length, 1) * rowHeight;
  const largest = Math.max(...tasks.map((task) => task.costUsd), 0);
  const barSpace = chartWidth - labelWidth - valueWidth;
  const rows = tasks.map((task, index) => {
    const y = top + index * rowHeight;
    const length = largest === 0 ? 0 : Math.max((task.costUsd / largest) * barSpace, task.costUsd > 0 ? 1 : 0);
    const title = `${task.name}: ${formatUsd(task.costUsd)} (${formatPercent(task.spendShare)} of spend), ${verdictLabels[task.verdict]}`;
    return [
      `<g><title>${escapeHtml(title)}</title>`,
      `<text x="${labelWidth - 8}" y="${y + barHeight - 4}" text-anchor="end" class="chart-label">${escapeHtml(shorten(task.name))}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${length.toFixed(1)}" height="${barHeight}" rx="2" fill="${verdictFills[task.verdict]}"/>`,
      `<text x="${(labelWidth + length + 6).toFixed(1)}" y="${y + barHeight - 4}" class="chart-value">${escapeHtml(`${formatUsd(task.costUsd)} · ${formatPercent(task.spendShare)}`)}</text>`,
      '</g>',
    ].join('');
  });
  if (tasks.length === 0) rows.push(`<text x="${labelWidth}" y="${top + barHeight - 4}" class="chart-label">No tasks</text>`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Spend by task, coloured by verdict" viewBox="0 0 ${chartWidth} ${height}" width="100%" style="max-width:${chartWidth}px">` +
    rows.join('') +
    '</svg>'
  );
}
