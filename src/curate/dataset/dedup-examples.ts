/**
 * Removes duplicate examples of one task. Two examples are duplicates when they carry the same payload and
 * the same answer: the same multiset of variable tokens (see `extract-variable-slots.ts`) and the same
 * normalised output. Template wording, call ids, tool-call ids and token order are ignored, so a payload
 * asked twice with different paraphrases counts once, while calls that differ in any payload token or in
 * their answer are all kept. Deterministic whatever the order, ids and times of capture: examples are taken in
 * content order (`internal/canonical-example-order.ts`) and the first of duplicates is kept, so the same calls
 * captured twice keep the same representatives.
 */
import { sortByExampleContent } from './internal/canonical-example-order.ts';
import { canonicalJson, compareStrings, safeParseJson, sha256Hex } from './internal/canonical-json.ts';
import { createSlotModel, extractVariableSlots, type SlotModel, type SlotModelOptions, type VariableSlots } from './extract-variable-slots.ts';
import type { FineTuneMessage, TrainingExample } from './training-example.ts';

export interface SlottedExample {
  example: TrainingExample;
  slots: VariableSlots;
  /** sha256 of the variable tokens (as a sorted multiset) and the normalised output. */
  dedupKey: string;
}

export interface DedupResult {
  kept: SlottedExample[];
  inputCount: number;
  removedCount: number;
  /** Removed example id → the id of the kept example it duplicates. */
  duplicateOf: Record<string, string>;
  model: SlotModel;
}

/**
 * @example
 * const { kept, removedCount } = dedupExamples(examples);
 * // kept.length / examples.length is the keep rate; kept[i].slots.values feed the value-disjoint split.
 */
export function dedupExamples(examples: readonly TrainingExample[], options: SlotModelOptions = {}): DedupResult {
  const model = createSlotModel(examples, options);
  const ordered = sortByExampleContent(examples, (example) => example);
  const firstByKey = new Map<string, string>();
  const kept: SlottedExample[] = [];
  const duplicateOf: Record<string, string> = {};
  for (const example of ordered) {
    const slots = extractVariableSlots(example, model);
    const dedupKey = sha256Hex(canonicalJson({ slots: [...slots.tokens].sort(compareStrings), output: normaliseOutput(example.completion) }));
    const first = firstByKey.get(dedupKey);
    if (first !== undefined) {
      duplicateOf[example.id] = first;
      continue;
    }
    firstByKey.set(dedupKey, example.id);
    kept.push({ example, slots, dedupKey });
  }
  return { kept, inputCount: examples.length, removedCount: examples.length - kept.length, duplicateOf, model };
}

/** The answer with formatting noise removed: JSON canonicalised, whitespace collapsed, tool-call ids and order ignored. */
export function normaliseOutput(completion: FineTuneMessage): unknown {
  const content = typeof completion.content === 'string' ? normaliseText(completion.content) : completion.content === undefined ? null : canonicalJson(completion.content);
  const toolCalls = (completion.tool_calls ?? [])
    .map((call) => canonicalJson({ name: call.function.name, arguments: normaliseText(call.function.arguments) }))
    .sort(compareStrings);
  return { content, toolCalls };
}

function normaliseText(text: string): string {
  const parsed = safeParseJson(text);
  if (parsed.ok && parsed.value !== null && typeof parsed.value === 'object') return canonicalJson(parsed.value);
  return text.normalize('NFKC').trim().replace(/\s+/gu, ' ');
}
