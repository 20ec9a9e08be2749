/**
 * SSE pass-through for streaming chat completions. Each upstream chunk is forwarded as soon as it
 * arrives — never buffered — while a side parser reassembles the completion for the log and notes the
 * time to the first token. The call is spooled before the chunk carrying `data: [DONE]` goes out (or
 * before the stream closes when a provider sends no [DONE]), so a client that saw the end of its stream
 * always has its call on disk. A client that hangs up aborts the upstream request and is logged as
 * cancelled; an upstream that breaks off mid-stream is logged as interrupted.
 */
import type { ChatCompletionChunk } from '../contracts/chat-completion.ts';
import { ChatStreamAccumulator } from '../capture/accumulate-chat-stream.ts';
import { SseEventParser, type SseEvent } from '../capture/sse-event-parser.ts';
import type { UpstreamResponse } from '../providers/upstream-client.ts';
import { logCall, type CallOutcome, type PendingCall } from './chat-completions-handler.ts';
import type { GatewayContext } from './gateway-context.ts';

export function proxyChatStream(
  context: GatewayContext,
  call: PendingCall,
  upstreamResponse: UpstreamResponse,
  responseHeaders: Record<string, string>,
  abort: AbortController,
): Response {
  const parser = new SseEventParser();
  const accumulator = new ChatStreamAccumulator();
  const iterator = upstreamResponse.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let ttftMs: number | null = null;
  let sawDone = false;
  let finished = false;

  function finish(outcome: Omit<CallOutcome, 'ttftMs' | 'httpStatus' | 'response'>): void {
    if (finished) return;
    finished = true;
    logCall(context, call, { ...outcome, ttftMs, httpStatus: upstreamResponse.status, response: accumulator.chunkCount > 0 ? accumulator.result() : null });
  }

  function consume(events: readonly SseEvent[]): void {
    for (const event of events) {
      if (event.kind === 'done') {
        sawDone = true;
        continue;
      }
      let chunk: ChatCompletionChunk;
      try {
        chunk = JSON.parse(event.data) as ChatCompletionChunk;
      } catch {
        continue; // a provider's keep-alive or vendor event: forwarded, not logged
      }
      if (ttftMs === null && carriesToken(chunk)) ttftMs = performance.now() - call.startedAtMonotonic;
      accumulator.push(chunk);
    }
  }

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: IteratorResult<Buffer>;
        try {
          next = await iterator.next();
        } catch (error) {
          finish({ status: 'error', errorClass: 'stream_interrupted', errorMessage: `Upstream stream broke off: ${(error as Error).message}` });
          controller.error(error);
          return;
        }
        if (next.done) {
          const complete = sawDone || allChoicesFinished(accumulator);
          finish(
            complete
              ? { status: 'ok', errorClass: null, errorMessage: null }
              : { status: 'error', errorClass: 'stream_interrupted', errorMessage: 'Upstream stream ended before the completion finished.' },
          );
          controller.close();
          return;
        }
        const events = parser.push(next.value);
        if (events.some((event) => event.kind === 'done')) {
          consume(events);
          finish({ status: 'ok', errorClass: null, errorMessage: null });
          controller.enqueue(next.value);
          return;
        }
        controller.enqueue(next.value);
        consume(events);
      },
      cancel(reason) {
        abort.abort(reason);
        finish({ status: 'cancelled', errorClass: 'client_cancelled', errorMessage: 'The client closed the stream before it ended.' });
      },
    },
    { highWaterMark: 0 },
  );

  return new Response(body, {
    status: upstreamResponse.status,
    headers: { ...responseHeaders, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
  });
}

function carriesToken(chunk: ChatCompletionChunk): boolean {
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta;
    if (!delta) continue;
    if ((typeof delta.content === 'string' && delta.content.length > 0) || (delta.tool_calls && delta.tool_calls.length > 0) || delta.refusal) return true;
  }
  return false;
}

/** A provider that closes without `[DONE]` still finished cleanly if every choice has a finish reason. */
function allChoicesFinished(accumulator: ChatStreamAccumulator): boolean {
  if (accumulator.chunkCount === 0) return false;
  const choices = accumulator.result().choices;
  return choices.length > 0 && choices.every((choice) => choice.finish_reason !== null);
}
