/**
 * The built-in embedder: no model, no network. Word unigrams and bigrams (lower-cased, digits masked) are
 * hashed into a fixed number of dimensions (FNV-1a, signed to cancel collisions on average), weighted by
 * sublinear term frequency × inverse document frequency computed over the batch being embedded, and
 * L2-normalised. Good at "same words, same task"; blind to paraphrase — that is what MiniLM is for.
 */
import type { Embedder } from './embedder.ts';

export interface LexicalEmbedderOptions {
  /** Default 1,024. */
  dimensions?: number;
}

export function createLexicalEmbedder(options: LexicalEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 1024;
  return {
    name: 'lexical',
    async embed(texts) {
      const documents = texts.map((text) => termCounts(text));
      const documentFrequency = new Map<string, number>();
      for (const counts of documents) for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
      return documents.map((counts) => {
        const vector = new Float32Array(dimensions);
        for (const [term, count] of counts) {
          const hash = fnv1a(term);
          const weight = (1 + Math.log(count)) * Math.log((1 + texts.length) / (1 + documentFrequency.get(term)!)) + 1e-3;
          vector[hash % dimensions]! += hash & 0x80000000 ? -weight : weight;
        }
        let norm = 0;
        for (const value of vector) norm += value * value;
        norm = Math.sqrt(norm);
        if (norm > 0) for (let index = 0; index < dimensions; index += 1) vector[index]! /= norm;
        return vector;
      });
    },
    async close() {},
  };
}

function termCounts(text: string): Map<string, number> {
  const words = text.toLowerCase().replace(/\d+/g, '#').split(/[^\p{L}\p{N}#_]+/u).filter((word) => word.length > 0);
  const counts = new Map<string, number>();
  for (let index = 0; index < words.length; index += 1) {
    counts.set(words[index]!, (counts.get(words[index]!) ?? 0) + 1);
    if (index + 1 < words.length) {
      const bigram = `${words[index]} ${words[index + 1]}`;
      counts.set(bigram, (counts.get(bigram) ?? 0) + 1);
    }
  }
  return counts;
}

/** 32-bit FNV-1a over UTF-16 code units, as an unsigned integer. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
