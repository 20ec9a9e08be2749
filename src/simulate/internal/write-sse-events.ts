/**
 * How the stand-in servers stream: one `write` per SSE event, paced by `delayMs`, and — to simulate a
 * provider that breaks off — the connection dropped after `stopAfter` events. Each event waits for the
 * previous one to reach the socket, so a truncation never discards events already written.
 */
import type { ServerResponse } from 'node:http';

export function writeSseEvents(
  response: ServerResponse,
  events: readonly string[],
  options: { delayMs: number; stopAfter: number | null; requestId: string },
): void {
  const { delayMs, stopAfter } = options;
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': options.requestId });
  if (delayMs <= 0 && stopAfter === null) {
    response.end(events.join(''));
    return;
  }
  let position = 0;
  const writeNext = (): void => {
    if (response.destroyed) return;
    if (stopAfter !== null && position >= stopAfter) {
      response.socket?.destroy();
      return;
    }
    const event = events[position++];
    if (event === undefined) {
      response.end();
      return;
    }
    response.write(event, () => (delayMs > 0 ? setTimeout(writeNext, delayMs) : setImmediate(writeNext)));
  };
  writeNext();
}
