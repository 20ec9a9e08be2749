/**
 * How different free-text answers are from one another: the mean pairwise Jaccard distance of their word
 * sets (0 = the same words every time, 1 = no word in common). Cost is bounded by comparing an evenly spaced
 * sample of at most `maximumSample` answers (≤ 1,225 pairs), so it stays cheap on any volume.
 */

const maximumSample = 50;
const wordPattern = /[\p{L}\p{N}_]+/gu;

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(wordPattern) ?? []);
}

function jaccardDistance(left: Set<string>, right: Set<string>): number {
  if (left.size === 0 && right.size === 0) return 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared += 1;
  return 1 - shared / (left.size + right.size - shared);
}

/** Every `step`-th text, so the sample spans the window and is the same on every run. */
function evenSample(texts: readonly string[]): string[] {
  if (texts.length <= maximumSample) return [...texts];
  const step = texts.length / maximumSample;
  return Array.from({ length: maximumSample }, (_, index) => texts[Math.floor(index * step)] ?? '');
}

/** Mean pairwise word-set distance, 0–1; null with fewer than two texts. */
export function measureTextVariability(texts: readonly string[]): number | null {
  const sets = evenSample(texts).map(wordSet);
  if (sets.length < 2) return null;
  let total = 0;
  let pairs = 0;
  for (let left = 0; left < sets.length; left += 1) {
    for (let right = left + 1; right < sets.length; right += 1) {
      total += jaccardDistance(sets[left] ?? new Set(), sets[right] ?? new Set());
      pairs += 1;
    }
  }
  return total / pairs;
}
