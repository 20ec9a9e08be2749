/**
 * How often personal data turns up, per message, in the traffic of each kind of agent. Rates are set from
 * what support and tool-using agents see in practice: customers sign with their names and leave contact
 * details all the time, bank and card numbers are rarer, and secrets leak occasionally (a pasted config, a
 * key in a tool call). A redactor measured on this mix sees the common kinds often and the rare but
 * costly ones often enough to count.
 */
import type { Random } from '../random.ts';
import type { PiiKind } from '../simulated-task.ts';

/** Where a message sits: a customer-support thread, a tool call's arguments or result, or a plain query prompt. */
export type PiiSetting = 'support' | 'tool' | 'query';

/**
 * Probability that one message of a setting includes at least one value of a kind.
 *
 * | kind           | support | tool  | query | why                                                        |
 * |----------------|---------|-------|-------|------------------------------------------------------------|
 * | person_name    | 0.60    | 0.35  | 0.10  | customers sign messages; tools look people up by name      |
 * | email          | 0.30    | 0.25  | 0.04  | contact details in tickets, CRM and mail tool arguments    |
 * | phone          | 0.18    | 0.12  | 0.02  | "call me back on …", contact records                       |
 * | street_address | 0.12    | 0.10  | 0.01  | deliveries and returns                                     |
 * | date_of_birth  | 0.05    | 0.04  | 0.01  | identity checks                                            |
 * | iban           | 0.04    | 0.03  | 0.005 | refunds to a bank account                                  |
 * | card_number    | 0.03    | 0.02  | 0.003 | customers paste card numbers despite being told not to     |
 * | ip_address     | 0.03    | 0.06  | 0.01  | logs and security tooling                                  |
 * | national_id    | 0.015   | 0.01  | 0.002 | identity verification                                      |
 * | api_key        | 0.01    | 0.02  | 0.005 | pasted configs, keys passed to tools                       |
 */
export const piiRates: Readonly<Record<PiiSetting, Readonly<Record<PiiKind, number>>>> = {
  support: {
    person_name: 0.6, email: 0.3, phone: 0.18, street_address: 0.12, date_of_birth: 0.05,
    iban: 0.04, card_number: 0.03, ip_address: 0.03, national_id: 0.015, api_key: 0.01,
  },
  tool: {
    person_name: 0.35, email: 0.25, phone: 0.12, street_address: 0.1, date_of_birth: 0.04,
    iban: 0.03, card_number: 0.02, ip_address: 0.06, national_id: 0.01, api_key: 0.02,
  },
  query: {
    person_name: 0.1, email: 0.04, phone: 0.02, street_address: 0.01, date_of_birth: 0.01,
    iban: 0.005, card_number: 0.003, ip_address: 0.01, national_id: 0.002, api_key: 0.005,
  },
};

/** Every kind, in the order of the rate table (most to least common in support traffic). */
export const piiKinds: readonly PiiKind[] = Object.keys(piiRates.support) as PiiKind[];

export interface PiiPlanOptions {
  /** Multiplies every rate (default 1), e.g. 3 for a PII-heavy stress workload; results are capped at 1. */
  rate?: number;
  /** Which column of the table to use (default `support`). */
  setting?: PiiSetting;
}

/**
 * Whether one message includes `kind`, at the table's rate for the setting times `options.rate`.
 * Always draws exactly once, so the stream stays aligned whatever the outcome.
 */
export function maybe(random: Random, kind: PiiKind, options: PiiPlanOptions = {}): boolean {
  const probability = Math.min(1, piiRates[options.setting ?? 'support'][kind] * (options.rate ?? 1));
  return random.chance(probability);
}

/**
 * The kinds one message should include, each decided independently (one draw per kind, in table order,
 * so the plan for a seed never changes when a caller ignores some kinds).
 *
 * @example
 * for (const kind of planPii(random.fork('pii'), { setting: 'tool' })) plantKind(kind);
 */
export function planPii(random: Random, options: PiiPlanOptions = {}): PiiKind[] {
  return piiKinds.filter((kind) => maybe(random, kind, options));
}
