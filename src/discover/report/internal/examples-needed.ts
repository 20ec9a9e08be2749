/**
 * How many curated examples a specialist of a given output shape needs: a stated rule of thumb of this
 * report (not a measured learning curve), so a reader sees why a task is "not yet". Closed sets and fixed
 * structures need fewer examples than free text, which needs the most.
 */
import type { OutputShape } from '../../replaceability-report.ts';
import { countSchemaFields } from './json-schema-accumulator.ts';

/** The output structure the verdict rules reason about. */
export type OutputStructure = 'labels' | 'json' | 'tool_calls' | 'steps' | 'grounded-text' | 'open-text';

/** At this novelty share free text counts as open-ended. */
export const openEndedNovelty = 0.3;

/** A mixed task counts as structured steps when at least this share of answers is tool calls or JSON. */
const minimumStructuredShare = 0.5;

/**
 * `steps`: a mix of tool calls / JSON and text replies whose text is not open-ended (the next-step answers
 * of language-model agency, or a JSON task that sometimes answers in a list).
 */
export function classifyStructure(shape: OutputShape): OutputStructure {
  const openEnded = (shape.textNovelty ?? 0) >= openEndedNovelty;
  if (shape.kind === 'json') return 'json';
  if (shape.kind === 'tool_calls') return 'tool_calls';
  if (shape.kind === 'text') return shape.labels ? 'labels' : openEnded ? 'open-text' : 'grounded-text';
  const structuredShare = shape.formShares ? shape.formShares.json + shape.formShares.toolCalls : 1;
  if (openEnded) return 'open-text';
  return structuredShare >= minimumStructuredShare ? 'steps' : 'grounded-text';
}

export interface ExamplesRule {
  needed: number;
  /** The rule in words, e.g. "25 per label, at least 100". */
  rule: string;
}

export function examplesNeededFor(structure: OutputStructure, shape: OutputShape): ExamplesRule {
  switch (structure) {
    case 'labels': {
      const labels = shape.labels?.length ?? 1;
      return { needed: Math.max(100, 25 * labels), rule: `25 per value (${labels}), at least 100` };
    }
    case 'json': {
      const fields = shape.jsonSchema ? countSchemaFields(shape.jsonSchema) : 1;
      return { needed: Math.max(200, 25 * fields), rule: `25 per JSON field (${fields}), at least 200` };
    }
    case 'tool_calls': {
      const tools = shape.toolProfile?.tools.length ?? 1;
      return { needed: Math.max(200, 50 * tools), rule: `50 per tool used (${tools}), at least 200` };
    }
    case 'steps': {
      const forms = shape.formShares;
      const actions = (shape.toolProfile?.tools.length ?? 0) + (forms === undefined || forms.json > 0 ? 1 : 0) + (forms === undefined || forms.text > 0 ? 1 : 0);
      return { needed: Math.max(300, 50 * actions), rule: `50 per kind of step (${actions}: each tool, JSON, text replies), at least 300` };
    }
    case 'grounded-text':
      return { needed: 500, rule: '500 for free text drawn from the prompt' };
    case 'open-text':
      return { needed: 1000, rule: '1,000 for open-ended free text' };
  }
}
