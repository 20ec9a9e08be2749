/**
 * The replaceability report as ONE self-contained HTML page: inline CSS, an inline SVG chart of spend by task
 * coloured by verdict, the per-task table with reasons, and the cost model stated in full. No script, no
 * external stylesheet, image or font, so the file can be mailed, archived or opened offline as it is. Every
 * string that comes from traffic (task names, labels, tool names, templates) is HTML-escaped.
 */
import type { ReplaceabilityReport, TaskAssessment } from '../replaceability-report.ts';
import { escapeHtml } from './internal/escape-html.ts';
import { formatCount, formatMs, formatPercent, formatRatio, formatUsd } from './internal/format-figures.ts';
import { agencyLabel, costModelSentence, formatTaskSavings, formatWindow, summarySentence, tasksBySpend, verdictLabels } from './internal/report-wording.ts';
import { renderSpendChartSvg, verdictFills } from './internal/spend-chart-svg.ts';

const styles = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d1d1f;background:#fff}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem}h3{font-size:1rem;margin:0}
.muted{color:#666}.summary{font-size:1.05rem;background:#f4f6f8;border-radius:6px;padding:.75rem 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e3e3;vertical-align:top}
th{background:#fafafa;font-weight:600}td.number,th.number{text-align:right;font-variant-numeric:tabular-nums}
.verdict{display:inline-block;padding:0 .45rem;border-radius:3px;color:#fff;font-size:.85rem;white-space:nowrap}
.verdict-maybe{color:#1d1d1f}.legend span{margin-right:1rem}.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:middle}
.chart-label{font-size:12px;fill:#333}.chart-value{font-size:12px;fill:#555}
details{border:1px solid #e3e3e3;border-radius:6px;padding:.5rem .75rem;margin:.5rem 0}summary{cursor:pointer}
pre{background:#f6f8fa;padding:.5rem;border-radius:4px;overflow:auto;font-size:12px}ul{margin:.4rem 0;padding-left:1.2rem}
`;

function verdictBadge(task: TaskAssessment): string {
  return `<span class="verdict verdict-${task.verdict}" style="background:${verdictFills[task.verdict]}">${escapeHtml(verdictLabels[task.verdict])}</span>`;
}

function taskRow(task: TaskAssessment): string {
  const cells = [
    `<td>${escapeHtml(task.name)}</td>`,
    `<td>${agencyLabel(task)}</td>`,
    `<td class="number">${formatCount(task.calls)}</td>`,
    `<td class="number">${formatPercent(task.callShare)}</td>`,
    `<td class="number">${formatPercent(task.spendShare)}</td>`,
    `<td class="number">${escapeHtml(formatUsd(task.costUsd))}</td>`,
    `<td>${verdictBadge(task)}</td>`,
    `<td class="number">${escapeHtml(formatTaskSavings(task))}</td>`,
    `<td class="number">${formatCount(task.examplesAvailable)} / ${formatCount(task.examplesNeeded)}</td>`,
    `<td>${escapeHtml(task.reasons[0] ?? '')}</td>`,
  ];
  return `<tr>${cells.join('')}</tr>`;
}

function taskDetails(task: TaskAssessment): string {
  const shape = task.outputShape;
  const facts = [
    `Output ${escapeHtml(shape.kind)}; length p50 ${shape.length.p50} / p90 ${shape.length.p90} / max ${shape.length.max} tokens; ${formatPercent(shape.distinctShare)} distinct` +
      (shape.textVariability === null ? '' : `; variability ${formatRatio(shape.textVariability)}`) +
      (shape.textNovelty === undefined || shape.textNovelty === null ? '' : `; novelty ${formatRatio(shape.textNovelty)}`),
    `Examples ${formatCount(task.examplesAvailable)} available, ${formatCount(task.examplesNeeded)} needed` +
      (task.latencyP50Ms === null ? '' : `; latency today p50 ${escapeHtml(formatMs(task.latencyP50Ms))}`),
  ];
  if (task.savings) {
    const savings = task.savings;
    facts.push(
      escapeHtml(`Savings: LLM ${formatUsd(savings.llmUsd)} − SLM ${formatUsd(savings.slmUsd)} − escalations ${formatUsd(savings.escalationUsd)} = ${formatUsd(savings.netUsd)}`) +
        (task.verdict === 'keep-on-llm' ? ' (not counted: stays on the LLM)' : ''),
    );
  }
  if (shape.labels) facts.push(`Values: ${shape.labels.map((label) => `${escapeHtml(label.value)} (${label.count})`).join(', ')}`);
  if (shape.toolProfile) {
    const profile = shape.toolProfile;
    facts.push(
      `Tools: ${profile.tools.map((tool) => `${escapeHtml(tool.name)} ${formatPercent(tool.share)}`).join(', ')}; ` +
        `${formatPercent(profile.toolCallShare)} of answers call a tool, ${formatPercent(profile.parallelShare)} of those in parallel`,
    );
  }
  const parts = [
    `<details><summary><h3 style="display:inline">${escapeHtml(task.name)}</h3> ${verdictBadge(task)} <span class="muted">${escapeHtml(task.source)}, ${task.agency === 'language-model' ? 'language-model agency' : 'code agency'}</span></summary>`,
    `<ul>${task.reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join('')}</ul>`,
    `<ul class="muted">${facts.map((fact) => `<li>${fact}</li>`).join('')}</ul>`,
  ];
  if (task.actions && task.actions.length > 0) {
    const total = task.actions.reduce((sum, action) => sum + action.calls, 0);
    parts.push(
      '<table><thead><tr><th>Next step</th><th class="number">Calls</th><th class="number">Share</th></tr></thead><tbody>' +
        task.actions.map((action) => `<tr><td>${escapeHtml(action.action)}</td><td class="number">${formatCount(action.calls)}</td><td class="number">${formatPercent(action.calls / total)}</td></tr>`).join('') +
        '</tbody></table>',
    );
  }
  if (shape.jsonSchema) parts.push(`<p>JSON schema merged from the answers:</p><pre>${escapeHtml(JSON.stringify(shape.jsonSchema, null, 2))}</pre>`);
  for (const template of task.templates) parts.push(`<p class="muted">${formatCount(template.calls)} calls:</p><pre>${escapeHtml(template.text)}</pre>`);
  parts.push('</details>');
  return parts.join('\n');
}

/** The whole report as one HTML document (UTF-8). */
export function renderReportHtml(report: ReplaceabilityReport): string {
  const tasks = tasksBySpend(report);
  const legend = (['specialise', 'maybe', 'keep-on-llm'] as const)
    .map((verdict) => `<span><span class="swatch" style="background:${verdictFills[verdict]}"></span>${escapeHtml(verdictLabels[verdict])}</span>`)
    .join('');
  const skipped = Object.entries(report.skipped);
  const body = [
    '<h1>Replaceability report</h1>',
    `<p class="muted">Generated ${escapeHtml(report.generatedAt)} · window ${escapeHtml(formatWindow(report.window))} · ${formatCount(report.totals.calls)} calls · ${escapeHtml(formatUsd(report.totals.costUsd))} spent · embedder ${escapeHtml(report.embedder)}</p>`,
    `<p class="summary">${escapeHtml(summarySentence(report))}</p>`,
    '<h2>Spend by task</h2>',
    `<p class="legend">${legend}</p>`,
    renderSpendChartSvg(tasks),
    '<h2>Tasks</h2>',
    '<table><thead><tr><th>Task</th><th>Agency</th><th class="number">Calls</th><th class="number">% calls</th><th class="number">% spend</th><th class="number">Spend</th><th>Verdict</th><th class="number">Savings</th><th class="number">Examples</th><th>Reason</th></tr></thead>',
    `<tbody>${tasks.map(taskRow).join('\n')}</tbody></table>`,
    report.unassignedCalls > 0 || skipped.length > 0
      ? `<p class="muted">Not in any task: ${formatCount(report.unassignedCalls)} calls${skipped.length > 0 ? `; skipped: ${skipped.map(([reason, count]) => `${escapeHtml(reason)} ${formatCount(count)}`).join(', ')}` : ''}.</p>`
      : '',
    '<h2>Cost model</h2>',
    `<p>${escapeHtml(costModelSentence(report))}</p>`,
    `<p class="muted">Small-model basis: ${escapeHtml(report.costModel.slmBasis)}</p>`,
    '<h2>Task details</h2>',
    tasks.map(taskDetails).join('\n'),
  ];
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Understudy replaceability report</title>',
    `<style>${styles}</style>`,
    '</head>',
    '<body>',
    ...body.filter((part) => part.length > 0),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
