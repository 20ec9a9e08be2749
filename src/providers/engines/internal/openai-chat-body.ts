/**
 * The request body an OpenAI-compatible local server (Ollama, vLLM, llama.cpp server, LM Studio) gets for one
 * engine request. Servers differ in what they honour: a `supports` flag that is false means the feature is
 * left off the wire and, for structured output, asked for in the system prompt instead, so an older server
 * never rejects the request for a field it does not know.
 */
import type { ChatMessage } from '../../../contracts/chat-completion.ts';
import type { EngineRequest } from '../specialist-engine.ts';

/** What the served runtime understands; every flag defaults to true (current Ollama, vLLM, llama.cpp, LM Studio). */
export interface OpenAICompatibleSupports {
  /** `response_format: { type: 'json_schema' | 'json_object' }`. */
  jsonSchema: boolean;
  /** `logprobs: true` with `choices[].logprobs.content[]` in the answer. */
  logprobs: boolean;
  /** `tools` and `tool_choice`. */
  tools: boolean;
}

/** A chat completions body; keys follow the OpenAI wire format, hence the snake case. */
export type OpenAIChatBody = Record<string, unknown>;

/** Greedy decoding unless asked otherwise: specialists should answer the same input the same way. */
const defaultTemperature = 0;

/**
 * Builds the body. `servedModel` is the adapter name when the request names one (vLLM multi-LoRA serves each
 * adapter under its own model name), else the engine's model.
 */
export function buildOpenAIChatBody(request: EngineRequest, servedModel: string, supports: OpenAICompatibleSupports): OpenAIChatBody {
  const body: OpenAIChatBody = {
    model: servedModel,
    messages: request.messages,
    temperature: request.temperature ?? defaultTemperature,
    stream: false,
  };
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools;
    // The contract says the model must call one of the tools; 'required' is how the wire format says it.
    body.tool_choice = request.toolChoice ?? 'required';
  }
  if (request.logprobs === true && supports.logprobs) body.logprobs = true;
  const format = request.responseFormat;
  if (format && format.type !== 'text') {
    if (supports.jsonSchema) {
      body.response_format =
        format.type === 'json_object'
          ? { type: 'json_object' }
          : { type: 'json_schema', json_schema: { name: format.name ?? 'response', schema: format.schema, strict: true } };
    } else {
      body.messages = withJsonInstruction(request.messages, format.type === 'json_schema' ? format.schema : null);
    }
  }
  return body;
}

/**
 * Asks for JSON in words, for servers without `response_format`. The instruction goes first in the system
 * message so it survives chat templates that keep only one system turn.
 */
export function withJsonInstruction(messages: ChatMessage[], schema: Record<string, unknown> | null): ChatMessage[] {
  const instruction =
    schema === null
      ? 'Answer with one JSON object only: no prose, no code fences.'
      : `Answer with one JSON object only, no prose and no code fences, matching this JSON schema:\n${JSON.stringify(schema)}`;
  const [first, ...rest] = messages;
  if (first && first.role === 'system' && typeof first.content === 'string') {
    return [{ ...first, content: `${instruction}\n\n${first.content}` }, ...rest];
  }
  return [{ role: 'system', content: instruction }, ...messages];
}
