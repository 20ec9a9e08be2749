/**
 * What keeps teacher-written examples from spoiling a dataset (`augment-dataset.ts`): a new example must bring a
 * new input — its final user message, compared with whitespace and case normalised, equals no example of any
 * split nor an earlier accepted one — and must not carry a value of the validation or test split that no train
 * example carries already. Values are the dataset builder's own notion (`extract-variable-slots.ts`, with
 * the thresholds the manifest recorded) matched the way the value-disjoint split matches them
 * (`createValueMatcher`), so "held out" means the same thing at build time and at augmentation time.
 */
import type { LoadedDataset } from '../read-dataset.ts';
import { createSlotModel, extractVariableSlots, type SlotModel } from '../extract-variable-slots.ts';
import { createValueMatcher } from '../split-examples.ts';
import { messageTexts, type FineTuneLine, type FineTuneMessage, type TrainingExample } from '../training-example.ts';

export type GuardVerdict = 'duplicate_input' | 'held_out_value' | null;

export interface AugmentationGuard {
  /** Why the candidate must be dropped, or null when it may join train. */
  judge(candidate: TrainingExample): GuardVerdict;
  /** Records an accepted candidate, so a later duplicate of it is dropped too. */
  accept(candidate: TrainingExample): void;
  /** Distinct validation and test values guarded. */
  readonly heldOutValueCount: number;
}

/** A dataset line as an example (the response format is not part of a line). */
export function exampleFromLine(line: FineTuneLine, id: string): TrainingExample {
  const completion = line.messages[line.messages.length - 1]!;
  return {
    id,
    episodeId: null,
    startedAt: 0,
    prompt: line.messages.slice(0, -1),
    completion,
    tools: line.tools ?? null,
    parallelToolCalls: line.parallel_tool_calls ?? null,
    responseFormat: null,
  };
}

/** The text of the last user message of a prompt, or null when the prompt does not end with one. */
export function finalUserText(prompt: readonly FineTuneMessage[]): string | null {
  const last = prompt[prompt.length - 1];
  if (last?.role !== 'user') return null;
  return messageTexts(last).join('\n');
}

export function createAugmentationGuard(dataset: LoadedDataset): AugmentationGuard {
  const all = [
    ...dataset.train.map((line, index) => exampleFromLine(line, `train-${index}`)),
    ...dataset.validation.map((line, index) => exampleFromLine(line, `validation-${index}`)),
    ...dataset.test.map((line, index) => exampleFromLine(line, `test-${index}`)),
  ];
  const { dedup } = dataset.manifest;
  // The recorded thresholds themselves (share 0 leaves the minimum in charge), not recomputed from fewer lines.
  const model: SlotModel = createSlotModel(all, {
    skeletonShare: 0,
    minSkeletonCalls: dedup.skeletonThreshold,
    minValueLength: dedup.minValueLength,
    maxValueShare: 0,
    minValueCalls: dedup.maxValueCalls,
  });
  // Validation is not value-disjoint from train (test is): a value some train example already carries is no new leak.
  const trainRuns = all.filter((example) => example.id.startsWith('train-')).flatMap((example) => extractVariableSlots(example, model).runs);
  const heldOutValues = [
    ...new Set(all.filter((example) => !example.id.startsWith('train-')).flatMap((example) => extractVariableSlots(example, model).values)),
  ]
    .filter((value) => !trainRuns.some(createValueMatcher([value])))
    .sort();
  const sharesHeldOutValue = createValueMatcher(heldOutValues);
  const seenInputs = new Set<string>();
  for (const example of all) {
    const text = finalUserText(example.prompt);
    if (text !== null) seenInputs.add(normaliseInput(text));
  }

  return {
    heldOutValueCount: heldOutValues.length,
    judge(candidate) {
      const text = finalUserText(candidate.prompt);
      if (text === null || seenInputs.has(normaliseInput(text))) return 'duplicate_input';
      return extractVariableSlots(candidate, model).runs.some(sharesHeldOutValue) ? 'held_out_value' : null;
    },
    accept(candidate) {
      const text = finalUserText(candidate.prompt);
      if (text !== null) seenInputs.add(normaliseInput(text));
    },
  };
}

/** NFKC, lower case, whitespace collapsed and trimmed: two inputs that differ only so are the same input. */
export function normaliseInput(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}
