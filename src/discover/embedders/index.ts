/** Embedders behind `Embedder` (../embedder.ts): local GGUF via llama.cpp, all-MiniLM-L6-v2 from PyPI, and OpenAI-compatible `/v1/embeddings`. */
export { createLlamaCppEmbedder, type LlamaCppEmbedderOptions } from './llama-cpp-embedder.ts';
export { createMiniLmEmbedder, ensureMiniLmModel, miniLmSource } from './mini-lm-embedder.ts';
export type { MiniLmEmbedderOptions, MiniLmModelFiles, MiniLmSetupProgress } from './mini-lm-embedder.ts';
export { createOpenAiCompatibleEmbedder, type OpenAiCompatibleEmbedderOptions } from './openai-compatible-embedder.ts';
