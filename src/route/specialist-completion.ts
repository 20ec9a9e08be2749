/**
 * Turns a specialist engine's answer into the OpenAI `chat.completion` the agent asked for, so a served answer
 * is indistinguishable on the wire from the LLM's: the same object shape, `chatcmpl-` and `call_` ids, the
 * finish reason and usage the official clients read. Streaming clients get the same object replayed as SSE
 * (src/route/replay-as-sse.ts).
 */
import { randomBytes } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChoice, ChatCompletionToolCall } from '../contracts/chat-completion.ts';
import type { EngineResult } from '../providers/engines/specialist-engine.ts';

export interface SpecialistCompletionOptions {
  /** The `model` field of the response (the router reports `understudy/<specialist name>`). */
  model: string;
  /** Default: a fresh `chatcmpl-` id. */
  id?: string;
  /** Unix seconds; default now. */
  created?: number;
}

/**
 * - `content` is the engine's content as is (null for tool-call answers, as OpenAI sends it);
 * - each tool call gets a fresh `call_` id and `type: "function"`;
 * - `finish_reason` is `length` when the engine ran out of tokens (a cut tool call is reported as OpenAI
 *   reports one), otherwise `tool_calls` when there are tool calls and `stop` when there are none;
 * - `refusal: null` and `logprobs: null`, as OpenAI sends them when there is no refusal and none was asked for
 *   (the router escalates requests that ask for logprobs: `unsupported_request`).
 *
 * @example
 * specialistCompletion({ content: 'billing', toolCalls: [], finishReason: 'stop', tokens: { prompt: 40, completion: 2 }, logprobs: null, latencyMs: 12 }, { model: 'gpt-4o-mini' })
 * // → { id: 'chatcmpl-…', object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'billing', … }, finish_reason: 'stop', … }], usage: { prompt_tokens: 40, completion_tokens: 2, total_tokens: 42 }, … }
 */
export function specialistCompletion(result: EngineResult, options: SpecialistCompletionOptions): ChatCompletion {
  const message: ChatCompletionChoice['message'] = { role: 'assistant', content: result.content, refusal: null };
  if (result.toolCalls.length > 0) {
    message.tool_calls = result.toolCalls.map(
      (call): ChatCompletionToolCall => ({ id: mintId('call_'), type: 'function', function: { name: call.name, arguments: call.arguments } }),
    );
  }
  const finishReason = result.finishReason === 'length' ? 'length' : result.toolCalls.length > 0 ? 'tool_calls' : 'stop';
  return {
    id: options.id ?? mintId('chatcmpl-'),
    object: 'chat.completion',
    created: options.created ?? Math.floor(Date.now() / 1000),
    model: options.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: {
      prompt_tokens: result.tokens.prompt,
      completion_tokens: result.tokens.completion,
      total_tokens: result.tokens.prompt + result.tokens.completion,
    },
  };
}

/** OpenAI-like ids: a prefix and 24 alphanumeric characters (96 random bits, so never repeated in practice). */
function mintId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}
