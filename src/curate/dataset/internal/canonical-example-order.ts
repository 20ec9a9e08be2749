/**
 * The one order a dataset's examples are redacted, deduplicated and written in: by a hash of what a model learns
 * from them (prompt, answer, tools, response format), then episode id, then call id — never by when a call was
 * captured. Redaction numbers placeholders and probes surrogates in the order it sees values, dedup keeps the first
 * of its duplicates and the files list examples in order, so this order decides the files' bytes: the same calls
 * captured concurrently in another order, at other times, under other call ids (a second data directory, a CI run
 * of a seeded simulation) give the same files and so the same dataset version and training-cache key.
 *
 * Before redaction the hash is keyed (see `datasetOrderKey`): placeholder numbers show the order calls were
 * redacted in, and an unkeyed hash of the real text would let someone holding the dataset test guesses of it.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import type { TrainingExample } from '../training-example.ts';
import { canonicalJson, compareStrings, sha256Hex } from './canonical-json.ts';

/** The order key of a redaction secret (HKDF, so it says nothing about the key or its other uses). */
export function datasetOrderKey(secretKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'understudy dataset order', 32));
}

/** Hex hash of an example's learned content; HMAC-SHA256 when `key` is given. Ids and times are left out. */
export function exampleContentDigest(example: TrainingExample, key?: Uint8Array): string {
  const content = canonicalJson({
    prompt: example.prompt,
    completion: example.completion,
    tools: example.tools,
    parallelToolCalls: example.parallelToolCalls,
    responseFormat: example.responseFormat,
  });
  return key === undefined ? sha256Hex(content) : createHmac('sha256', key).update(content).digest('hex');
}

/**
 * `items` sorted by their example's content digest; equal content by episode id, then call id (there the order
 * only decides which episode, and so which split, a repeated example lands in: simulated episode ids are seeded).
 */
export function sortByExampleContent<T>(items: readonly T[], exampleOf: (item: T) => TrainingExample, key?: Uint8Array): T[] {
  return items
    .map((item) => {
      const example = exampleOf(item);
      return { item, digest: exampleContentDigest(example, key), episodeId: example.episodeId ?? '', id: example.id };
    })
    .sort((left, right) => compareStrings(left.digest, right.digest) || compareStrings(left.episodeId, right.episodeId) || compareStrings(left.id, right.id))
    .map((entry) => entry.item);
}
