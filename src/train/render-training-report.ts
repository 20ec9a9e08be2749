/**
 * The training report: what was trained on what, for how long and at what cost, how the loss went (an
 * inline SVG chart, so the page is one self-contained file), and how the served specialist answered the
 * validation examples before it was registered — with its disagreements beside the teacher's answers.
 */
import type { FailureExample } from '../select/run-selection.ts';

export interface TrainingReport {
  jobId: string;
  task: string;
  specialistId: string;
  backend: string;
  base: string;
  dataset: { dir: string; version: string; train: number; validation: number; test: number };
  hyperparameters: Record<string, unknown>;
  steps: number;
  trainSeconds: number;
  /** Machine cost of the run at the stated hourly price. */
  costUsd: number;
  costBasis: string;
  lossCurve: Array<{ step: number; loss: number }>;
  metrics: Record<string, number | null>;
  verification: { examples: number; correct: number; agreement: number; validRate: number; metric: string; latencyP50Ms: number; failures: FailureExample[] };
  createdAt: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** A loss chart: steps on x, loss on y, axis labels with the first and last values. */
export function renderLossCurveSvg(points: ReadonlyArray<{ step: number; loss: number }>, width = 640, height = 240): string {
  if (points.length === 0) return '<p>No loss was recorded in this run (it resumed after its last step, or the backend reports none).</p>';
  const margin = { left: 56, right: 16, top: 16, bottom: 36 };
  const steps = points.map((point) => point.step);
  const losses = points.map((point) => point.loss);
  const minStep = Math.min(...steps);
  const maxStep = Math.max(...steps, minStep + 1);
  const maxLoss = Math.max(...losses);
  const minLoss = Math.min(0, ...losses);
  const x = (step: number) => margin.left + ((step - minStep) / (maxStep - minStep)) * (width - margin.left - margin.right);
  const y = (loss: number) => margin.top + (1 - (loss - minLoss) / (maxLoss - minLoss || 1)) * (height - margin.top - margin.bottom);
  const path = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${x(point.step).toFixed(1)},${y(point.loss).toFixed(1)}`).join(' ');
  const first = points[0]!;
  const last = points.at(-1)!;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="training loss from ${first.loss.toFixed(3)} to ${last.loss.toFixed(3)} over ${points.length} steps">`,
    `<line x1="${margin.left}" y1="${height - margin.bottom}" x2="${width - margin.right}" y2="${height - margin.bottom}" stroke="#999"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${height - margin.bottom}" stroke="#999"/>`,
    `<text x="${margin.left - 6}" y="${y(maxLoss) + 4}" font-size="11" text-anchor="end">${maxLoss.toFixed(2)}</text>`,
    `<text x="${margin.left - 6}" y="${y(minLoss) + 4}" font-size="11" text-anchor="end">${minLoss.toFixed(2)}</text>`,
    `<text x="${x(minStep)}" y="${height - margin.bottom + 16}" font-size="11" text-anchor="middle">${minStep}</text>`,
    `<text x="${x(maxStep)}" y="${height - margin.bottom + 16}" font-size="11" text-anchor="middle">${maxStep}</text>`,
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 4}" font-size="12" text-anchor="middle">step</text>`,
    `<path d="${path}" fill="none" stroke="#2563eb" stroke-width="2"/>`,
    '</svg>',
  ].join('');
}

export function renderTrainingReportHtml(report: TrainingReport): string {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const rows = (entries: Array<[string, string]>) => entries.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`).join('');
  const failures = report.verification.failures
    .map((failure) => `<tr><td>${escapeHtml(failure.input)}</td><td><code>${escapeHtml(failure.expected)}</code></td><td><code>${escapeHtml(failure.got)}</code></td><td>${escapeHtml(failure.reason)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Training report: ${escapeHtml(report.task)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#111}th{text-align:left;padding-right:1rem;vertical-align:top}td{vertical-align:top}table{border-collapse:collapse;margin-bottom:1.5rem}td,th{padding:.25rem .5rem;border-bottom:1px solid #eee}code{white-space:pre-wrap;word-break:break-word}</style></head><body>
<h1>Specialist ${escapeHtml(report.specialistId)} for ${escapeHtml(report.task)}</h1>
<h2>Verification on the validation split (served by the runtime, before registration)</h2>
<table>${rows([
    ['agreement with the teacher', `${report.verification.correct}/${report.verification.examples} (${percent(report.verification.agreement)})`],
    ['structurally valid', percent(report.verification.validRate)],
    ['metric', report.verification.metric],
    ['p50 latency', `${report.verification.latencyP50Ms.toFixed(0)} ms`],
  ])}</table>
<h2>Training loss</h2>${renderLossCurveSvg(report.lossCurve)}
<h2>Run</h2>
<table>${rows([
    ['job', report.jobId],
    ['backend', report.backend],
    ['base model', report.base],
    ['steps', String(report.steps)],
    ['time', `${report.trainSeconds.toFixed(0)} s`],
    ['cost', `$${report.costUsd.toFixed(4)} (${report.costBasis})`],
    ...Object.entries(report.metrics).map(([key, value]): [string, string] => [key, value === null ? '—' : String(Number(value.toFixed(4)))]),
    ['hyper-parameters', JSON.stringify(report.hyperparameters)],
  ])}</table>
<h2>Data</h2>
<table>${rows([
    ['dataset', `${report.dataset.version} (${report.dataset.dir})`],
    ['train / validation / held-out test', `${report.dataset.train} / ${report.dataset.validation} / ${report.dataset.test}`],
  ])}</table>
${failures.length > 0 ? `<h2>Where the specialist differs from the teacher</h2><table><tr><th>input</th><th>teacher</th><th>specialist</th><th>why</th></tr>${failures}</table>` : ''}
<p><small>Generated ${escapeHtml(report.createdAt)}.</small></p></body></html>
`;
}
