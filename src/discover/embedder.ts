/**
 * The pluggable embedder behind discovery's clustering of free-form prompts: the built-in lexical embedder
 * (no model, no network), all-MiniLM-L6-v2 run locally, any OpenAI-compatible `/v1/embeddings`, or a GGUF
 * embedding model through node-llama-cpp. Vectors are L2-normalised so a dot product is the cosine.
 */
export interface Embedder {
  /** Shown in reports, e.g. `lexical`, `all-MiniLM-L6-v2 (llama.cpp)`, `openai:text-embedding-3-small`. */
  readonly name: string;
  /** Embeds texts in order; every vector has the same length and unit norm (a zero vector for empty text). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Releases models, contexts or connections. */
  close(): Promise<void>;
}
