/**
 * The one translation from an OpenAI chat request's parts (messages, `tools`, `response_format`) to an
 * `EngineRequest`, shared by model selection, evaluation and the router so a specialist is asked the same way
 * everywhere it is measured and served. Non-function tools are dropped (engines only call functions); a
 * `json_schema` format without a usable schema constrains to any JSON object.
 */
import type { ChatMessage } from '../../contracts/chat-completion.ts';
import type { EngineRequest, EngineResponseFormat, EngineTool } from './specialist-engine.ts';

export interface ChatRequestParts {
  messages: ChatMessage[];
  tools?: ReadonlyArray<Record<string, unknown>> | null;
  responseFormat?: Record<string, unknown> | null;
  /**
   * The request's `tool_choice`: `required` or a named function forces a call; `auto`, absent (OpenAI's
   * default with tools) lets the model reply in text instead. `none` never reaches an engine (the router escalates it).
   */
  toolChoice?: unknown;
  maxTokens: number;
  adapter?: string | undefined;
  logprobs?: boolean;
  signal?: AbortSignal | undefined;
}

export function engineRequestFromChat(parts: ChatRequestParts): EngineRequest {
  const request: EngineRequest = { messages: parts.messages, maxTokens: parts.maxTokens };
  const engineTools = (parts.tools ?? []).flatMap(toEngineTool);
  if (engineTools.length > 0) {
    request.tools = engineTools;
    request.toolChoice = parts.toolChoice === 'required' || (typeof parts.toolChoice === 'object' && parts.toolChoice !== null) ? 'required' : 'auto';
  }
  const format = toEngineResponseFormat(parts.responseFormat ?? null);
  if (format !== undefined) request.responseFormat = format;
  if (parts.adapter !== undefined) request.adapter = parts.adapter;
  if (parts.logprobs === true) request.logprobs = true;
  if (parts.signal !== undefined) request.signal = parts.signal;
  return request;
}

export function toEngineTool(tool: Record<string, unknown>): EngineTool[] {
  const fn = tool['function'] as { name?: unknown; description?: unknown; parameters?: unknown } | undefined;
  if (tool['type'] !== 'function' || fn === undefined || typeof fn.name !== 'string') return [];
  return [
    {
      type: 'function',
      function: {
        name: fn.name,
        ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
        ...(fn.parameters !== null && typeof fn.parameters === 'object' ? { parameters: fn.parameters as Record<string, unknown> } : {}),
      },
    },
  ];
}

export function toEngineResponseFormat(format: Record<string, unknown> | null): EngineResponseFormat | undefined {
  if (format === null) return undefined;
  if (format['type'] === 'json_object') return { type: 'json_object' };
  if (format['type'] === 'json_schema') {
    const spec = format['json_schema'] as { name?: unknown; schema?: unknown } | undefined;
    const schema = spec?.schema !== null && typeof spec?.schema === 'object' ? (spec.schema as Record<string, unknown>) : { type: 'object' };
    return { type: 'json_schema', ...(typeof spec?.name === 'string' ? { name: spec.name } : {}), schema };
  }
  return undefined;
}
