import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ReplaceabilityReport } from '../replaceability-report.ts';
import { formatPercent, formatUsd } from './internal/format-figures.ts';
import { createSampleReport, hostileTaskName } from './internal/sample-report.ts';
import { renderReportHtml } from './render-report-html.ts';
import { renderReportMarkdown } from './render-report-markdown.ts';
import { renderReportTerminal } from './render-report-terminal.ts';

let report: ReplaceabilityReport;
before(async () => {
  report = await createSampleReport();
});

const ansi = /\u001b\[[0-9;]*m/;

describe('renderReportTerminal', () => {
  test('one aligned row per task with shares, verdict and savings, then the replaceable totals', () => {
    const text = renderReportTerminal(report, { color: false, width: 120 });
    assert.doesNotMatch(text, ansi);
    const lines = text.split('\n');
    const header = lines.find((line) => line.startsWith('Task'));
    assert.ok(header);
    const verdictColumn = header.indexOf('Verdict');
    const rows = lines.filter((line) => /\b(specialise|maybe|keep on LLM)\b/.test(line) && !line.startsWith('Replaceable'));
    assert.equal(rows.length, report.tasks.length);
    for (const row of rows) assert.match(row.slice(verdictColumn), /^(specialise|maybe|keep on LLM)/);
    for (const row of rows) assert.ok([...row].length <= 120, row);
    const toolLoop = report.tasks.find((task) => task.taskId === 'toolloop/next-step');
    assert.ok(toolLoop);
    const toolLoopRow = rows.find((row) => row.startsWith('toolloop/next-step'));
    assert.ok(toolLoopRow?.includes(formatPercent(toolLoop.callShare)));
    assert.ok(toolLoopRow?.includes(formatPercent(toolLoop.spendShare)));
    assert.ok(toolLoopRow?.includes(formatUsd(toolLoop.projectedSavingsUsd)));
    assert.match(toolLoopRow ?? '', /\bLM\b/);
    assert.ok(text.includes(`${formatPercent(report.replaceable.callShare)} of calls`));
    assert.ok(text.includes(`${formatPercent(report.replaceable.spendShare)} of spend`));
    assert.match(text, /retrieved 2025-11-30/);
  });

  test('colour wraps verdicts only when asked', () => {
    const text = renderReportTerminal(report, { color: true, width: 120 });
    assert.ok(text.includes('\u001b[32mspecialise'));
    assert.ok(text.includes('\u001b[31mkeep on LLM'));
  });
});

describe('renderReportMarkdown', () => {
  test('table rows carry the figures; user strings are escaped', () => {
    const markdown = renderReportMarkdown(report);
    const classify = report.tasks.find((task) => task.taskId === 'support/classify-intent');
    assert.ok(classify);
    const row = markdown.split('\n').find((line) => line.startsWith('| support/classify-intent |'));
    assert.ok(row);
    assert.ok(row.includes(`| ${formatPercent(classify.callShare)} | ${formatPercent(classify.spendShare)} |`));
    assert.ok(row.includes(formatUsd(classify.projectedSavingsUsd)));
    assert.ok(!markdown.includes(hostileTaskName));
    assert.ok(markdown.includes('&lt;script&gt;'));
    assert.ok(markdown.includes('\\|'));
    assert.match(markdown, /## Cost model/);
    assert.match(markdown, /\| reply \| \d+ \| [\d.]+% \|/);
    assert.match(markdown, /"tables"|"order_id"/);
  });
});

describe('renderReportHtml', () => {
  test('one self-contained page: inline CSS and SVG, no script, no external reference', () => {
    const html = renderReportHtml(report);
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<style>/);
    assert.doesNotMatch(html, /<script/i);
    // Inside tags only: the escaped template text may spell `src=` as text.
    assert.doesNotMatch(html, /<[^>]*\s(src|href)\s*=/i);
    assert.doesNotMatch(html, /(src|href)\s*=\s*["']?https?:/i);
    assert.doesNotMatch(html, /<link\b/i);
    assert.doesNotMatch(html, /@import|url\(/i);
    assert.equal(html.match(/<svg\b/g)?.length, 1);
    assert.equal(html.match(/<rect\b/g)?.length, report.tasks.length);
  });

  test('escapes every user-derived string', () => {
    const html = renderReportHtml(report);
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!html.includes('<img'));
  });

  test('shows the figures, the chart colours by verdict and the cost model', () => {
    const html = renderReportHtml(report);
    for (const task of report.tasks) assert.ok(html.includes(formatPercent(task.spendShare)), task.name);
    assert.ok(html.includes('fill="#2e7d32"') && html.includes('fill="#c62828"'));
    assert.ok(html.includes(`$${report.costModel.slmUsdPerMillionTokens.toFixed(2)} per million tokens`));
    assert.ok(html.includes('retrieved 2025-11-30'));
    assert.ok(html.includes(`${formatPercent(report.replaceable.callShare)} of calls`));
  });
});
