/**
 * Seeded support messages for the engine benchmark: each hides a customer name, an email address and an
 * order ID in a different phrasing, with the known values kept for exact-match scoring. A fixed seed gives
 * the same cases on every run, so figures from different machines compare.
 */

export interface ExtractionCase {
  message: string;
  expected: { name: string; email: string; order_id: string };
}

const firstNames = ['Maria', 'Tom', 'Wei', 'Priya', 'Sam', 'Anna', 'Jonas', 'Lena', 'Omar', 'Kim', 'Carlos', 'Aisha', 'Pavel', 'Yuki', 'Grace'];
const lastNames = ['Lopez', 'Baker', 'Chen', 'Sharma', 'Ortiz', 'Berg', 'Weber', 'Novak', 'Haddad', 'Park', 'Silva', 'Okafor', 'Ivanov', 'Tanaka', 'Murphy'];
const domains = ['example.com', 'mail.org', 'shop.net', 'inbox.io'];

const phrasings: Array<(fields: ExtractionCase['expected']) => string> = [
  (f) => `Hi, this is ${f.name}. My order ${f.order_id} has not arrived yet. You can reach me at ${f.email}.`,
  (f) => `Order ${f.order_id} came damaged. Please contact ${f.name} at ${f.email} about a replacement.`,
  (f) => `Hello support, ${f.name} here (${f.email}). I want to return order ${f.order_id}.`,
  (f) => `Please cancel order ${f.order_id}. Thanks, ${f.name} - ${f.email}`,
  (f) => `My email is ${f.email} and my name is ${f.name}. Where is order ${f.order_id}?`,
  (f) => `${f.name} writing about order ${f.order_id}: I was charged twice. Reply to ${f.email}.`,
];

/** mulberry32: a tiny, well-distributed seeded generator (the benchmark needs reproducibility, not crypto). */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function createExtractionCases(count: number, seed: number): ExtractionCase[] {
  const random = createRandom(seed);
  const pick = <Item>(items: readonly Item[]): Item => items[Math.floor(random() * items.length)] as Item;
  const digits = (length: number): string => Array.from({ length }, () => Math.floor(random() * 10)).join('');
  const orderFormats = [() => `ORD-${digits(5)}`, () => digits(6), () => `${pick(['A', 'B', 'K', 'Z'])}${digits(4)}`];
  return Array.from({ length: count }, (_, index) => {
    const first = pick(firstNames);
    const last = pick(lastNames);
    const expected = {
      name: `${first} ${last}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}@${pick(domains)}`,
      order_id: pick(orderFormats)(),
    };
    const phrasing = phrasings[index % phrasings.length] as (typeof phrasings)[number];
    return { message: phrasing(expected), expected };
  });
}
