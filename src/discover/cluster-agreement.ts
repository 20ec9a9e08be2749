/**
 * How well discovered tasks agree with known ones: normalised mutual information (arithmetic-mean
 * normalisation, as scikit-learn's default; 1 when both labelings are a single group) and purity (each
 * discovered task counted by its most common true task). Used by tests and `bench:discover` on simulator
 * traffic, whose true task of every call is known.
 */
export function clusterAgreement(discovered: readonly string[], truth: readonly string[]): { nmi: number; purity: number } {
  if (discovered.length !== truth.length) throw new RangeError('label lists differ in length');
  const total = discovered.length;
  if (total === 0) return { nmi: 1, purity: 1 };
  const countsA = new Map<string, number>();
  const countsB = new Map<string, number>();
  const joint = new Map<string, Map<string, number>>();
  for (let index = 0; index < total; index += 1) {
    const a = discovered[index]!;
    const b = truth[index]!;
    countsA.set(a, (countsA.get(a) ?? 0) + 1);
    countsB.set(b, (countsB.get(b) ?? 0) + 1);
    let row = joint.get(a);
    if (row === undefined) joint.set(a, (row = new Map()));
    row.set(b, (row.get(b) ?? 0) + 1);
  }
  const entropy = (counts: Map<string, number>) => -[...counts.values()].reduce((sum, count) => sum + (count / total) * Math.log(count / total), 0);
  let mutual = 0;
  let pure = 0;
  for (const [a, row] of joint) {
    let best = 0;
    for (const [b, count] of row) {
      mutual += (count / total) * Math.log((count * total) / (countsA.get(a)! * countsB.get(b)!));
      best = Math.max(best, count);
    }
    pure += best;
  }
  const denominator = entropy(countsA) + entropy(countsB);
  const nmi = denominator === 0 ? 1 : (2 * mutual) / denominator;
  return { nmi: Math.max(0, Math.min(1, nmi)), purity: pure / total };
}
