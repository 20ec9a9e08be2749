/** Specialist engines: one interface, embedded llama.cpp or any OpenAI-compatible server. */
export type { EngineRequest, EngineResponseFormat, EngineResult, EngineTokenLogprob, EngineTool, SpecialistEngine } from './specialist-engine.ts';
export { createLlamaCppEngine, type LlamaCppEngineOptions } from './llama-cpp-engine.ts';
export { createOpenAICompatibleEngine, type OpenAICompatibleSupports } from './openai-compatible-engine.ts';
export { getSharedLlama, takeRecentLlamaLogLines } from './internal/llama-instance.ts';
export { engineRequestFromChat, toEngineResponseFormat, toEngineTool, type ChatRequestParts } from './engine-request.ts';
