/**
 * Payload values for the generated databases, from the world's disjoint train / eval pools so evaluation
 * never sees a training value. Kept behind one function (`queryValues`) so schemas do not depend on the
 * pools' layout.
 */
import type { DataSplit } from '../simulated-task.ts';
import type { Random } from '../random.ts';
import { emailAddress, personName, valuePools } from '../world/index.ts';

export interface QueryCity {
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface QueryProduct {
  name: string;
  category: string;
  priceCents: number;
}

export interface QueryValues {
  split: DataSplit;
  personName(random: Random): string;
  /** An address derived from the name, as real address books look. */
  emailAddress(random: Random, name: string): string;
  cities: readonly QueryCity[];
  products: readonly QueryProduct[];
  /** Pool values that land in databases and prompts (last names, cities, products), for split tests. */
  poolValues(): string[];
}

/** The value source for one split. */
export function queryValues(split: DataSplit): QueryValues {
  const pools = valuePools(split);
  return {
    split,
    personName: (random) => personName(random, split),
    emailAddress: (random, name) => emailAddress(random, split, name),
    cities: pools.cities,
    products: pools.products,
    poolValues: () => [...pools.lastNames, ...pools.cities.map((entry) => entry.city), ...pools.products.map((entry) => entry.name)],
  };
}
