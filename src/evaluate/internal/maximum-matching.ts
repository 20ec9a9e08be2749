/**
 * Maximum bipartite matching (Kuhn's augmenting paths) between `left` and `right` items where `fits(l, r)`.
 * Returns, per left index, the matched right index or -1. Quadratic-ish, fine for the handful of parallel
 * tool calls in one answer; unlike BFCL's greedy first-fit it never misses a perfect matching because an
 * early item took a right item a later one needed.
 */
export function maximumMatching(leftCount: number, rightCount: number, fits: (left: number, right: number) => boolean): number[] {
  const rightOwner = new Array<number>(rightCount).fill(-1);
  const tryAssign = (left: number, seen: boolean[]): boolean => {
    for (let right = 0; right < rightCount; right += 1) {
      if (seen[right] || !fits(left, right)) continue;
      seen[right] = true;
      if (rightOwner[right] === -1 || tryAssign(rightOwner[right]!, seen)) {
        rightOwner[right] = left;
        return true;
      }
    }
    return false;
  };
  for (let left = 0; left < leftCount; left += 1) tryAssign(left, new Array<boolean>(rightCount).fill(false));
  const leftMatch = new Array<number>(leftCount).fill(-1);
  rightOwner.forEach((left, right) => {
    if (left !== -1) leftMatch[left] = right;
  });
  return leftMatch;
}
