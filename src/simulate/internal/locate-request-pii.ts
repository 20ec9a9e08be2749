/**
 * Finds every planted personal value in a finished request, so ground truth records exact offsets no matter
 * how the value was embedded: raw in a message, inside a pasted JSON export, inside a tool result, or inside
 * the JSON `arguments` string of an earlier assistant tool call. Text-level matching (JSON escapes, word
 * boundaries, nested values) is the world's `locatePlanted`; this walks a request's messages with it.
 */
import type { ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import type { PiiSpan } from '../simulated-task.ts';
import { locatePlanted, toPiiSpans, type PlantedValue } from '../world/planted-text.ts';

export type { PlantedValue } from '../world/planted-text.ts';

/** Spans for every occurrence of every planted value, in message content and in tool-call arguments. */
export function locateRequestPii(request: ChatCompletionRequest, planted: readonly PlantedValue[]): PiiSpan[] {
  const distinct = [...new Map(planted.map((item) => [`${item.kind}\u0000${item.value}`, item])).values()];
  const spans: PiiSpan[] = [];
  request.messages.forEach((message, messageIndex) => {
    if (typeof message.content === 'string') {
      spans.push(...toPiiSpans(locatePlanted(message.content, distinct), messageIndex, 'content'));
    }
    message.tool_calls?.forEach((toolCall, toolCallIndex) => {
      const argumentsText = toolCall.function?.arguments;
      if (argumentsText === undefined) return;
      spans.push(...toPiiSpans(locatePlanted(argumentsText, distinct), messageIndex, 'tool_arguments', toolCallIndex));
    });
  });
  return spans;
}
