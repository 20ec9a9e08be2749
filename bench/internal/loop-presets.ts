/**
 * The two sizes of the closed-loop benchmark. `full` is the measurement (≥ 2,000 measured calls, every
 * agent, drift, training budgets sized for a specialist to reach the gates; on CPU each LoRA takes minutes, on a
 * GPU seconds). `quick` is the CI variant: one agent, the biggest task trained per round with a few steps, gates
 * and promotion thresholds lowered so the machinery (train → shadow → promote → serve → audit → roll back) runs
 * end to end in minutes; bench/loop.test.ts states the figures it must reach.
 */
import type { KnownTask } from '../../src/contracts/task-signature.ts';
import { demoPlan, isJsonTaskWithoutTools } from '../../src/loop/demo-preset.ts';
import type { LoopBenchmarkOptions } from './loop-benchmark.ts';

/**
 * @param base the base model for LoRA training: `default`, or a GGUF path (the benchmark passes the repository's
 *   cached SmolLM2 so each run does not download it into its temporary data directory again).
 */
export function loopBenchmarkPreset(size: 'quick' | 'full', device: 'auto' | 'cpu' | 'cuda' = 'auto', base = 'default'): Omit<LoopBenchmarkOptions, 'onProgress'> {
  if (size === 'quick') {
    const quick = demoPlan('quick', base);
    const quickTraining = quick.config.loop['training'] as { hyperparameters: Record<string, unknown> };
    return {
      agents: 'support',
      // Two rounds: the second round's traffic is what the governor promotes the first round's specialist on
      // (with one round, promotion raced the broken-specialist and measured runs and sometimes lost).
      rounds: 2,
      episodesPerRound: 70,
      // Drift needs more rounds and steps than CI affords (a few-step LoRA retrained on mixed shapes does not
      // recover); the full benchmark runs it.
      driftRound: 0,
      driftTask: 'support/extract-order',
      driftSchema: 'order_details',
      measureCalls: 150,
      // One task only — the biggest JSON extraction without tool schemas in its prompt (the loop meets tasks
      // biggest first): short sequences, so a few LoRA steps fit in CI.
      trainOnly: oneJsonTask(),
      brokenCalls: 80,
      concurrency: 4,
      // The demo's quick gates and routing (a few CPU steps on ~100 examples: 60% agreement instead of 98%, on a
      // handful of examples), with the benchmark's own differences: half the live answers audited, so the broken
      // specialist is caught within its ~20 served calls in (nearly) every run — at 20% the chance of fewer than
      // two audits in 18 calls is about 10% — and a loop that retrains on routed evidence within two rounds.
      config: {
        gates: quick.config.gates,
        routing: { ...quick.config.routing, auditShare: 0.5 },
        loop: {
          ...quick.config.loop,
          minExamples: 40,
          maxTrainingsPerRound: 1,
          retrainGrowth: 100,
          retrainMinRoutedCalls: 5,
          training: { backend: 'lora', base, device, hyperparameters: quickTraining.hyperparameters },
        },
      },
    };
  }
  return {
    agents: 'support,query,toolloop',
    rounds: 4,
    episodesPerRound: 200,
    driftRound: 3,
    driftTask: 'support/extract-order',
    driftSchema: 'order_details',
    measureCalls: 2000,
    brokenCalls: 300,
    concurrency: 8,
    config: {
      routing: { threads: 1 },
      loop: {
        minExamples: 300,
        evalExamples: 60,
        training: { backend: 'lora', base, device, hyperparameters: { maxSteps: 40, rank: 16, learningRate: 0.0015 } },
      },
    },
  };
}

function oneJsonTask(): (task: KnownTask) => boolean {
  let chosen: string | null = null;
  return (task) => {
    if (!isJsonTaskWithoutTools(task)) return false;
    chosen ??= task.id;
    return task.id === chosen;
  };
}
