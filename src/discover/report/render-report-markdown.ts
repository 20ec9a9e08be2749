/**
 * The replaceability report as Markdown (for a pull request, a wiki, a chat): the per-task table, what is
 * replaceable, each task's reasons, answer shape and next-step breakdown, and the cost model in full.
 * Task names, templates and labels come from user traffic, so they are escaped for tables and inline HTML.
 */
import type { ReplaceabilityReport, TaskAssessment } from '../replaceability-report.ts';
import { formatCount, formatMs, formatPercent, formatRatio, formatUsd } from './internal/format-figures.ts';
import { agencyLabel, costModelSentence, formatTaskSavings, formatWindow, summarySentence, tasksBySpend, verdictLabels } from './internal/report-wording.ts';

/** Safe in a table cell and as inline text: no pipes breaking columns, no raw HTML, one line. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/([*_`[\]])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** A fenced block long enough that no backtick run in the text closes it. */
function fenced(text: string, language = ''): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

function shapeLines(task: TaskAssessment): string[] {
  const shape = task.outputShape;
  const lines = [
    `- Output: ${shape.kind}; length p50 ${shape.length.p50} / p90 ${shape.length.p90} / max ${shape.length.max} tokens; ` +
      `${formatPercent(shape.distinctShare)} distinct` +
      (shape.textVariability === null ? '' : `; variability ${formatRatio(shape.textVariability)}`) +
      (shape.textNovelty === undefined || shape.textNovelty === null ? '' : `; novelty ${formatRatio(shape.textNovelty)}`),
    `- Examples: ${formatCount(task.examplesAvailable)} available, ${formatCount(task.examplesNeeded)} needed` +
      (task.latencyP50Ms === null ? '' : `; latency today p50 ${formatMs(task.latencyP50Ms)}`),
  ];
  if (task.savings) {
    const savings = task.savings;
    lines.push(`- Savings: LLM ${formatUsd(savings.llmUsd)} − SLM ${formatUsd(savings.slmUsd)} − escalations ${formatUsd(savings.escalationUsd)} = ${formatUsd(savings.netUsd)}${task.verdict === 'keep-on-llm' ? ' (not counted: stays on the LLM)' : ''}`);
  }
  if (shape.labels) lines.push(`- Values: ${shape.labels.map((label) => `${escapeMarkdown(label.value)} (${label.count})`).join(', ')}`);
  if (shape.toolProfile) {
    const profile = shape.toolProfile;
    lines.push(
      `- Tools: ${profile.tools.map((tool) => `${escapeMarkdown(tool.name)} ${formatPercent(tool.share)}`).join(', ')}; ` +
        `${formatPercent(profile.toolCallShare)} of answers call a tool, ${formatPercent(profile.parallelShare)} of those in parallel`,
    );
  }
  return lines;
}

function taskSection(task: TaskAssessment): string[] {
  const lines = [`### ${escapeMarkdown(task.name)} — ${verdictLabels[task.verdict]}`, ''];
  lines.push(`${task.source === 'declared' ? 'Declared' : 'Discovered'} task, ${task.agency === 'language-model' ? 'language-model agency (the next step under one prompt)' : 'code agency'}.`, '');
  lines.push(...task.reasons.map((reason) => `- ${escapeMarkdown(reason)}`), '');
  lines.push(...shapeLines(task), '');
  if (task.actions && task.actions.length > 0) {
    lines.push('| Next step | Calls | Share |', '|---|---:|---:|');
    const total = task.actions.reduce((sum, action) => sum + action.calls, 0);
    for (const action of task.actions) lines.push(`| ${escapeMarkdown(action.action)} | ${formatCount(action.calls)} | ${formatPercent(action.calls / total)} |`);
    lines.push('');
  }
  if (task.outputShape.jsonSchema) lines.push('JSON schema merged from the answers:', '', fenced(JSON.stringify(task.outputShape.jsonSchema, null, 2), 'json'), '');
  if (task.templates.length > 0) {
    lines.push('Most common templates:', '');
    for (const template of task.templates) lines.push(`${formatCount(template.calls)} calls:`, '', fenced(template.text), '');
  }
  return lines;
}

/** The whole report as one Markdown document. */
export function renderReportMarkdown(report: ReplaceabilityReport): string {
  const tasks = tasksBySpend(report);
  const lines = [
    '# Replaceability report',
    '',
    `Generated ${report.generatedAt}. Window ${formatWindow(report.window)}. ${formatCount(report.totals.calls)} calls, ${formatUsd(report.totals.costUsd)} spent. Embedder: ${escapeMarkdown(report.embedder)}.`,
    '',
    `**${summarySentence(report)}**`,
    '',
    '| Task | Agency | Calls | % calls | % spend | Spend | Verdict | Savings | Examples | Reason |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---|',
  ];
  for (const task of tasks) {
    lines.push(
      `| ${escapeMarkdown(task.name)} | ${agencyLabel(task)} | ${formatCount(task.calls)} | ${formatPercent(task.callShare)} | ${formatPercent(task.spendShare)} | ` +
        `${formatUsd(task.costUsd)} | ${verdictLabels[task.verdict]} | ${formatTaskSavings(task)} | ${formatCount(task.examplesAvailable)} / ${formatCount(task.examplesNeeded)} | ` +
        `${escapeMarkdown(task.reasons[0] ?? '')} |`,
    );
  }
  lines.push('');
  const skipped = Object.entries(report.skipped);
  if (report.unassignedCalls > 0 || skipped.length > 0) {
    lines.push(
      `Not in any task: ${formatCount(report.unassignedCalls)} calls` +
        (skipped.length > 0 ? `; skipped: ${skipped.map(([reason, count]) => `${escapeMarkdown(reason)} ${formatCount(count)}`).join(', ')}` : '') +
        '.',
      '',
    );
  }
  lines.push('## Cost model', '', escapeMarkdown(costModelSentence(report)), '', `Small-model basis: ${escapeMarkdown(report.costModel.slmBasis)}`, '');
  lines.push('## Tasks', '');
  for (const task of tasks) lines.push(...taskSection(task));
  return `${lines.join('\n').trimEnd()}\n`;
}
