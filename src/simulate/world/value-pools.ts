/**
 * Payload value pools by data split. Training and evaluation traffic draw from disjoint pools, so an
 * evaluation score measures generalisation to unseen values rather than recall of memorised ones.
 *
 * The redactor must not import this module or its data: see the note in `value-pool-data.ts`.
 */
import type { DataSplit } from '../simulated-task.ts';
import { evalPoolData, trainPoolData } from './value-pool-data.ts';
import type { CityEntry, PoolData, StreetEntry } from './value-pool-data.ts';

export type { CityEntry, ProductEntry, StreetEntry } from './value-pool-data.ts';

/** Every list a generator draws payload values from; both splits have this same shape. */
export type ValuePools = PoolData;

/**
 * The pools for one split. Returns shared frozen data: callers pick from it, never mutate it.
 *
 * @example
 * const pools = valuePools('eval');
 * const city = random.pick(pools.cities); // never a city a training example mentions
 */
export function valuePools(split: DataSplit): ValuePools {
  return split === 'train' ? frozenTrain : frozenEval;
}

/** The cities of one country in a split's pool (empty when the pool has none there). */
export function citiesIn(split: DataSplit, country: string): readonly CityEntry[] {
  return valuePools(split).cities.filter((entry) => entry.country === country);
}

/** The streets of one country in a split's pool (empty when the pool has none there). */
export function streetsIn(split: DataSplit, country: string): readonly StreetEntry[] {
  return valuePools(split).streets.filter((entry) => entry.country === country);
}

function deepFreeze(pools: PoolData): PoolData {
  for (const list of Object.values(pools) as Array<readonly unknown[]>) {
    for (const item of list) if (typeof item === 'object' && item !== null) Object.freeze(item);
    Object.freeze(list);
  }
  return Object.freeze(pools);
}

const frozenTrain = deepFreeze(trainPoolData);
const frozenEval = deepFreeze(evalPoolData);
