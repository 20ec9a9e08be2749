/**
 * Reads what the gateway sent back to a simulated agent — a `chat.completion` body or a stream of
 * `chat.completion.chunk` events — into one typed `ChatCompletion`, validating at this edge so agents and
 * the scorer work with typed values only.
 */
import { z } from 'zod';
import { ChatStreamAccumulator } from '../../../capture/accumulate-chat-stream.ts';
import { SseEventParser } from '../../../capture/sse-event-parser.ts';
import type { ChatCompletion, ChatCompletionChunk } from '../../../contracts/chat-completion.ts';

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const completionSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number(),
      message: z.looseObject({
        role: z.literal('assistant'),
        content: z
          .string()
          .nullish()
          .transform((content) => content ?? null),
        tool_calls: z.array(toolCallSchema).optional(),
      }),
      finish_reason: z.string().nullable(),
    }),
  ),
  usage: z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

const chunkSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number(), delta: z.looseObject({}), finish_reason: z.string().nullable() })),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A non-streaming body; throws (a broken response is a failed call) when it is not a chat completion. */
export function readCompletionBody(text: string): ChatCompletion {
  const parsed = completionSchema.safeParse(parseJson(text));
  if (!parsed.success) throw new Error(`not a chat.completion: ${text.slice(0, 200)}`);
  return parsed.data;
}

/** A whole SSE body, reassembled; throws when the stream ended before `[DONE]`. */
export function readCompletionStream(text: string): ChatCompletion {
  const parser = new SseEventParser();
  const accumulator = new ChatStreamAccumulator();
  let done = false;
  for (const event of [...parser.push(text), ...parser.end()]) {
    if (event.kind === 'done') {
      done = true;
      continue;
    }
    const chunk = chunkSchema.safeParse(parseJson(event.data));
    if (!chunk.success) throw new Error(`not a chat.completion.chunk: ${event.data.slice(0, 200)}`);
    // The schema checked what the accumulator relies on; deltas stay loose as the accumulator reads them leniently.
    accumulator.push(chunk.data as ChatCompletionChunk);
  }
  if (!done) throw new Error('stream ended before [DONE]');
  return readCompletionBody(JSON.stringify(accumulator.result()));
}
