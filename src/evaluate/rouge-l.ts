/**
 * ROUGE-L F-measure (Lin 2004): longest common subsequence of word tokens, F1 of its precision and recall —
 * what Google's `rouge_score` reports as `rougeL.fmeasure`. Tokens as rouge_score's default tokenizer makes
 * them (lower-cased, split on anything that is not a letter or digit; we accept any script's letters and
 * digits where rouge_score keeps only a-z0-9), without stemming. Two texts without tokens score 1, one 0.
 *
 * @example
 * rougeL('The quick brown fox jumps over the lazy dog', 'The quick brown dog jumps on the log.') // → 0.588… (LCS 5; P 5/8, R 5/9)
 */
export function rougeL(reference: string, candidate: string): number {
  const referenceTokens = tokenize(reference);
  const candidateTokens = tokenize(candidate);
  if (referenceTokens.length === 0 || candidateTokens.length === 0) return referenceTokens.length === candidateTokens.length ? 1 : 0;
  const common = longestCommonSubsequence(referenceTokens, candidateTokens);
  if (common === 0) return 0;
  const precision = common / candidateTokens.length;
  const recall = common / referenceTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

function tokenize(text: string): string[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0);
}

/** Classic dynamic programme, one row at a time. */
function longestCommonSubsequence(left: readonly string[], right: readonly string[]): number {
  let previous = new Array<number>(right.length + 1).fill(0);
  for (const token of left) {
    const current = new Array<number>(right.length + 1).fill(0);
    for (let index = 1; index <= right.length; index += 1) {
      current[index] = token === right[index - 1] ? previous[index - 1]! + 1 : Math.max(previous[index]!, current[index - 1]!);
    }
    previous = current;
  }
  return previous[right.length]!;
}
