/**
 * Seeded, reproducible randomness for the simulator: the same seed gives the same workload byte for byte.
 * sfc32 (a small, fast, well-tested generator) seeded from a string hash. `fork(label)` derives an
 * independent stream, so adding a draw in one generator never shifts the values of another — workloads
 * stay stable as the simulator grows.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with the given probability. */
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T;
  /** A new shuffled array. */
  shuffle<T>(items: readonly T[]): T[];
  /** `count` distinct items (or all, shuffled, when count >= length). */
  sample<T>(items: readonly T[], count: number): T[];
  /** Log-normal draw with the given median and sigma (spread of the underlying normal). */
  logNormal(median: number, sigma: number): number;
  /** Characters drawn from an alphabet. */
  string(length: number, alphabet: string): string;
  /** An independent stream derived from this one's seed and a label. */
  fork(label: string): Random;
  readonly seed: string;
}

export function createRandom(seed: string | number): Random {
  const seedText = String(seed);
  const state = seedState(seedText);
  let [a, b, c, d] = state;

  function nextUint32(): number {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  }

  const random: Random = {
    seed: seedText,
    next: () => nextUint32() / 4294967296,
    int(min, max) {
      if (max < min) throw new RangeError(`int(${min}, ${max}): max < min`);
      return min + Math.floor(random.next() * (max - min + 1));
    },
    chance: (probability) => random.next() < probability,
    pick(items) {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(random.next() * items.length)]!;
    },
    weighted(entries) {
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let point = random.next() * total;
      for (const [value, weight] of entries) {
        point -= weight;
        if (point < 0) return value;
      }
      return entries[entries.length - 1]![0];
    },
    shuffle(items) {
      const copy = [...items];
      for (let index = copy.length - 1; index > 0; index -= 1) {
        const other = Math.floor(random.next() * (index + 1));
        [copy[index], copy[other]] = [copy[other]!, copy[index]!];
      }
      return copy;
    },
    sample: (items, count) => random.shuffle(items).slice(0, Math.max(0, count)),
    logNormal(median, sigma) {
      // Box-Muller; 1 - next() keeps the logarithm finite.
      const normal = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
      return median * Math.exp(sigma * normal);
    },
    string(length, alphabet) {
      let text = '';
      for (let index = 0; index < length; index += 1) text += alphabet[Math.floor(random.next() * alphabet.length)];
      return text;
    },
    fork: (label) => createRandom(`${seedText}/${label}`),
  };
  // Discard the first outputs: sfc32 mixes its state over the first few rounds.
  for (let round = 0; round < 12; round += 1) nextUint32();
  return random;
}

/** cyrb128: a string hash spreading the seed over sfc32's 128 bits of state. */
function seedState(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    h1 = h2 ^ Math.imul(h1 ^ code, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ code, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ code, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ code, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}
