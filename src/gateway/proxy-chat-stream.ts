/**
 * SSE pass-through for streaming chat completions. Each upstream chunk is forwarded as soon as it
 * arrives — never buffered — while a side parser reassembles the completion for the log and notes the
 * time to the first token. The call is spooled before the chunk carrying `data: [DONE]` goes out (or
 * before the stream closes when a provider sends no [DONE]), so a client that saw the end of its stream
 * always has its call on disk. A client that hangs up aborts the upstream request and is logged as
 * cancelled; an upstream that breaks off mid-stream is logged as interrupted.
 *
 * A broken-off upstream ends the client's stream with an OpenAI-format error event (`data: {"error": …}`)
 * and a clean close, rather than a torn connection or a silent end. That is what OpenAI-compatible clients
 * are built to read: the official `openai` SDKs (Node `core/streaming.ts`, Python `_streaming.py`) throw an
 * `APIError` carrying its message for any data event with an `error` field, whereas a stream that simply
 * ends without `[DONE]` reads to them as a complete answer, and a torn connection surfaces only as a
 * network error ("terminated") with nothing to say what happened.
 */
import type { ChatCompletionChunk } from '../contracts/chat-completion.ts';
import { UnderstudyError, toOpenAIErrorBody } from '../contracts/errors.ts';
import { toUpstreamError } from '../providers/upstream-client.ts';
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
  /** The last few characters forwarded, to end a partly forwarded event before an error event. */
  let forwardedTail = '';

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
          const cause = toUpstreamError(error, call.provider);
          const message = `Provider "${call.provider.name}" broke off the stream: ${(error as Error).message}`;
          finish({ status: 'error', errorClass: 'stream_interrupted', errorMessage: message });
          endWithError(controller, new UnderstudyError(cause.code === 'upstream_timeout' ? 'upstream_timeout' : 'upstream_error', message, { cause: error }));
          return;
        }
        if (next.done) {
          if (sawDone || allChoicesFinished(accumulator)) {
            finish({ status: 'ok', errorClass: null, errorMessage: null });
            controller.close();
            return;
          }
          const message = `Provider "${call.provider.name}" ended the stream before the completion finished.`;
          finish({ status: 'error', errorClass: 'stream_interrupted', errorMessage: message });
          endWithError(controller, new UnderstudyError('upstream_error', message));
          return;
        }
        forwardedTail = (forwardedTail + next.value.toString('latin1', Math.max(0, next.value.length - 4))).slice(-4);
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

  function endWithError(controller: ReadableStreamDefaultController<Uint8Array>, error: UnderstudyError): void {
    controller.enqueue(encoder.encode(`${eventTerminator(forwardedTail)}data: ${JSON.stringify(toOpenAIErrorBody(error))}\n\n`));
    controller.close();
  }

  return new Response(body, {
    status: upstreamResponse.status,
    headers: { ...responseHeaders, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
  });
}

const encoder = new TextEncoder();

/**
 * What must precede our error event so that it is read as an event of its own: nothing at an event
 * boundary, a line end after a complete line, a line end and a blank line in the middle of a line (that
 * torn event is then dispatched as it stands; a client that fails on its JSON still sees an error).
 */
function eventTerminator(tail: string): string {
  if (tail.length === 0 || tail.endsWith('\n\n') || tail.endsWith('\r\n\r\n') || tail.endsWith('\r\r')) return '';
  if (tail.endsWith('\n') || tail.endsWith('\r')) return '\n';
  return '\n\n';
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
