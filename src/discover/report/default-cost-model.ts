/**
 * The cost model the replaceability report prices savings with, stated in full so a reader can check or
 * replace every figure: LLM prices from the dated pricing table, and a small model's serving cost derived
 * from a published VM price and a throughput measured on this project's own benchmark.
 */
import type { PricingTable } from '../../providers/pricing-table.ts';
import type { CostModel } from '../replaceability-report.ts';

/**
 * What the default SLM cost is made of. The throughput is `npm run bench:engine`: SmolLM2-135M-Instruct Q4_1
 * in node-llama-cpp on a 2-core x86 VM, completion tokens ÷ total call time with each call's prompt
 * evaluation included (shared system prompt reused). The VM price is a published on-demand rate for a
 * non-burstable 2-vCPU instance (a burstable t3 would bill extra CPU credits under constant load).
 */
export const defaultSlmServing = {
  model: 'SmolLM2-135M-Instruct Q4_1 (node-llama-cpp, CPU)',
  tokensPerSecond: 29.6,
  throughputSource: 'measured by `npm run bench:engine` on a 2-core VM: completion tokens ÷ total call time, prompt evaluation included',
  vmName: 'AWS EC2 m7g.large (2 vCPU, 8 GiB), Linux on-demand, us-east-1',
  vmUsdPerHour: 0.0816,
  vmPriceSource: 'https://aws.amazon.com/ec2/pricing/on-demand/; figure as quoted for June 2026 by https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/',
  /** Assumed, not measured: one specialist answer in ten rejected by its gates and re-asked of the LLM. */
  escalationRate: 0.1,
} as const;

/** US dollars per million generated tokens for a VM at `usdPerHour` producing `tokensPerSecond`, fully busy. */
export function slmUsdPerMillionTokens(usdPerHour: number, tokensPerSecond: number): number {
  return (usdPerHour / (tokensPerSecond * 3600)) * 1_000_000;
}

/**
 * The default cost model: $0.0816/h ÷ (29.6 tok/s × 3,600 s) ≈ $0.77 per million generated tokens; prompt
 * tokens add nothing beyond that, because the measured rate already includes each call's prompt evaluation.
 *
 * @example
 * const costModel = defaultCostModel(createPricingTable(config.pricing));
 * costModel.slmUsdPerMillionTokens; // 0.7658
 */
export function defaultCostModel(pricingTable: PricingTable, overrides: { escalationRate?: number } = {}): CostModel {
  const serving = defaultSlmServing;
  return {
    llmPricing: {
      source: 'data/pricing.json (providers’ public pricing pages, one source per model) with the config’s `pricing` overrides',
      retrieved: pricingTable.retrieved,
    },
    slmUsdPerMillionTokens: slmUsdPerMillionTokens(serving.vmUsdPerHour, serving.tokensPerSecond),
    slmUsdPerMillionInputTokens: 0,
    slmTokensPerSecond: serving.tokensPerSecond,
    slmBasis:
      `${serving.model} at ${serving.tokensPerSecond} generated tokens/s, ${serving.throughputSource}. ` +
      `Priced as ${serving.vmName} at $${serving.vmUsdPerHour}/h (${serving.vmPriceSource}): ` +
      `$${serving.vmUsdPerHour} ÷ (${serving.tokensPerSecond} × 3,600 tokens per hour). Assumes the VM is kept busy ` +
      '(an idle VM costs the same per hour) and prompts like the benchmark’s; long unshared prompts cost more. ' +
      'Prompt tokens are not charged separately because the measured rate includes their evaluation.',
    assumedEscalationRate: overrides.escalationRate ?? serving.escalationRate,
  };
}
