import type { AnswerScore } from '../answer-score.ts';
import type { AssistantAnswer } from '../assistant-answer.ts';
import type { MetricName } from '../score-context.ts';

/**
 * For the text metrics: a candidate that calls tools where the reference answered in text has not given the
 * answer at all, whatever its content says. Returns the failing score, or undefined when both are text.
 */
export function scoreToolCallsInsteadOfText(metric: MetricName, candidate: AssistantAnswer, valid: boolean): AnswerScore | undefined {
  if (candidate.toolCalls.length === 0) return undefined;
  const names = candidate.toolCalls.map((call) => call.name).join(', ');
  return { metric, correct: false, score: 0, valid, reason: `the reference answered in text; the candidate called ${names}` };
}

/** Text of an answer for comparison: null content is the empty string. */
export function contentOf(answer: AssistantAnswer): string {
  return answer.content ?? '';
}

/** A short excerpt for reasons, so one line stays one line. */
export function excerpt(text: string, limit = 80): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return JSON.stringify(flat.length > limit ? `${flat.slice(0, limit)}…` : flat);
}
