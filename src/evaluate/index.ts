/**
 * Evaluation: how a candidate answer (a specialist's) compares to a reference answer (the teacher LLM's, or
 * ground truth), with the metric chosen by the task's output shape, plus structural validation the router
 * uses live, summaries for reports and gates, and a pairwise LLM judge.
 */
export { answerFromMessage, type AssistantAnswer } from './assistant-answer.ts';
export type { AnswerScore, FieldDetail } from './answer-score.ts';
export { defaultTextSimilarityThreshold, type MetricName, type ScoreContext, type SqlExecutor } from './score-context.ts';
export { scoreAnswer } from './score-answer.ts';
export { chooseMetric, labelLimits } from './choose-metric.ts';
export { validateAnswer, validateToolCalls, type AnswerValidation } from './validate-answer.ts';
export { summariseScores, type ScoreSummary } from './summarise-scores.ts';
export { scoreExact } from './score-exact.ts';
export { scoreLabel } from './score-label.ts';
export { scoreJson } from './score-json.ts';
export { scoreToolCalls } from './score-tool-calls.ts';
export { scoreSqlExecution } from './score-sql-execution.ts';
export { scoreTextSimilarity } from './score-text-similarity.ts';
export { createSqliteExecutor } from './create-sqlite-executor.ts';
export { chrF } from './chrf.ts';
export { rougeL } from './rouge-l.ts';
export { judgePairwise, parseVerdict, type JudgeMessage, type JudgePairwiseInput, type JudgePairwiseResult, type JudgeVerdict } from './judge-pairwise.ts';
export { evaluateSpecialist, type EvaluateSpecialistOptions, type GateResult, type PromotionGates, type SpecialistEvaluation } from './evaluate-specialist.ts';
export { selectionScorer } from './selection-scorer.ts';
export { storedEvaluationFrom, type StoredEvaluationOptions } from './stored-evaluation-from.ts';
export { answerConfidence, type AnswerConfidenceOptions, type ConfidenceAggregate } from './answer-confidence.ts';
export { calibrateConfidence, type CalibrateConfidenceOptions, type ConfidenceCalibration, type ConfidenceSample } from './calibrate-confidence.ts';
