/**
 * HDBSCAN over weighted points given as a dense distance matrix (Campello, Moulavi & Sander 2013): core
 * distances, the mutual-reachability minimum spanning tree (Prim, O(m²) time, O(m) extra memory), the
 * single-linkage hierarchy, the condensed tree for a minimum cluster size, and excess-of-mass selection of
 * the most stable clusters. Points carry weights because discovery clusters *distinct* signatures, each
 * standing for many identical calls; a weight-w point behaves like w coincident points.
 *
 * Quadratic in the number of distinct points, never cubic: callers cap it (discovery clusters at most a few
 * thousand signatures and assigns the rest to the nearest cluster).
 */

export interface HdbscanOptions {
  /** Smallest group, in weight (calls), that counts as a cluster. */
  minClusterSize: number;
  /** Neighbourhood weight for core distances (default: minClusterSize). */
  minSamples?: number;
  /**
   * Distances below this are treated as this (default 0.05): coincident points otherwise have infinite
   * density and every exact duplicate group would out-score the clusters it belongs to.
   */
  distanceFloor?: number;
}

export interface HdbscanResult {
  /** Cluster index per point, or -1 for noise. */
  labels: Int32Array;
  /** Per point: 0–1, how firmly it sits in its cluster (lambda at which it left / the cluster's max lambda). */
  membership: Float64Array;
  clusters: number;
}

/**
 * @param distance symmetric, `distance(i, j)` for i ≠ j, 0–1 or any metric scale
 * @param weights positive weight per point
 */
export function hdbscan(count: number, distance: (i: number, j: number) => number, weights: ArrayLike<number>, options: HdbscanOptions): HdbscanResult {
  const minClusterSize = Math.max(2, options.minClusterSize);
  const minSamples = Math.max(1, options.minSamples ?? minClusterSize);
  const floor = options.distanceFloor ?? 0.05;
  if (count === 0) return { labels: new Int32Array(0), membership: new Float64Array(0), clusters: 0 };

  const core = coreDistances(count, distance, weights, minSamples, floor);
  const edges = mutualReachabilityTree(count, distance, core, floor);
  return condenseAndSelect(count, edges, weights, minClusterSize, floor);
}

function coreDistances(count: number, distance: (i: number, j: number) => number, weights: ArrayLike<number>, minSamples: number, floor: number): Float64Array {
  const core = new Float64Array(count);
  const row = new Float64Array(count);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i += 1) {
    if (weights[i]! >= minSamples) {
      core[i] = floor;
      continue;
    }
    for (let j = 0; j < count; j += 1) {
      row[j] = j === i ? 0 : distance(i, j);
      order[j] = j;
    }
    order.sort((a, b) => row[a]! - row[b]!);
    let total = 0;
    let reached = Number.POSITIVE_INFINITY;
    for (const j of order) {
      total += weights[j]!;
      if (total >= minSamples) {
        reached = row[j]!;
        break;
      }
    }
    core[i] = Math.max(floor, Number.isFinite(reached) ? reached : maxDistance(row));
  }
  return core;
}

function maxDistance(row: Float64Array): number {
  let max = 0;
  for (const value of row) if (value > max) max = value;
  return max;
}

interface Edge {
  a: number;
  b: number;
  d: number;
}

function mutualReachabilityTree(count: number, distance: (i: number, j: number) => number, core: Float64Array, floor: number): Edge[] {
  const inTree = new Uint8Array(count);
  const best = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(count).fill(-1);
  const edges: Edge[] = [];
  let current = 0;
  inTree[0] = 1;
  for (let added = 1; added < count; added += 1) {
    let next = -1;
    let nextDistance = Number.POSITIVE_INFINITY;
    for (let j = 0; j < count; j += 1) {
      if (inTree[j]) continue;
      const reach = Math.max(core[current]!, core[j]!, distance(current, j), floor);
      if (reach < best[j]!) {
        best[j] = reach;
        from[j] = current;
      }
      if (best[j]! < nextDistance) {
        nextDistance = best[j]!;
        next = j;
      }
    }
    inTree[next] = 1;
    edges.push({ a: from[next]!, b: next, d: nextDistance });
    current = next;
  }
  return edges.sort((x, y) => x.d - y.d);
}

function condenseAndSelect(count: number, edges: Edge[], weights: ArrayLike<number>, minClusterSize: number, floor: number): HdbscanResult {
  // Single-linkage dendrogram: leaves 0..count-1, internal nodes count.. in merge order.
  const nodes = count + edges.length;
  const left = new Int32Array(nodes).fill(-1);
  const right = new Int32Array(nodes).fill(-1);
  const height = new Float64Array(nodes);
  const size = new Float64Array(nodes);
  for (let i = 0; i < count; i += 1) size[i] = weights[i]!;
  const parent = new Int32Array(nodes);
  for (let i = 0; i < nodes; i += 1) parent[i] = i;
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[x] !== root) {
      const up = parent[x]!;
      parent[x] = root;
      x = up;
    }
    return root;
  };
  edges.forEach((edge, index) => {
    const node = count + index;
    const a = find(edge.a);
    const b = find(edge.b);
    left[node] = a;
    right[node] = b;
    height[node] = edge.d;
    size[node] = size[a]! + size[b]!;
    parent[a] = node;
    parent[b] = node;
  });
  const root = nodes - 1;
  const maxLambda = 1 / floor;
  const lambdaOf = (d: number) => Math.min(maxLambda, 1 / Math.max(d, floor));

  // Condensed tree: clusters with birth lambda, parent, stability; points fall out of a cluster at a lambda.
  const birth: number[] = [0];
  const clusterParent: number[] = [-1];
  const stability: number[] = [0];
  const pointCluster = new Int32Array(count).fill(0);
  const pointLambda = new Float64Array(count);
  const stack: Array<[number, number]> = [[root, 0]];
  const fallOut = (node: number, cluster: number, lambda: number) => {
    const pending = [node];
    while (pending.length > 0) {
      const current = pending.pop()!;
      if (current < count) {
        pointCluster[current] = cluster;
        pointLambda[current] = lambda;
        stability[cluster]! += weights[current]! * (lambda - birth[cluster]!);
      } else {
        pending.push(left[current]!, right[current]!);
      }
    }
  };
  while (stack.length > 0) {
    const [node, cluster] = stack.pop()!;
    if (node < count) {
      fallOut(node, cluster, maxLambda);
      continue;
    }
    const lambda = lambdaOf(height[node]!);
    const a = left[node]!;
    const b = right[node]!;
    const bigA = size[a]! >= minClusterSize;
    const bigB = size[b]! >= minClusterSize;
    if (bigA && bigB) {
      for (const child of [a, b]) {
        const id = birth.length;
        birth.push(lambda);
        clusterParent.push(cluster);
        stability.push(0);
        stack.push([child, id]);
      }
    } else if (!bigA && !bigB) {
      fallOut(a, cluster, lambda);
      fallOut(b, cluster, lambda);
    } else {
      const [big, small] = bigA ? [a, b] : [b, a];
      fallOut(small, cluster, lambda);
      stack.push([big, cluster]);
    }
  }

  // Excess of mass: children before parents (children always have larger ids). The root is never selected
  // unless it never split, in which case there is no structure to report and everything is one cluster.
  const clusterCount = birth.length;
  const selected = new Uint8Array(clusterCount);
  const subtree = stability.slice();
  const children: number[][] = Array.from({ length: clusterCount }, () => []);
  for (let c = 1; c < clusterCount; c += 1) children[clusterParent[c]!]!.push(c);
  for (let c = clusterCount - 1; c >= 1; c -= 1) {
    const childSum = children[c]!.reduce((sum, child) => sum + subtree[child]!, 0);
    if (children[c]!.length === 0 || stability[c]! >= childSum) {
      selected[c] = 1;
      subtree[c] = stability[c]!;
      const pending = [...children[c]!];
      while (pending.length > 0) {
        const child = pending.pop()!;
        selected[child] = 0;
        pending.push(...children[child]!);
      }
    } else {
      subtree[c] = childSum;
    }
  }
  if (clusterCount === 1) selected[0] = 1;

  const labelOf = new Int32Array(clusterCount).fill(-1);
  let clusters = 0;
  for (let c = 0; c < clusterCount; c += 1) if (selected[c]) labelOf[c] = clusters++;
  const maxLambdaOf = new Float64Array(clusterCount);
  const labels = new Int32Array(count).fill(-1);
  const membership = new Float64Array(count);
  for (let i = 0; i < count; i += 1) {
    let c = pointCluster[i]!;
    while (c !== -1 && !selected[c]) c = clusterParent[c]!;
    if (c === -1) continue;
    labels[i] = labelOf[c]!;
    if (pointLambda[i]! > maxLambdaOf[c]!) maxLambdaOf[c] = pointLambda[i]!;
  }
  for (let i = 0; i < count; i += 1) {
    if (labels[i] === -1) continue;
    let c = pointCluster[i]!;
    while (!selected[c]) c = clusterParent[c]!;
    membership[i] = maxLambdaOf[c]! > 0 ? Math.min(1, pointLambda[i]! / maxLambdaOf[c]!) : 1;
  }
  return { labels, membership, clusters };
}
