/**
 * One call of a task as a training example: the prompt messages and the final assistant message, in the
 * shape OpenAI's chat fine-tuning format uses, read defensively from a stored call. Calls can come from old
 * imports or broken clients, so every field is read from `unknown` and a call that does not fit is reported
 * as malformed with a reason, never thrown on.
 */
import type { CallRecord } from '../../contracts/call-record.ts';
import { isPlainObject } from './internal/canonical-json.ts';

export type FineTuneContent = string | Array<Record<string, unknown>>;

export interface FineTuneToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface FineTuneMessage {
  /** `developer` messages become `system`: the fine-tuning format has no developer role. */
  role: 'system' | 'user' | 'assistant' | 'tool';
  content?: FineTuneContent | null;
  name?: string;
  tool_calls?: FineTuneToolCall[];
  tool_call_id?: string;
}

export interface TrainingExample {
  id: string;
  episodeId: string | null;
  startedAt: number;
  prompt: FineTuneMessage[];
  /** The answer to learn: an assistant message with non-empty content or at least one tool call. */
  completion: FineTuneMessage;
  tools: Array<Record<string, unknown>> | null;
  parallelToolCalls: boolean | null;
  /** Kept for the manifest and for checking outputs; not part of a fine-tuning line. */
  responseFormat: Record<string, unknown> | null;
}

/** One line of a dataset file: OpenAI chat fine-tuning format. */
export interface FineTuneLine {
  messages: FineTuneMessage[];
  tools?: Array<Record<string, unknown>>;
  parallel_tool_calls?: boolean;
}

export type ReadExampleResult = { ok: true; example: TrainingExample } | { ok: false; reason: 'malformed'; detail: string };

class MalformedCall extends Error {}

/** Reads a call's request and response into an example; only the fields named in the contract are trusted. */
export function readTrainingExample(record: CallRecord): ReadExampleResult {
  try {
    const request: unknown = record.request;
    if (!isPlainObject(request)) throw new MalformedCall('request is not an object');
    if (!Array.isArray(request.messages) || request.messages.length === 0) throw new MalformedCall('request has no messages');
    const prompt = request.messages.map((message, index) => readMessage(message, `messages[${index}]`, false));
    const completion = readMessage(readResponseMessage(record.response), 'response', true);
    const tools = readTools(request.tools);
    return {
      ok: true,
      example: {
        id: record.id,
        episodeId: record.episodeId,
        startedAt: record.startedAt,
        prompt,
        completion,
        tools,
        parallelToolCalls: typeof request.parallel_tool_calls === 'boolean' ? request.parallel_tool_calls : null,
        responseFormat: isPlainObject(request.response_format) ? request.response_format : null,
      },
    };
  } catch (error) {
    if (error instanceof MalformedCall) return { ok: false, reason: 'malformed', detail: error.message };
    throw error;
  }
}

/** The example as a fine-tuning line: prompt plus completion, tools only when the call offered them. */
export function toFineTuneLine(example: TrainingExample): FineTuneLine {
  const line: FineTuneLine = { messages: [...example.prompt, example.completion] };
  if (example.tools !== null && example.tools.length > 0) line.tools = example.tools;
  if (example.parallelToolCalls !== null) line.parallel_tool_calls = example.parallelToolCalls;
  return line;
}

/** Every string a model reads in the prompt or writes in the completion (content, tool names and arguments). */
export function messageTexts(message: FineTuneMessage): string[] {
  const texts: string[] = [];
  if (typeof message.content === 'string') texts.push(message.content);
  else if (Array.isArray(message.content)) {
    for (const part of message.content) if (typeof part.text === 'string') texts.push(part.text);
  }
  for (const call of message.tool_calls ?? []) texts.push(call.function.name, call.function.arguments);
  return texts;
}

function readResponseMessage(response: unknown): unknown {
  if (!isPlainObject(response)) throw new MalformedCall('response is missing');
  const choices = response.choices;
  if (!Array.isArray(choices) || choices.length === 0) throw new MalformedCall('response has no choices');
  const choice: unknown = choices[0];
  if (!isPlainObject(choice) || !isPlainObject(choice.message)) throw new MalformedCall('response choice has no message');
  return { ...choice.message, role: 'assistant' };
}

function readMessage(raw: unknown, where: string, isCompletion: boolean): FineTuneMessage {
  if (!isPlainObject(raw)) throw new MalformedCall(`${where} is not an object`);
  const role = raw.role === 'developer' ? 'system' : raw.role;
  if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'tool') throw new MalformedCall(`${where} has an unsupported role`);
  const message: FineTuneMessage = { role };
  const content = readContent(raw.content, where);
  if (typeof raw.name === 'string' && raw.name.length > 0 && role !== 'tool') message.name = raw.name;
  if (role === 'assistant') {
    const toolCalls = raw.tool_calls === undefined || raw.tool_calls === null ? [] : readToolCalls(raw.tool_calls, where);
    const hasText = typeof content === 'string' ? content.trim().length > 0 : Array.isArray(content) && content.length > 0;
    if (!hasText && toolCalls.length === 0) throw new MalformedCall(isCompletion ? 'no assistant output' : `${where} is an empty assistant message`);
    message.content = hasText ? content : null;
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    return message;
  }
  if (content === null) throw new MalformedCall(`${where} has no content`);
  message.content = content;
  if (role === 'tool') {
    if (typeof raw.tool_call_id !== 'string' || raw.tool_call_id.length === 0) throw new MalformedCall(`${where} has no tool_call_id`);
    message.tool_call_id = raw.tool_call_id;
  }
  return message;
}

function readContent(raw: unknown, where: string): FineTuneContent | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string') return raw;
  if (!Array.isArray(raw)) throw new MalformedCall(`${where}.content has the wrong type`);
  return raw.map((part, index) => {
    if (!isPlainObject(part) || typeof part.type !== 'string') throw new MalformedCall(`${where}.content[${index}] is not a content part`);
    if (part.type === 'text' && typeof part.text !== 'string') throw new MalformedCall(`${where}.content[${index}] has no text`);
    return part;
  });
}

function readToolCalls(raw: unknown, where: string): FineTuneToolCall[] {
  if (!Array.isArray(raw)) throw new MalformedCall(`${where}.tool_calls is not an array`);
  return raw.map((call, index) => {
    const fn = isPlainObject(call) ? call.function : undefined;
    if (!isPlainObject(call) || !isPlainObject(fn) || typeof fn.name !== 'string' || fn.name.length === 0) {
      throw new MalformedCall(`${where}.tool_calls[${index}] has no function name`);
    }
    // Some importers store arguments parsed; the wire format (and the fine-tuning format) wants the JSON text.
    const args = typeof fn.arguments === 'string' ? fn.arguments : isPlainObject(fn.arguments) ? JSON.stringify(fn.arguments) : null;
    if (args === null) throw new MalformedCall(`${where}.tool_calls[${index}] has no arguments`);
    const id = typeof call.id === 'string' && call.id.length > 0 ? call.id : `call_${index + 1}`;
    return { id, type: 'function', function: { name: fn.name, arguments: args } };
  });
}

function readTools(raw: unknown): Array<Record<string, unknown>> | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw) || !raw.every(isPlainObject)) throw new MalformedCall('request.tools is not an array of tools');
  return raw;
}
