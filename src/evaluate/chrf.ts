/**
 * chrF, the character n-gram F-score (Popović 2015), computed as sacrebleu's `CHRF()` defaults compute a
 * sentence score: character n-grams of orders 1..6 with whitespace removed, no lower-casing, beta = 2 (recall
 * weighs twice as much as precision), precision and recall averaged over the orders both strings are long
 * enough to have, then combined into one F-score. Hand-written: it is twenty lines, and no npm package
 * implements sacrebleu's definition and is kept up.
 *
 * Differences from sacrebleu: the result is in 0..1 (sacrebleu reports 0..100); both strings are put in Unicode
 * NFC first; and two strings that are equal once whitespace is removed — including two empty ones — score 1
 * (sacrebleu gives an empty pair 0, which would fail an empty answer that agrees with an empty reference).
 *
 * @example
 * chrF('The ties between Obama and Netanyahu are not particularly friendly.',
 *      'The relationship between Obama and Netanyahu is not exactly friendly.') // → 0.61576… (sacrebleu: 61.576)
 */
export function chrF(reference: string, candidate: string, options: { charOrder?: number; beta?: number } = {}): number {
  const charOrder = options.charOrder ?? 6;
  const betaSquared = (options.beta ?? 2) ** 2;
  // Code points, not UTF-16 units, as Python's str iteration: an emoji is one character.
  const referenceChars = Array.from(reference.normalize('NFC').replace(/\s+/gu, ''));
  const candidateChars = Array.from(candidate.normalize('NFC').replace(/\s+/gu, ''));
  if (referenceChars.join('') === candidateChars.join('')) return 1;

  let precisionSum = 0;
  let recallSum = 0;
  let effectiveOrders = 0;
  for (let order = 1; order <= charOrder; order += 1) {
    const referenceTotal = referenceChars.length - order + 1;
    const candidateTotal = candidateChars.length - order + 1;
    if (referenceTotal <= 0 || candidateTotal <= 0) continue;
    const referenceCounts = countNgrams(referenceChars, order);
    let matches = 0;
    for (const [gram, count] of countNgrams(candidateChars, order)) matches += Math.min(count, referenceCounts.get(gram) ?? 0);
    precisionSum += matches / candidateTotal;
    recallSum += matches / referenceTotal;
    effectiveOrders += 1;
  }
  if (effectiveOrders === 0) return 0;
  const precision = precisionSum / effectiveOrders;
  const recall = recallSum / effectiveOrders;
  if (precision + recall === 0) return 0;
  return ((1 + betaSquared) * precision * recall) / (betaSquared * precision + recall);
}

function countNgrams(chars: readonly string[], order: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let start = 0; start + order <= chars.length; start += 1) {
    const gram = chars.slice(start, start + order).join('');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}
