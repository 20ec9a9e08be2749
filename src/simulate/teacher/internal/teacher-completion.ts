/**
 * The teacher's wire shapes: a `TeacherReply` wrapped as OpenAI's `chat.completion`, the same answer as
 * `chat.completion.chunk` SSE events, and the cut-short variants fault injection needs. Usage comes from the
 * real token counter, so logged token counts and costs look like a hosted model's.
 */
import type { ChatCompletion, ChatCompletionRequest, ChatCompletionToolCall, CompletionUsage } from '../../../contracts/chat-completion.ts';
import { countCompletionTokens, countPromptTokens } from '../../../providers/token-counter.ts';
import type { TeacherReply } from '../../simulated-task.ts';

/** Identity of one response: the same id/created/model on the body or on every chunk of a stream. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

const systemFingerprint = 'fp_understudy_teacher';

/** OpenAI's usage object, detail blocks included, as current models send it. */
function buildUsage(promptTokens: number, completionTokens: number): CompletionUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** `n` identical choices (the simulator never asks for more than one; clients that do still get the shape). */
function choiceCount(request: ChatCompletionRequest): number {
  return typeof request.n === 'number' && request.n >= 1 ? Math.min(request.n, 8) : 1;
}

/** A non-streaming completion with real token counts. */
export function buildTeacherCompletion(
  request: ChatCompletionRequest,
  reply: TeacherReply,
  identity: CompletionIdentity,
  mintToolCallId: () => string,
): ChatCompletion {
  const choices = Array.from({ length: choiceCount(request) }, (_, index) => {
    if (reply.kind === 'content') {
      return {
        index,
        message: { role: 'assistant' as const, content: reply.content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      };
    }
    const toolCalls: ChatCompletionToolCall[] = reply.calls.map((call) => ({
      id: mintToolCallId(),
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
    return {
      index,
      message: { role: 'assistant' as const, content: reply.content ?? null, tool_calls: toolCalls, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'tool_calls',
    };
  });
  const completion: ChatCompletion = {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices,
    usage: null,
    service_tier: 'default',
    system_fingerprint: systemFingerprint,
  };
  completion.usage = buildUsage(countPromptTokens(request), countCompletionTokens(completion, request.model));
  return completion;
}

/**
 * The completion a model gives when it runs out of `max_tokens`: the first half of the content (or of the
 * first tool call's arguments, which then no longer parse) and `finish_reason: "length"`.
 */
export function truncateCompletion(completion: ChatCompletion, model: string): ChatCompletion {
  const choices = completion.choices.map((choice) => {
    const message = { ...choice.message };
    if (typeof message.content === 'string') message.content = cutInHalf(message.content);
    if (message.tool_calls) {
      message.tool_calls = message.tool_calls.slice(0, 1).map((call) => ({
        ...call,
        function: { name: call.function.name, arguments: cutInHalf(call.function.arguments) },
      }));
    }
    return { ...choice, message, finish_reason: 'length' };
  });
  const truncated: ChatCompletion = { ...completion, choices };
  const promptTokens = completion.usage?.prompt_tokens ?? 0;
  truncated.usage = buildUsage(promptTokens, countCompletionTokens(truncated, model));
  return truncated;
}

function cutInHalf(text: string): string {
  const words = splitIntoWords(text);
  if (words.length > 1) return words.slice(0, Math.ceil(words.length / 2)).join('');
  return text.slice(0, Math.ceil(text.length / 2));
}

/** Word-with-leading-space pieces look like BPE tokens and reassemble to the exact text. */
export function splitIntoWords(text: string): string[] {
  return text.match(/\s*\S+\s*$|\s*\S+/g) ?? (text.length > 0 ? [text] : []);
}

/** Tool-call arguments arrive in small fragments, as OpenAI streams them. */
function splitEvenly(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

function serverSentEvent(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

/**
 * The SSE events of `completion` streamed: per choice a role chunk, word-sized content deltas or tool calls
 * (an opening delta with id and name, then argument fragments), a finish chunk; then a usage chunk with
 * `choices: []` when the client asked for `stream_options.include_usage` (every chunk then carries
 * `usage: null`, as OpenAI sends it); then `data: [DONE]`.
 */
export function buildTeacherStreamEvents(request: ChatCompletionRequest, completion: ChatCompletion): string[] {
  const includeUsage = request.stream_options?.include_usage === true;
  const events: string[] = [];
  const chunk = (choices: unknown[]): Record<string, unknown> => {
    const body: Record<string, unknown> = {
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      service_tier: 'default',
      system_fingerprint: systemFingerprint,
      choices,
    };
    if (includeUsage) body.usage = null;
    return body;
  };
  const delta = (index: number, content: Record<string, unknown>) => serverSentEvent(chunk([{ index, delta: content, logprobs: null, finish_reason: null }]));
  for (const choice of completion.choices) {
    const { index, message } = choice;
    const toolCalls = message.tool_calls ?? [];
    if (toolCalls.length === 0) {
      events.push(delta(index, { role: 'assistant', content: '', refusal: null }));
      for (const word of splitIntoWords(message.content ?? '')) events.push(delta(index, { content: word }));
    } else {
      events.push(delta(index, { role: 'assistant', content: message.content ?? null, refusal: null }));
      toolCalls.forEach((call, position) => {
        const opening = { index: position, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } };
        events.push(delta(index, { tool_calls: [opening] }));
        for (const fragment of splitEvenly(call.function.arguments, 12)) {
          events.push(delta(index, { tool_calls: [{ index: position, function: { arguments: fragment } }] }));
        }
      });
    }
    events.push(serverSentEvent(chunk([{ index, delta: {}, logprobs: null, finish_reason: choice.finish_reason }])));
  }
  if (includeUsage) events.push(serverSentEvent({ ...chunk([]), usage: completion.usage }));
  events.push(serverSentEvent('[DONE]'));
  return events;
}
