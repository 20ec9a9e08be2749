/**
 * Train / validation / held-out test splits that do not flatter a specialist:
 * - by episode: a seeded hash of the episode id (or, for a call without an episode, of its content: its dedup
 *   key, unique once deduplicated, so the split does not hang on the id a capture happened to give it) picks
 *   the split, so every call of one agent run lands in the same split and no run straddles train and test;
 * - value-disjoint test: the test split is held out on payload values too. Every value (see
 *   `extract-variable-slots.ts`: a run of variable tokens, normalised, long and rare enough to identify a
 *   payload) of a test example is collected, and any train or validation example whose variable tokens
 *   contain one of those values (as a token sequence, also inside a longer run) is removed (not moved: moving it would break episode grouping). The test score then measures copying
 *   unseen values, not recalling memorised ones.
 * Validation stays episode-disjoint but not value-disjoint: it estimates in-distribution quality.
 */
import { UnderstudyError } from '../../contracts/errors.ts';
import { seededUnit } from './internal/canonical-json.ts';
import type { SlottedExample } from './dedup-examples.ts';
import { tokeniseValue } from './extract-variable-slots.ts';

export interface SplitShares {
  train: number;
  validation: number;
  test: number;
}

export const defaultSplitShares: SplitShares = { train: 0.8, validation: 0.1, test: 0.1 };

export interface SplitOptions {
  seed: string;
  /** Shares of episodes per split, normalised to sum 1 (default 0.8 / 0.1 / 0.1). */
  shares?: SplitShares;
}

export interface SplitResult {
  train: SlottedExample[];
  validation: SlottedExample[];
  test: SlottedExample[];
  /** Examples removed from train and validation because they share a value with the test split. */
  removedForValueOverlap: { train: number; validation: number };
  /** Distinct values of the test split. */
  heldOutValueCount: number;
  /** Episodes (or lone calls) per split. */
  groupCounts: SplitShares;
}

/** The group a call is split with: its episode, or itself (named by its content). */
export function splitGroupOf(slotted: Pick<SlottedExample, 'dedupKey'> & { example: { episodeId: string | null } }): string {
  const { episodeId } = slotted.example;
  return episodeId === null || episodeId.length === 0 ? `call:${slotted.dedupKey}` : `episode:${episodeId}`;
}

export function splitExamples(examples: readonly SlottedExample[], options: SplitOptions): SplitResult {
  const shares = normaliseShares(options.shares ?? defaultSplitShares);
  const buckets: Record<keyof SplitShares, SlottedExample[]> = { train: [], validation: [], test: [] };
  const groups: Record<keyof SplitShares, Set<string>> = { train: new Set(), validation: new Set(), test: new Set() };
  for (const slotted of examples) {
    const group = splitGroupOf(slotted);
    const unit = seededUnit(options.seed, group);
    const split: keyof SplitShares = unit < shares.test ? 'test' : unit < shares.test + shares.validation ? 'validation' : 'train';
    buckets[split].push(slotted);
    groups[split].add(group);
  }
  const heldOutValues = new Set(buckets.test.flatMap((slotted) => slotted.slots.values));
  const matcher = createValueMatcher(heldOutValues);
  const sharesHeldOutValue = (slotted: SlottedExample): boolean => slotted.slots.runs.some(matcher);
  const train = buckets.train.filter((slotted) => !sharesHeldOutValue(slotted));
  const validation = buckets.validation.filter((slotted) => !sharesHeldOutValue(slotted));
  return {
    train,
    validation,
    test: buckets.test,
    removedForValueOverlap: { train: buckets.train.length - train.length, validation: buckets.validation.length - validation.length },
    heldOutValueCount: heldOutValues.size,
    groupCounts: { train: groups.train.size, validation: groups.validation.size, test: groups.test.size },
  };
}

/**
 * Whether a run of variable tokens contains one of the values as a contiguous token sequence: a held-out
 * `k4g-7078-20` is found in a training run `ref k4g-7078-20` too, not only as an identical value.
 */
export function createValueMatcher(values: Iterable<string>): (run: readonly string[]) => boolean {
  const byFirstToken = new Map<string, string[][]>();
  for (const value of values) {
    const tokens = tokeniseValue(value);
    const first = tokens[0];
    if (first === undefined) continue;
    const list = byFirstToken.get(first) ?? [];
    list.push(tokens);
    byFirstToken.set(first, list);
  }
  return (run) =>
    run.some((token, start) =>
      (byFirstToken.get(token) ?? []).some((tokens) => tokens.length <= run.length - start && tokens.every((part, offset) => run[start + offset] === part)),
    );
}

function normaliseShares(shares: SplitShares): SplitShares {
  const values = [shares.train, shares.validation, shares.test];
  if (values.some((value) => !Number.isFinite(value) || value < 0)) throw new UnderstudyError('invalid_request', 'split shares must be finite and non-negative', { param: 'shares' });
  const total = values.reduce((sum, value) => sum + value, 0);
  if (total <= 0) throw new UnderstudyError('invalid_request', 'split shares must not all be zero', { param: 'shares' });
  return { train: shares.train / total, validation: shares.validation / total, test: shares.test / total };
}
