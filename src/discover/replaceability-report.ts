/**
 * The replaceability report's contract: per task, how much of the traffic and spend it is, what its outputs
 * look like, whether a specialist should take it (with reasons), and what that would save under a stated
 * cost model. Built by `buildReplaceabilityReport`, rendered for the terminal, Markdown and a self-contained
 * HTML page.
 */
import type { Agency } from './discovered-task.ts';

export type Verdict = 'specialise' | 'maybe' | 'keep-on-llm';

export interface LengthStats {
  /** Output tokens (as logged, or counted), p50 / p90 / max. */
  p50: number;
  p90: number;
  max: number;
}

export interface ToolProfile {
  /** How often each tool was called, as a share of the task's calls that called a tool. */
  tools: Array<{ name: string; share: number; argumentsSchema: Record<string, unknown> }>;
  /** Share of calls answered with tool calls (the rest replied in text). */
  toolCallShare: number;
  /** Share of tool-calling answers that called more than one tool at once. */
  parallelShare: number;
}

export interface OutputShape {
  /** The dominant form of the answers (one form in at least 80% of answers), else `mixed`. */
  kind: 'json' | 'tool_calls' | 'text' | 'mixed';
  /** Share of answers in each form (JSON asked for or parsed, tool calls, other text). Optional: added after v1. */
  formShares?: { json: number; toolCalls: number; text: number };
  /** For JSON answers: one JSON schema merged from every output (types, required keys, enums for small sets). */
  jsonSchema?: Record<string, unknown>;
  /** Share of JSON-kind answers that parse. */
  jsonValidShare?: number;
  toolProfile?: ToolProfile;
  /** When answers come from a small closed set (labels): the values and their counts. */
  labels?: Array<{ value: string; count: number }>;
  length: LengthStats;
  /** Distinct outputs / outputs (1 = every answer differs). */
  distinctShare: number;
  /**
   * Mean pairwise word-set Jaccard distance of the free-text answers, 0–1 (0 = all alike), on an evenly
   * spaced sample of at most 50; null for non-text or fewer than two text answers.
   */
  textVariability: number | null;
  /**
   * Share of the free-text answers' words found neither in their prompt nor in the task's recurring phrasing
   * (words in ≥ 30% of answers), 0–1: high = open-ended (the model brings new content), low = the answer is
   * drawn from the prompt (templated replies, summaries, SQL). Null for non-text. Optional: added after v1.
   */
  textNovelty?: number | null;
}

export interface CostModel {
  /** The LLM prices used, and when the table was read. */
  llmPricing: { source: string; retrieved: string };
  /**
   * The small model's serving cost per million tokens, and where it comes from (`slmBasis`). Applies to
   * output tokens, and to input tokens too unless `slmUsdPerMillionInputTokens` is given.
   */
  slmUsdPerMillionTokens: number;
  /**
   * Prompt tokens' rate where it differs, e.g. 0 when the measured generation rate already includes prompt
   * evaluation. Optional: absent = input and output alike.
   */
  slmUsdPerMillionInputTokens?: number;
  /** Measured generation speed of the small model, for the latency comparison in reasons. Optional. */
  slmTokensPerSecond?: number;
  slmBasis: string;
  /** Share of specialist calls expected to escalate to the LLM (paid twice: SLM + LLM). */
  assumedEscalationRate: number;
}

export interface TaskAssessment {
  taskId: string;
  name: string;
  source: 'declared' | 'discovered';
  agency: Agency;
  calls: number;
  callShare: number;
  costUsd: number;
  spendShare: number;
  tokensIn: number;
  tokensOut: number;
  latencyP50Ms: number | null;
  outputShape: OutputShape;
  /** Usable examples after curation filters (errors, truncation, refusals, invalid JSON removed). */
  examplesAvailable: number;
  /** Examples a specialist of this shape needs, by the rule stated in `reasons`. */
  examplesNeeded: number;
  verdict: Verdict;
  /** Plain-language reasons, most important first. */
  reasons: string[];
  /**
   * Savings over the report window (no monthly normalisation is assumed), in US dollars:
   * LLM cost − (SLM cost + escalation rate × LLM cost). 0 for `keep-on-llm` (nothing moves).
   */
  projectedSavingsUsd: number;
  /** The terms of `projectedSavingsUsd`, whatever the verdict. Optional: added after v1. */
  savings?: { llmUsd: number; slmUsd: number; escalationUsd: number; netUsd: number };
  /** Language-model agency: the next steps taken (tool name or `reply`) and their counts. */
  actions?: Array<{ action: string; calls: number }>;
  /** Up to three representative skeletons. */
  templates: Array<{ text: string; calls: number }>;
}

export interface ReplaceabilityReport {
  version: 1;
  generatedAt: string;
  window: { from: number | null; to: number | null };
  totals: { calls: number; costUsd: number; tokensIn: number; tokensOut: number };
  /** Calls and spend of the tasks with verdict `specialise`, as shares of the totals. */
  replaceable: { calls: number; callShare: number; costUsd: number; spendShare: number; projectedSavingsUsd: number };
  tasks: TaskAssessment[];
  unassignedCalls: number;
  skipped: Record<string, number>;
  costModel: CostModel;
  embedder: string;
}
