/**
 * Proves a specialist on a task's held-out data before anyone routes traffic to it: the specialist, served as
 * the router will serve it, answers every example of the value-disjoint test split (or the validation split);
 * each answer is scored against the teacher's with the metric the task's output shape calls for; the report
 * gives agreement with the teacher (with a 95% interval), validity, partial credit, latency and the failures
 * side by side, and checks the configured promotion gates. Agreement is with the *teacher*: datasets hold the
 * LLM's answers, not ground truth, so accuracy against ground truth is reported only where a caller has it.
 *
 * The router serves a specialist's answer only when its confidence reaches the route's calibrated threshold
 * and hands the rest back to the LLM, so the report also calibrates a threshold on these answers for
 * `targetPrecision` (`confidence`) and checks the same gates on the answers that threshold would deliver
 * (`gatesWithThreshold`, `passedWithThreshold`). `gates` and `passed` stay on every answer, as before; a caller
 * (the loop, `understudy eval`) decides which to hold a specialist to, and weighs `confidence.escalationRate`
 * (the share it would hand back) against its own limit.
 */
import type { LoadedDataset } from '../curate/dataset/read-dataset.ts';
import { runSelection, type CandidateRun, type FailureExample, type SelectionCandidate } from '../select/run-selection.ts';
import { answerConfidence } from './answer-confidence.ts';
import { evaluateThreshold, type ThresholdEvaluation } from './evaluate-threshold.ts';
import { selectionScorer } from './selection-scorer.ts';

export interface PromotionGates {
  minAgreement: number;
  minValidRate: number;
  minExamples: number;
}

export interface GateResult {
  gate: keyof PromotionGates;
  threshold: number;
  value: number;
  passed: boolean;
}

export interface SpecialistEvaluation {
  task: string;
  datasetVersion: string;
  specialist: { id: string; label: string };
  split: 'test' | 'validation';
  examples: number;
  agreement: { correct: number; rate: number; interval: [number, number] };
  validRate: number;
  meanScore: number;
  metric: string;
  errors: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  failures: FailureExample[];
  /** On every answer: agreement, validity and the number of examples. */
  gates: GateResult[];
  passed: boolean;
  /** The threshold calibrated on this run for `targetPrecision`, and what it would deliver and escalate. */
  confidence: ThresholdEvaluation;
  /**
   * The same gates on the answers the calibrated threshold delivers: `minAgreement` and `minValidRate` on
   * `confidence.delivered`; `minExamples` on the examples evaluated (they are the evidence for the threshold).
   */
  gatesWithThreshold: GateResult[];
  /** Every gate in `gatesWithThreshold` passes and the target precision is reachable (`confidence.calibration.reachable`). */
  passedWithThreshold: boolean;
}

export interface EvaluateSpecialistOptions {
  dataset: LoadedDataset;
  candidate: SelectionCandidate;
  gates: PromotionGates;
  /** Default `test`: the value-disjoint held-out split. */
  split?: 'test' | 'validation';
  /** At most this many examples (default: the whole split). */
  limit?: number;
  /** Precision the confidence threshold is calibrated for (config `routing.targetPrecision`). Default 0.98. */
  targetPrecision?: number;
  /** Fewest answers the calibrated threshold must accept (`calibrateConfidence`). Default 1. */
  minAccepted?: number;
  /** Failures kept for the side-by-side view. Default 20. */
  failuresKept?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

const defaultTargetPrecision = 0.98;

export async function evaluateSpecialist(options: EvaluateSpecialistOptions): Promise<SpecialistEvaluation> {
  const split = options.split ?? 'test';
  const lines = options.dataset[split];
  const limit = Math.min(options.limit ?? lines.length, lines.length);
  // Selection runs the validation split; hand it the split being evaluated in that place.
  const dataset: LoadedDataset = { ...options.dataset, validation: lines };
  const { runs, unreachable } = await runSelection({
    dataset,
    candidates: [{ ...options.candidate, modes: ['specialist'] }],
    limit,
    shots: 0,
    keptFailures: options.failuresKept ?? 20,
    scorer: selectionScorer,
    answerConfidence,
    ...(options.onProgress === undefined ? {} : { onProgress: (progress) => options.onProgress?.(progress.done, progress.total) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const failure = unreachable[0];
  if (failure !== undefined) throw new Error(`Specialist ${options.candidate.label} cannot be served: ${failure.reason}`);
  const run: CandidateRun | undefined = runs[0];
  const examples = run?.examples ?? 0;
  const agreementRate = run?.accuracy ?? 0;
  const validRate = run?.validRate ?? 0;
  const examplesGate: GateResult = { gate: 'minExamples', threshold: options.gates.minExamples, value: examples, passed: examples >= options.gates.minExamples };
  const gates: GateResult[] = [
    examplesGate,
    { gate: 'minAgreement', threshold: options.gates.minAgreement, value: agreementRate, passed: examples > 0 && agreementRate >= options.gates.minAgreement },
    { gate: 'minValidRate', threshold: options.gates.minValidRate, value: validRate, passed: examples > 0 && validRate >= options.gates.minValidRate },
  ];
  const confidence = evaluateThreshold(run?.confidences ?? [], options.targetPrecision ?? defaultTargetPrecision, options.minAccepted === undefined ? {} : { minAccepted: options.minAccepted });
  const delivered = confidence.delivered;
  const gatesWithThreshold: GateResult[] = [
    examplesGate,
    { gate: 'minAgreement', threshold: options.gates.minAgreement, value: delivered.agreement, passed: delivered.count > 0 && delivered.agreement >= options.gates.minAgreement },
    { gate: 'minValidRate', threshold: options.gates.minValidRate, value: delivered.validRate, passed: delivered.count > 0 && delivered.validRate >= options.gates.minValidRate },
  ];
  return {
    task: options.dataset.manifest.task,
    datasetVersion: options.dataset.manifest.version,
    specialist: { id: options.candidate.id, label: options.candidate.label },
    split,
    examples,
    agreement: { correct: run?.correct ?? 0, rate: agreementRate, interval: run?.accuracyInterval ?? [0, 1] },
    validRate,
    meanScore: run?.meanScore ?? 0,
    metric: run?.metric ?? 'none',
    errors: run?.errors ?? 0,
    latencyP50Ms: run?.latencyP50Ms ?? 0,
    latencyP95Ms: run?.latencyP95Ms ?? 0,
    failures: run?.failures ?? [],
    gates,
    passed: gates.every((gate) => gate.passed),
    confidence,
    gatesWithThreshold,
    passedWithThreshold: confidence.calibration.reachable && gatesWithThreshold.every((gate) => gate.passed),
  };
}
