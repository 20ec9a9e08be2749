/**
 * Narrows the catalog to models that fit a deployment's constraints. Unknown is not a pass: a model whose
 * memory, context or licence is not recorded is left out of a filter that needs it, and the reason is kept so
 * the caller can say how many were left out for lack of data rather than for failing the constraint.
 */
import type { CatalogEntry } from './model-catalog.ts';
import { estimateMemory, memoryEstimateContextTokens, type MemoryEstimate } from './memory-estimate.ts';

export interface CatalogConstraints {
  /** Upper bound on the computed memory estimate, in bytes. */
  maxMemoryBytes?: number;
  /**
   * 'commercial': the licence allows commercial use, outright or under conditions (e.g. Llama's user cap);
   * the conditions are in the licence note and shown as "conditional". 'any' (default): no licence filter.
   */
  licence?: 'commercial' | 'any';
  /** Lower bound on the published context length, in tokens. */
  minContextTokens?: number;
  /** Only models whose card states tool / function-calling support. */
  requireToolCalling?: boolean;
}

/** A catalog entry with its computed memory estimate attached. */
export interface CatalogCandidate {
  entry: CatalogEntry;
  memory: MemoryEstimate;
}

export interface CatalogFilterResult {
  /** Matching models, smallest parameter count first (unknown counts last). */
  matches: CatalogCandidate[];
  /** Models left out, each with every reason that applied. */
  excluded: Array<{ id: string; reasons: string[] }>;
}

function reasonsToExclude(candidate: CatalogCandidate, constraints: CatalogConstraints): string[] {
  const { entry, memory } = candidate;
  const reasons: string[] = [];
  if (constraints.maxMemoryBytes !== undefined) {
    if (memory.kind === 'unknown') reasons.push(`memory unknown: ${memory.reason}`);
    else if (memory.bytes > constraints.maxMemoryBytes) reasons.push('needs more memory than allowed');
  }
  if (constraints.licence === 'commercial') {
    const commercialUse = entry.licence?.value.commercialUse;
    if (commercialUse === undefined) reasons.push('licence not recorded');
    else if (commercialUse === false) reasons.push(`licence ${entry.licence?.value.name} does not allow commercial use`);
  }
  if (constraints.minContextTokens !== undefined) {
    const context = entry.contextLength?.value;
    if (context === undefined) reasons.push('context length not recorded');
    else if (context < constraints.minContextTokens) reasons.push('context shorter than required');
  }
  if (constraints.requireToolCalling === true) {
    const tools = entry.toolCalling?.value;
    if (tools === undefined) reasons.push('tool-calling support not recorded');
    else if (!tools) reasons.push('no tool-calling support stated');
  }
  return reasons;
}

function byParameterCount(left: CatalogCandidate, right: CatalogCandidate): number {
  const leftCount = left.entry.parameters?.value ?? Number.POSITIVE_INFINITY;
  const rightCount = right.entry.parameters?.value ?? Number.POSITIVE_INFINITY;
  if (leftCount !== rightCount) return leftCount < rightCount ? -1 : 1;
  return left.entry.id.localeCompare(right.entry.id);
}

/**
 * Applies `constraints` to `entries`; memory is estimated at `contextTokens` (default 4096).
 *
 * @example
 * filterCatalog(loadModelCatalog().models, { maxMemoryBytes: 4e9, licence: 'commercial', requireToolCalling: true });
 */
export function filterCatalog(
  entries: readonly CatalogEntry[],
  constraints: CatalogConstraints = {},
  contextTokens: number = memoryEstimateContextTokens,
): CatalogFilterResult {
  const matches: CatalogCandidate[] = [];
  const excluded: CatalogFilterResult['excluded'] = [];
  for (const entry of entries) {
    const candidate = { entry, memory: estimateMemory(entry, contextTokens) };
    const reasons = reasonsToExclude(candidate, constraints);
    if (reasons.length === 0) matches.push(candidate);
    else excluded.push({ id: entry.id, reasons });
  }
  matches.sort(byParameterCount);
  return { matches, excluded };
}
