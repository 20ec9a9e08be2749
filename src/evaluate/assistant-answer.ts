/** What a model answered, in the one shape every metric reads: text content and/or tool calls. */
export interface AssistantAnswer {
  /** null when the model only called tools (as the OpenAI wire format has it). */
  content: string | null;
  /** Arguments stay the raw JSON text the model produced: whether it parses is part of what we score. */
  toolCalls: Array<{ name: string; arguments: string }>;
}

/**
 * An `AssistantAnswer` from an OpenAI chat-completion message (`choices[0].message`). Text content parts are
 * joined; tool calls without a `function` (custom tool types) are dropped.
 *
 * @example
 * answerFromMessage({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] })
 * // → { content: null, toolCalls: [{ name: 'f', arguments: '{}' }] }
 */
export function answerFromMessage(message: {
  content?: string | ReadonlyArray<{ type: string; text?: unknown }> | null;
  tool_calls?: ReadonlyArray<{ function?: { name: string; arguments: string } }> | null;
}): AssistantAnswer {
  const content =
    typeof message.content === 'string'
      ? message.content
      : Array.isArray(message.content)
        ? message.content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('')
        : null;
  const toolCalls = (message.tool_calls ?? []).flatMap((call) => (call.function ? [{ name: call.function.name, arguments: call.function.arguments }] : []));
  return { content, toolCalls };
}
