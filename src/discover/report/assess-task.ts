/**
 * Suitability and savings for one task: its share of traffic and spend, the shape of its answers, examples
 * available against examples needed, latency today — and from these a verdict (`specialise`, `maybe`,
 * `keep-on-llm`) with plain-language reasons, and the savings a specialist would bring under a stated cost
 * model. The rules are few and ordered so that each verdict can be explained in one sentence.
 */
import type { CallRecord } from '../../contracts/call-record.ts';
import type { DiscoveredTask } from '../discovered-task.ts';
import type { CostModel, OutputShape, TaskAssessment, Verdict } from '../replaceability-report.ts';
import { countActions, inferOutputShape } from './infer-output-shape.ts';
import { classifyStructure, examplesNeededFor, openEndedNovelty, type OutputStructure } from './internal/examples-needed.ts';
import { formatCount, formatMs, formatPercent, formatRatio, formatUsd } from './internal/format-figures.ts';
import { percentileOfSorted, sortAscending } from './internal/percentile.ts';
import { answerText, parseJsonAnswer, readAnswer, requestsJson, roughTokenCount } from './internal/read-answer.ts';

/** A task below this share of both calls and spend is too small to be worth a specialist yet. */
export const minimumShareThatMatters = 0.01;

export interface AssessTaskInput {
  task: DiscoveredTask;
  /** The task's calls (those named by `task.callIds`). */
  calls: readonly CallRecord[];
  /** Every call in the report window, for shares. */
  totals: { calls: number; costUsd: number };
  costModel: CostModel;
  /** Usable examples after curation; default: calls that succeeded, were not cut off or refused, and parse where JSON was asked. */
  examplesAvailable?: number;
}

/** The default usable-example count: a simple stand-in for the curation filters. */
export function countUsableExamples(calls: readonly CallRecord[]): number {
  let usable = 0;
  for (const call of calls) {
    if (call.status !== 'ok') continue;
    const answer = readAnswer(call);
    if (!answer || answer.truncated || answer.refused) continue;
    if (answer.content === null && answer.toolCalls.length === 0) continue;
    if (requestsJson(call) && (answer.content === null || !parseJsonAnswer(answer.content))) continue;
    usable += 1;
  }
  return usable;
}

/** The savings terms over the task's calls, before the verdict decides whether they count. */
export function computeSavings(calls: readonly CallRecord[], costModel: CostModel): { llmUsd: number; slmUsd: number; escalationUsd: number; netUsd: number } {
  const inputRate = costModel.slmUsdPerMillionInputTokens ?? costModel.slmUsdPerMillionTokens;
  let llmUsd = 0;
  let slmUsd = 0;
  for (const call of calls) {
    llmUsd += call.costUsd ?? 0;
    const answer = call.tokensOut === null ? readAnswer(call) : null;
    const tokensOut = call.tokensOut ?? (answer ? roughTokenCount(answerText(answer)) : 0);
    slmUsd += ((call.tokensIn ?? 0) * inputRate + tokensOut * costModel.slmUsdPerMillionTokens) / 1_000_000;
  }
  const escalationUsd = costModel.assumedEscalationRate * llmUsd;
  return { llmUsd, slmUsd, escalationUsd, netUsd: llmUsd - slmUsd - escalationUsd };
}

function describeShape(structure: OutputStructure, shape: OutputShape): string {
  switch (structure) {
    case 'labels': {
      const labels = shape.labels ?? [];
      const total = labels.reduce((sum, label) => sum + label.count, 0);
      const top = labels.slice(0, 4).map((label) => `${label.value} ${formatPercent(label.count / total)}`);
      return `Answers come from a closed set of ${labels.length} values (${top.join(', ')}${labels.length > 4 ? ', …' : ''}).`;
    }
    case 'json': {
      const properties = shape.jsonSchema?.properties;
      const fields = properties && typeof properties === 'object' ? Object.keys(properties) : [];
      const valid = shape.jsonValidShare ?? 1;
      return `Structured JSON${fields.length > 0 ? ` with fields ${fields.slice(0, 6).join(', ')}${fields.length > 6 ? ', …' : ''}` : ''}; ${formatPercent(valid)} of the LLM's answers parse.`;
    }
    case 'tool_calls': {
      const tools = shape.toolProfile?.tools ?? [];
      const top = tools.slice(0, 4).map((tool) => `${tool.name} ${formatPercent(tool.share)}`);
      return `Tool calls: ${tools.length} tool${tools.length === 1 ? '' : 's'} (${top.join(', ')}${tools.length > 4 ? ', …' : ''}), arguments with a stable schema.`;
    }
    case 'steps': {
      const forms = shape.formShares ?? { json: 0, toolCalls: 0, text: 0 };
      const parts = [forms.toolCalls > 0 ? `${formatPercent(forms.toolCalls)} tool calls` : '', forms.json > 0 ? `${formatPercent(forms.json)} JSON` : ''].filter((part) => part.length > 0);
      return `Structured steps: ${parts.join(', ')}; the other ${formatPercent(forms.text)} are text replies drawn from the conversation (novelty ${formatRatio(shape.textNovelty ?? 0)}).`;
    }
    case 'grounded-text':
      return `Free text drawn from the prompt: ${formatPercent(shape.textNovelty ?? 0)} of answer words are new (below the ${formatPercent(openEndedNovelty)} open-ended line), variability ${formatRatio(shape.textVariability ?? 0)}.`;
    case 'open-text':
      return `Open-ended free text: ${formatPercent(shape.textNovelty ?? 0)} of answer words come from neither the prompt nor the task's usual phrasing, variability ${formatRatio(shape.textVariability ?? 0)}.`;
  }
}

function structureNoun(structure: OutputStructure, shape: OutputShape): string {
  switch (structure) {
    case 'labels':
      return `closed set of ${shape.labels?.length ?? 0} values`;
    case 'json':
      return 'JSON output';
    case 'tool_calls':
      return `tool calls (${shape.toolProfile?.tools.length ?? 0} tools)`;
    case 'steps':
      return shape.toolProfile ? `next steps (${shape.toolProfile.tools.length} tools or a reply)` : 'JSON or short replies';
    case 'grounded-text':
      return 'free text drawn from the prompt';
    case 'open-text':
      return 'open-ended text';
  }
}

/**
 * Assesses one task. Verdict rules, first match wins:
 * 1. open-ended free text → `keep-on-llm`;
 * 2. no answered calls, or below 1% of both calls and spend → `maybe` (too small to matter yet);
 * 3. the specialist would not cost less than the LLM under the cost model → `maybe`;
 * 4. free text drawn from the prompt → `maybe` (learnable, but check it in shadow first);
 * 5. structured output (labels, JSON, tool calls, next steps) with enough examples → `specialise`;
 * 6. otherwise → `maybe` (collect more examples).
 */
export function assessTask(input: AssessTaskInput): TaskAssessment {
  const { task, calls, totals, costModel } = input;
  const shape = inferOutputShape(calls);
  const structure = classifyStructure(shape);
  const examplesRule = examplesNeededFor(structure, shape);
  const examplesAvailable = input.examplesAvailable ?? countUsableExamples(calls);
  const savings = computeSavings(calls, costModel);
  const callShare = totals.calls === 0 ? 0 : calls.length / totals.calls;
  const spendShare = totals.costUsd === 0 ? 0 : savings.llmUsd / totals.costUsd;
  const okLatencies = sortAscending(calls.filter((call) => call.status === 'ok').map((call) => call.latencyMs));
  const latencyP50Ms = okLatencies.length === 0 ? null : percentileOfSorted(okLatencies, 0.5);
  const answered = calls.filter((call) => readAnswer(call) !== null).length;

  const shapeReason = answered === 0 ? 'No call of this task has a readable answer.' : describeShape(structure, shape);
  const examplesReason = `${formatCount(examplesAvailable)} usable examples; ${formatCount(examplesRule.needed)} needed (rule: ${examplesRule.rule}).`;
  const volumeReason = `${formatPercent(callShare)} of calls (${formatCount(calls.length)}), ${formatPercent(spendShare)} of spend (${formatUsd(savings.llmUsd)}).`;
  const savingsReason =
    `Specialist cost ${formatUsd(savings.slmUsd)} + ${formatPercent(costModel.assumedEscalationRate)} escalations ${formatUsd(savings.escalationUsd)} ` +
    `against LLM ${formatUsd(savings.llmUsd)}: net ${formatUsd(savings.netUsd)} over the window.`;

  let verdict: Verdict;
  let decisive: string;
  const noun = structureNoun(structure, shape);
  const structured = structure === 'labels' || structure === 'json' || structure === 'tool_calls' || structure === 'steps';
  if (answered > 0 && structure === 'open-text') {
    verdict = 'keep-on-llm';
    decisive = `Keep on the LLM: open-ended text (${formatPercent(shape.textNovelty ?? 0)} new words, variability ${formatRatio(shape.textVariability ?? 0)}), which a small model does poorly.`;
  } else if (answered === 0) {
    verdict = 'maybe';
    decisive = 'Maybe: no answered call to learn from yet.';
  } else if (callShare < minimumShareThatMatters && spendShare < minimumShareThatMatters) {
    verdict = 'maybe';
    decisive = `Maybe: too small to matter yet (under ${formatPercent(minimumShareThatMatters)} of both calls and spend).`;
  } else if (savings.netUsd <= 0) {
    verdict = 'maybe';
    decisive = `Maybe: ${noun}, but a specialist would not cost less than the LLM under this cost model.`;
  } else if (structure === 'grounded-text') {
    verdict = 'maybe';
    decisive = `Maybe: ${noun} (novelty ${formatRatio(shape.textNovelty ?? 0)}); learnable, but check its quality in shadow first.`;
  } else if (structured && examplesAvailable >= examplesRule.needed) {
    verdict = 'specialise';
    decisive = `Specialise: ${noun}; ${formatCount(examplesAvailable)} examples (${formatCount(examplesRule.needed)} needed).`;
  } else {
    verdict = 'maybe';
    decisive = `Maybe: ${noun}, but ${formatCount(examplesRule.needed - examplesAvailable)} more examples needed (${formatCount(examplesAvailable)} of ${formatCount(examplesRule.needed)}).`;
  }

  const reasons = [decisive, shapeReason, examplesReason, volumeReason, savingsReason];
  const errors = calls.filter((call) => call.status !== 'ok').length;
  if (errors > 0 && errors / calls.length >= 0.05) reasons.push(`${formatPercent(errors / calls.length)} of calls failed at the LLM and are not examples.`);
  if (shape.jsonValidShare !== undefined && shape.jsonValidShare < 0.95) {
    reasons.push(`${formatPercent(1 - shape.jsonValidShare)} of the LLM's JSON answers do not parse; a grammar-constrained specialist always returns valid JSON.`);
  }
  const unpriced = calls.filter((call) => call.costUsd === null).length;
  if (unpriced > 0) reasons.push(`${formatCount(unpriced)} calls have no known price and count as $0.`);
  if (latencyP50Ms !== null) {
    const slmSeconds = costModel.slmTokensPerSecond ? shape.length.p50 / costModel.slmTokensPerSecond : null;
    reasons.push(
      `Latency today p50 ${formatMs(latencyP50Ms)}` +
        (slmSeconds === null ? '.' : `; the small model would take about ${formatMs(slmSeconds * 1000)} for a median answer (${shape.length.p50} tokens).`),
    );
  }

  const assessment: TaskAssessment = {
    taskId: task.id,
    name: task.name,
    source: task.source,
    agency: task.agency,
    calls: calls.length,
    callShare,
    costUsd: savings.llmUsd,
    spendShare,
    tokensIn: calls.reduce((sum, call) => sum + (call.tokensIn ?? 0), 0),
    tokensOut: calls.reduce((sum, call) => sum + (call.tokensOut ?? 0), 0),
    latencyP50Ms,
    outputShape: shape,
    examplesAvailable,
    examplesNeeded: examplesRule.needed,
    verdict,
    reasons,
    projectedSavingsUsd: verdict === 'keep-on-llm' ? 0 : savings.netUsd,
    savings,
    templates: task.templates.slice(0, 3).map((template) => ({ text: template.text, calls: template.calls })),
  };
  if (task.agency === 'language-model') assessment.actions = countActions(calls);
  return assessment;
}
