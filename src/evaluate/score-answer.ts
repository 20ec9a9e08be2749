/** One entry point for every metric: pick the metric from the task's shape (or the caller's choice) and score. */
import type { AnswerScore } from './answer-score.ts';
import type { AssistantAnswer } from './assistant-answer.ts';
import { chooseMetric } from './choose-metric.ts';
import type { ScoreContext } from './score-context.ts';
import { scoreExact } from './score-exact.ts';
import { scoreJson } from './score-json.ts';
import { scoreLabel } from './score-label.ts';
import { scoreSqlExecution } from './score-sql-execution.ts';
import { scoreTextSimilarity } from './score-text-similarity.ts';
import { scoreToolCalls } from './score-tool-calls.ts';

/**
 * Scores `candidate` against `reference`. The reference is the teacher's logged answer (the result measures
 * agreement) or ground truth (it measures accuracy); the computation is the same, and callers keep the two
 * apart in their reports. Never throws for bad answers or schemas — those are results; async only because
 * SQL runs on a database.
 *
 * @example
 * const score = await scoreAnswer(teacherAnswer, specialistAnswer, { responseFormat: request.response_format, tools: request.tools });
 * if (!score.correct) console.log(score.metric, score.reason);
 */
export async function scoreAnswer(reference: AssistantAnswer, candidate: AssistantAnswer, context: ScoreContext = {}): Promise<AnswerScore> {
  const metric = chooseMetric(reference, context);
  switch (metric) {
    case 'tool_call':
      return scoreToolCalls(reference, candidate, context);
    case 'json':
      return scoreJson(reference, candidate, context);
    case 'sql_execution':
      return scoreSqlExecution(reference, candidate, context);
    case 'label':
      return scoreLabel(reference, candidate, context);
    case 'exact':
      return scoreExact(reference, candidate, context);
    case 'text_similarity':
      return scoreTextSimilarity(reference, candidate, context);
  }
}
