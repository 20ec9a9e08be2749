/** What a metric may know about the call besides the two answers. */

export type MetricName = 'exact' | 'label' | 'json' | 'tool_call' | 'sql_execution' | 'text_similarity';

/** Runs one SQL query on the task's database; rows come back as arrays of column values. */
export type SqlExecutor = (sql: string) => Promise<unknown[][] | { error: string }>;

/**
 * chrF needed (0..1) for free text to count as agreeing with the reference. 0.8 is high on purpose: chrF
 * between faithful paraphrases of one sentence typically lands around 0.5–0.7, so 0.8 accepts only
 * near-verbatim answers (small wording, punctuation or inflection changes). This metric decides whether a
 * specialist may replace the LLM, so doubt must fall on the side of keeping the LLM; answers that say the same
 * thing in other words are for `judgePairwise` to accept, not for a string metric.
 */
export const defaultTextSimilarityThreshold = 0.8;

export interface ScoreContext {
  /** The call's OpenAI `response_format`: `{type:'json_schema', json_schema:{schema}}`, `{type:'json_object'}` or `{type:'text'}`. */
  responseFormat?: Record<string, unknown> | null;
  /** The OpenAI `tools` offered in the call. Absent, null and [] all mean none was offered. */
  tools?: Array<Record<string, unknown>> | null;
  /** Runs SQL on the task's database; without it SQL answers fall back to normalised text match. */
  sqlExecutor?: SqlExecutor;
  /** chrF threshold for `text_similarity`; default `defaultTextSimilarityThreshold`. */
  textSimilarityThreshold?: number;
  /** Force a metric instead of choosing it from the answer's shape. */
  metric?: MetricName;
  /**
   * Extra acceptable values per tool parameter, keyed `"tool.param"` (BFCL's possible-answer lists): a
   * candidate value equal to the reference's or to any of these matches.
   */
  acceptableValues?: Record<string, unknown[]>;
}
