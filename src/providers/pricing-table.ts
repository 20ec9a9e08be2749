/**
 * Prices per model, from the bundled `data/pricing.json` (public provider pricing pages, dated) and the
 * config's `pricing` overrides. Used to put a dollar figure on every logged call; a model without a known
 * price costs `null`, never a guess.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { formatIssues, type ModelPrice } from '../contracts/config.ts';
import { UnderstudyError } from '../contracts/errors.ts';

const pricingEntrySchema = z.strictObject({
  /** Who sells the model under this name (a model name can mean different prices at different hosts). */
  provider: z.string().min(1),
  inputPerMillion: z.number().nonnegative(),
  /** Price of prompt tokens served from the provider's prompt cache; absent where the author did not know it. */
  cachedInputPerMillion: z.number().nonnegative().optional(),
  outputPerMillion: z.number().nonnegative(),
  /** The provider's pricing page. */
  source: z.url(),
  /** Caveats such as long-prompt tiers, which a flat per-token price does not capture. */
  note: z.string().optional(),
});

export const pricingFileSchema = z.strictObject({
  version: z.literal(1),
  /** Date of the author's knowledge of the pricing pages (not a live fetch). */
  retrieved: z.iso.date(),
  note: z.string().optional(),
  /** Pricing page per provider. */
  source: z.record(z.string(), z.url()),
  models: z.record(z.string().min(1), pricingEntrySchema),
});
export type PricingFile = z.infer<typeof pricingFileSchema>;

/** A price as the table answers it: always with a source, and with the cached-input price where known. */
export type ResolvedModelPrice = ModelPrice & {
  source: string;
  cachedInputPerMillion?: number;
  /** The table entry that matched (differs from the asked name for dated snapshots). */
  matchedModel: string;
};

export interface PricingTable {
  /**
   * Exact name first (case-insensitive), then the entry for the undated name of a dated snapshot
   * (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`, `claude-sonnet-4-20250514` → `claude-sonnet-4`).
   * Config overrides replace bundled entries of the same name.
   */
  priceFor(model: string): ResolvedModelPrice | undefined;
  /**
   * US dollars for one call, or null when the model has no known price. `cachedTokensIn` is the part of
   * `tokensIn` the provider served from its prompt cache (`usage.prompt_tokens_details.cached_tokens`);
   * it is billed at the cached price where the table has one.
   */
  costOf(model: string, tokensIn: number, tokensOut: number, cachedTokensIn?: number): number | null;
  /** Every known name with its price, overrides applied, for reports and the store's model list. */
  entries(): Array<[string, ResolvedModelPrice]>;
  /** Date of the bundled prices. */
  readonly retrieved: string;
}

const defaultPricingFile = fileURLToPath(new URL('../../data/pricing.json', import.meta.url));

/**
 * Suffixes providers put on pinned snapshots: `-2024-07-18` (OpenAI), `-20250514` (Anthropic),
 * `-0125` / `-2411` (OpenAI, Mistral), `-001` (Gemini), `-latest` (Anthropic aliases). Only these are
 * stripped: `gpt-4o` must not price `gpt-4o-audio-preview`, whose price differs.
 */
const snapshotSuffix = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{3,4}|latest)$/;

const loadedFiles = new Map<string, PricingFile>();

/** Reads and validates a pricing file once per process (the table is consulted on every logged call). */
export function loadPricingFile(file: string = defaultPricingFile): PricingFile {
  const cached = loadedFiles.get(file);
  if (cached) return cached;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UnderstudyError('config_invalid', `Cannot read pricing file ${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = pricingFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UnderstudyError('config_invalid', `Invalid pricing file ${file}: ${formatIssues(parsed.error)}`);
  }
  loadedFiles.set(file, parsed.data);
  return parsed.data;
}

/**
 * Builds the table from the bundled file (or `options.file` / `options.pricingFile`) plus overrides.
 *
 * @example
 * const pricing = createPricingTable(config.pricing);
 * pricing.costOf('gpt-4o-mini-2024-07-18', 1200, 300); // 0.00036
 */
export function createPricingTable(
  overrides: Record<string, ModelPrice> = {},
  options: { file?: string; pricingFile?: PricingFile } = {},
): PricingTable {
  const pricingFile = options.pricingFile ?? loadPricingFile(options.file);
  const byName = new Map<string, ResolvedModelPrice>();
  for (const [name, entry] of Object.entries(pricingFile.models)) {
    const price: ResolvedModelPrice = {
      inputPerMillion: entry.inputPerMillion,
      outputPerMillion: entry.outputPerMillion,
      source: entry.source,
      matchedModel: name,
    };
    if (entry.cachedInputPerMillion !== undefined) price.cachedInputPerMillion = entry.cachedInputPerMillion;
    byName.set(name.toLowerCase(), price);
  }
  for (const [name, override] of Object.entries(overrides)) {
    // An override carries no cached price: cached tokens then cost the full input price, which
    // over-states rather than under-states the bill.
    byName.set(name.toLowerCase(), {
      inputPerMillion: override.inputPerMillion,
      outputPerMillion: override.outputPerMillion,
      source: override.source ?? 'user config',
      matchedModel: name,
    });
  }

  function priceFor(model: string): ResolvedModelPrice | undefined {
    const name = model.trim().toLowerCase();
    const exact = byName.get(name);
    if (exact) return exact;
    const undated = name.replace(snapshotSuffix, '');
    return undated === name ? undefined : byName.get(undated);
  }

  return {
    retrieved: pricingFile.retrieved,
    priceFor,
    costOf(model, tokensIn, tokensOut, cachedTokensIn = 0) {
      const price = priceFor(model);
      if (!price) return null;
      const cached = Math.min(Math.max(cachedTokensIn, 0), tokensIn);
      const cachedRate = price.cachedInputPerMillion ?? price.inputPerMillion;
      const dollars =
        ((tokensIn - cached) * price.inputPerMillion + cached * cachedRate + tokensOut * price.outputPerMillion) / 1_000_000;
      // Float noise (0.1 + 0.2) would otherwise show up in sums on dashboards; 1e-10 $ is far below any bill.
      return Math.round(dollars * 1e10) / 1e10;
    },
    entries() {
      return [...byName.values()].map((price) => [price.matchedModel, price]);
    },
  };
}
