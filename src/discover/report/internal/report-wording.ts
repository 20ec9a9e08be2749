/** Wording shared by the three renderers: verdict names, the window, the summary and cost-model sentences. */
import type { ReplaceabilityReport, TaskAssessment, Verdict } from '../../replaceability-report.ts';
import { formatCount, formatPercent, formatUsd } from './format-figures.ts';

export const verdictLabels: Record<Verdict, string> = { specialise: 'specialise', maybe: 'maybe', 'keep-on-llm': 'keep on LLM' };

export function agencyLabel(task: TaskAssessment): string {
  return task.agency === 'language-model' ? 'LM' : 'code';
}

export function formatWindow(window: ReplaceabilityReport['window']): string {
  const at = (value: number | null, fallback: string) => (value === null ? fallback : new Date(value).toISOString().replace('T', ' ').slice(0, 16) + ' UTC');
  return `${at(window.from, 'first call')} → ${at(window.to, 'last call')}`;
}

/** Savings as shown in tables: a dash where the task stays on the LLM. */
export function formatTaskSavings(task: TaskAssessment): string {
  return task.verdict === 'keep-on-llm' ? '—' : formatUsd(task.projectedSavingsUsd);
}

export function summarySentence(report: ReplaceabilityReport): string {
  const replaceable = report.replaceable;
  return (
    `Replaceable now (verdict specialise): ${formatPercent(replaceable.callShare)} of calls (${formatCount(replaceable.calls)} of ${formatCount(report.totals.calls)}) ` +
    `and ${formatPercent(replaceable.spendShare)} of spend (${formatUsd(replaceable.costUsd)} of ${formatUsd(report.totals.costUsd)}); ` +
    `projected savings ${formatUsd(replaceable.projectedSavingsUsd)} over the window.`
  );
}

export function costModelSentence(report: ReplaceabilityReport): string {
  const model = report.costModel;
  const inputRate =
    model.slmUsdPerMillionInputTokens === undefined
      ? 'input and output alike'
      : `output tokens; prompt tokens $${model.slmUsdPerMillionInputTokens.toFixed(2)} per million`;
  return (
    `LLM prices: ${model.llmPricing.source}, retrieved ${model.llmPricing.retrieved}. ` +
    `Small model: $${model.slmUsdPerMillionTokens.toFixed(2)} per million tokens (${inputRate}). ` +
    `Escalations: ${formatPercent(model.assumedEscalationRate)} of specialist calls assumed re-asked of the LLM (paid twice). ` +
    `Savings = LLM cost − (SLM cost + escalation rate × LLM cost).`
  );
}

/** Tasks in the order every renderer shows them: most spend first. */
export function tasksBySpend(report: ReplaceabilityReport): TaskAssessment[] {
  return [...report.tasks].sort((left, right) => right.costUsd - left.costUsd || right.calls - left.calls);
}
