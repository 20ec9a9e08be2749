/**
 * Serves a finished `chat.completion` to a client that asked for `stream: true`. A specialist answer must pass
 * validation before it may reach the agent (src/evaluate/validate-answer.ts), so the router cannot stream
 * tokens as they are generated: it generates, validates, then replays the whole answer as
 * `chat.completion.chunk` events in OpenAI's wire format. The answer is short and local, so the agent loses
 * little time to first token and never sees a stream that later has to be taken back.
 *
 * Events per choice, as OpenAI sends them: a role chunk; content (and refusal) in deltas of `chunkChars`
 * characters; per tool call an opening delta with `index`, `id`, `type` and `function.name` then its
 * `arguments` in pieces; a chunk with the `finish_reason`. Then, with `includeUsage`
 * (`stream_options.include_usage`), a choice-less usage chunk, every earlier chunk carrying `usage: null`;
 * then `data: [DONE]`. Our own capture (src/capture/accumulate-chat-stream.ts) reassembles the stream into
 * the completion it came from.
 */
import type { ChatCompletion, ChatCompletionChoice, ChatCompletionChunk } from '../contracts/chat-completion.ts';

export interface ReplayAsSseOptions {
  /** Characters per content, refusal or tool-argument delta (counted in Unicode code points); default 16. */
  chunkChars?: number;
  /** Add the final usage chunk, as for `stream_options: { include_usage: true }`; default false. */
  includeUsage?: boolean;
}

type ChunkChoice = ChatCompletionChunk['choices'][number];
type Delta = ChunkChoice['delta'];

/** Message fields replayed as their own deltas; the rest go out once, in the role chunk. */
const streamedMessageFields = new Set(['role', 'content', 'refusal', 'tool_calls']);

const defaultChunkChars = 16;

/**
 * The SSE events of the replayed stream, each a complete `data: …\n\n` frame, ending with `data: [DONE]\n\n`.
 *
 * @example
 * const events = replayAsSse(completion, { includeUsage: request.stream_options?.include_usage === true });
 * // → ['data: {"id":"chatcmpl-…","object":"chat.completion.chunk",…}\n\n', …, 'data: [DONE]\n\n']
 */
export function replayAsSse(completion: ChatCompletion, options: ReplayAsSseOptions = {}): string[] {
  const chunkChars = options.chunkChars ?? defaultChunkChars;
  if (!Number.isInteger(chunkChars) || chunkChars < 1) throw new RangeError(`chunkChars must be a positive integer, got ${chunkChars}`);
  const includeUsage = options.includeUsage ?? false;

  // Top-level fields OpenAI repeats on every chunk; other completion fields have no chunk counterpart.
  const repeated: Record<string, unknown> = {};
  if (completion['service_tier'] !== undefined) repeated['service_tier'] = completion['service_tier'];
  if (completion.system_fingerprint !== undefined) repeated['system_fingerprint'] = completion.system_fingerprint;
  const frame = (choices: ChunkChoice[], usage?: ChatCompletionChunk['usage']): string => {
    const chunk: ChatCompletionChunk = {
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      ...repeated,
      choices,
    };
    if (includeUsage) chunk.usage = usage ?? null;
    return `data: ${JSON.stringify(chunk)}\n\n`;
  };

  const events: string[] = [];
  for (const choice of completion.choices) {
    for (const chunkChoice of choiceChunks(choice, chunkChars)) events.push(frame([chunkChoice]));
  }
  if (includeUsage && completion.usage) events.push(frame([], completion.usage));
  events.push('data: [DONE]\n\n');
  return events;
}

/**
 * The same events as a response body: `new Response(replayAsSseResponseBody(completion), { headers:
 * { 'content-type': 'text/event-stream' } })`. One event per enqueued piece, produced as the client reads.
 */
export function replayAsSseResponseBody(completion: ChatCompletion, options: ReplayAsSseOptions = {}): ReadableStream<Uint8Array> {
  const events = replayAsSse(completion, options);
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const event = events[next++];
      if (event === undefined) controller.close();
      else controller.enqueue(encoder.encode(event));
    },
  });
}

function choiceChunks(choice: ChatCompletionChoice, chunkChars: number): ChunkChoice[] {
  const { index, message } = choice;
  const chunks: ChunkChoice[] = [];
  const push = (delta: Delta, finishReason: string | null = null, logprobs: ChunkChoice['logprobs'] = null) =>
    chunks.push({ index, delta, logprobs, finish_reason: finishReason });

  // Content that is null must stay null after reassembly, so the role chunk carries `""` only for text answers.
  const opening: Delta = { role: 'assistant', content: typeof message.content === 'string' ? '' : null, refusal: null };
  for (const [field, value] of Object.entries(message)) {
    if (!streamedMessageFields.has(field) && value !== undefined && value !== null) opening[field] = value;
  }
  push(opening);
  if (typeof message.content === 'string') {
    for (const piece of splitText(message.content, chunkChars)) push({ content: piece });
  }
  if (typeof message.refusal === 'string') {
    for (const piece of splitText(message.refusal, chunkChars)) push({ refusal: piece });
  }
  (message.tool_calls ?? []).forEach((call, callIndex) => {
    push({ tool_calls: [{ index: callIndex, id: call.id, type: call.type, function: { name: call.function.name, arguments: '' } }] });
    for (const piece of splitText(call.function.arguments, chunkChars)) {
      push({ tool_calls: [{ index: callIndex, function: { arguments: piece } }] });
    }
  });
  // Token logprobs belong with the tokens, but one block on the last chunk reassembles to the same arrays.
  push({}, choice.finish_reason, isChunkLogprobs(choice.logprobs) ? choice.logprobs : null);
  return chunks;
}

function isChunkLogprobs(value: unknown): value is NonNullable<ChunkChoice['logprobs']> {
  return typeof value === 'object' && value !== null;
}

/** Pieces of at most `size` code points, so a character outside the BMP is never cut in half. */
function splitText(text: string, size: number): string[] {
  const characters = Array.from(text);
  const pieces: string[] = [];
  for (let start = 0; start < characters.length; start += size) pieces.push(characters.slice(start, start + size).join(''));
  return pieces;
}
