/**
 * Which strings of a call a model reads or writes: request message contents (strings and text parts), tool
 * results, assistant tool-call arguments, and the response's message content and tool-call arguments. Tool
 * definitions, response formats and parameters are left alone: they are the agent's code, not its data.
 */
import type { CallRecord } from '../../../contracts/call-record.ts';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapArguments(holder: unknown, map: (text: string) => string): unknown {
  if (!isRecord(holder) || typeof holder.arguments !== 'string') return holder;
  return { ...holder, arguments: map(holder.arguments) };
}

function mapMessage(message: unknown, map: (text: string) => string): unknown {
  if (!isRecord(message)) return message;
  const mapped: Json = { ...message };
  if (typeof message.content === 'string') {
    mapped.content = map(message.content);
  } else if (Array.isArray(message.content)) {
    mapped.content = message.content.map((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? { ...part, text: map(part.text) } : part));
  }
  if (Array.isArray(message.tool_calls)) {
    mapped.tool_calls = message.tool_calls.map((toolCall: unknown) =>
      isRecord(toolCall) && isRecord(toolCall.function) ? { ...toolCall, function: mapArguments(toolCall.function, map) } : toolCall,
    );
  }
  // The deprecated single `function_call` still appears in old traffic and imports.
  if (isRecord(message.function_call)) mapped.function_call = mapArguments(message.function_call, map);
  return mapped;
}

/** A copy of `record` with `map` applied to every string a model reads or writes; the input is not modified. */
export function mapCallStrings(record: CallRecord, map: (text: string) => string): CallRecord {
  const { request, response } = record;
  const mappedRequest = Array.isArray(request.messages) ? { ...request, messages: request.messages.map((message: unknown) => mapMessage(message, map)) } : request;
  let mappedResponse = response;
  if (isRecord(response) && Array.isArray(response.choices)) {
    mappedResponse = {
      ...response,
      choices: response.choices.map((choice: unknown) => (isRecord(choice) && isRecord(choice.message) ? { ...choice, message: mapMessage(choice.message, map) } : choice)),
    };
  }
  return { ...record, request: mappedRequest, response: mappedResponse };
}
