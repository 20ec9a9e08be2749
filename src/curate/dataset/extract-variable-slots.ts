/**
 * What varies between the calls of one task. Every call of a task shares a template — often several
 * paraphrased wordings of it — so comparing whole prompts says little: two calls with the same payload but
 * different wordings look different, and all calls look alike. Here the task's own examples decide:
 *
 * - The prompt (every message's text, tool-call names and arguments, tool results; not tool-call ids and
 *   not tool definitions) is normalised (NFKC, lower case) and cut into word tokens (runs of letters and
 *   digits).
 * - A token's *document frequency* is the number of the task's calls whose prompt contains it. A token
 *   found in at least `max(minSkeletonCalls, skeletonShare × calls)` calls is *skeleton*: template words,
 *   every paraphrase's words, and values from small pools (company names, a handful of statuses). The rest
 *   are *variable*: the payload. A paraphrase used in a twentieth of calls still has its words in ~5% of
 *   calls, while a customer's name, an order id or an email sits in one or two.
 * - A *value* is a maximal run of variable tokens joined by at most two characters of punctuation or
 *   spaces (no line break), e.g. `mathieu rodríguez`, `k4g-7078-20`, `2026-09-13`. Only *identifying*
 *   runs are values: at least `minValueLength` characters (a lone `2` is not) and found in at most
 *   `max(minValueCalls, maxValueShare × calls)` calls. A city from a pool of thirty, found in a few percent
 *   of calls, is variable (it separates duplicates) but is no value: holding out every example that
 *   mentions any city of the test split would empty the training split. Bounding a value's frequency also
 *   bounds what the value-disjoint split can remove: each held-out value costs at most that many examples.
 *
 * With few calls nothing reaches the skeleton threshold and every token is variable: the method falls
 * back to exact prompt comparison, which can only keep more, never merge distinct payloads.
 */
import { messageTexts, type FineTuneMessage, type TrainingExample } from './training-example.ts';

export interface SlotModelOptions {
  /** Share of the task's calls from which a token is skeleton (default 0.05). */
  skeletonShare?: number;
  /** Fewest calls a token must appear in to be skeleton, whatever the share (default 3). */
  minSkeletonCalls?: number;
  /** Shortest value, in characters (default 3). */
  minValueLength?: number;
  /** Share of the task's calls a value may appear in at most (default 0.01). */
  maxValueShare?: number;
  /** Calls a value may appear in whatever the share (default 2). */
  minValueCalls?: number;
}

export interface SlotModel {
  callCount: number;
  /** Calls a token must appear in to be skeleton. */
  skeletonThreshold: number;
  skeletonShare: number;
  minSkeletonCalls: number;
  minValueLength: number;
  /** Most calls a value may appear in. */
  maxValueCalls: number;
  skeletonTokens: ReadonlySet<string>;
  /** Calls per candidate value (runs of variable tokens long enough to be values). */
  valueFrequency: ReadonlyMap<string, number>;
}

export interface VariableSlots {
  /** Variable tokens of the prompt, in order (duplicates kept). */
  tokens: string[];
  /** Distinct identifying values of the prompt, sorted. */
  values: string[];
  /** Every run of variable tokens (values or not), as tokens: a value is found inside a longer run too. */
  runs: string[][];
}

const tokenPattern = /[\p{L}\p{N}]+/gu;
const maxJoinGap = 2;

/** Learns the skeleton of one task from its examples. */
export function createSlotModel(examples: readonly TrainingExample[], options: SlotModelOptions = {}): SlotModel {
  const skeletonShare = options.skeletonShare ?? 0.05;
  const minSkeletonCalls = options.minSkeletonCalls ?? 3;
  const skeletonThreshold = Math.max(minSkeletonCalls, Math.ceil(skeletonShare * examples.length));
  const documentFrequency = new Map<string, number>();
  for (const example of examples) {
    const seen = new Set<string>();
    for (const text of promptTexts(example.prompt)) for (const match of text.matchAll(tokenPattern)) seen.add(match[0]);
    for (const token of seen) documentFrequency.set(token, (documentFrequency.get(token) ?? 0) + 1);
  }
  const skeletonTokens = new Set<string>();
  for (const [token, count] of documentFrequency) if (count >= skeletonThreshold) skeletonTokens.add(token);
  const minValueLength = options.minValueLength ?? 3;
  const valueFrequency = new Map<string, number>();
  for (const example of examples) {
    for (const value of scanPrompt(example, skeletonTokens, minValueLength).candidateValues) valueFrequency.set(value, (valueFrequency.get(value) ?? 0) + 1);
  }
  const maxValueCalls = Math.max(options.minValueCalls ?? 2, Math.floor((options.maxValueShare ?? 0.01) * examples.length));
  return { callCount: examples.length, skeletonThreshold, skeletonShare, minSkeletonCalls, minValueLength, maxValueCalls, skeletonTokens, valueFrequency };
}

/** The variable tokens and values of one example under a task's slot model. */
export function extractVariableSlots(example: TrainingExample, model: SlotModel): VariableSlots {
  const { tokens, candidateValues, runs } = scanPrompt(example, model.skeletonTokens, model.minValueLength);
  // A value the model never counted (an example outside the task's sample) is as rare as can be: keep it.
  const values = [...candidateValues].filter((value) => (model.valueFrequency.get(value) ?? 1) <= model.maxValueCalls);
  return { tokens, values: values.sort(), runs };
}

/** The tokens of a value (or of any text), as the slot model cuts them. */
export function tokeniseValue(value: string): string[] {
  return [...value.normalize('NFKC').toLowerCase().matchAll(tokenPattern)].map((match) => match[0]);
}

function scanPrompt(
  example: TrainingExample,
  skeletonTokens: ReadonlySet<string>,
  minValueLength: number,
): { tokens: string[]; candidateValues: Set<string>; runs: string[][] } {
  const tokens: string[] = [];
  const values = new Set<string>();
  const runs: string[][] = [];
  for (const text of promptTexts(example.prompt)) {
    let runStart = -1;
    let runEnd = -1;
    let runTokens: string[] = [];
    const closeRun = (): void => {
      if (runStart < 0) return;
      runs.push(runTokens);
      runTokens = [];
      const value = text.slice(runStart, runEnd).replace(/\s+/gu, ' ');
      if (value.length >= minValueLength) values.add(value);
      runStart = -1;
    };
    for (const match of text.matchAll(tokenPattern)) {
      const token = match[0];
      const start = match.index;
      if (skeletonTokens.has(token)) {
        closeRun();
        continue;
      }
      tokens.push(token);
      if (runStart >= 0) {
        const gap = text.slice(runEnd, start);
        if (gap.length > maxJoinGap || gap.includes('\n')) closeRun();
      }
      if (runStart < 0) runStart = start;
      runEnd = start + token.length;
      runTokens.push(token);
    }
    closeRun();
  }
  return { tokens, candidateValues: values, runs };
}

/** Prompt strings, normalised the way tokens are compared. */
function promptTexts(prompt: readonly FineTuneMessage[]): string[] {
  return prompt.flatMap(messageTexts).map((text) => text.normalize('NFKC').toLowerCase());
}
