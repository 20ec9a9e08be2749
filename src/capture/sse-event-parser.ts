/**
 * Incremental Server-Sent Events parser for upstream chat streams. The gateway passes the upstream bytes
 * to the client unchanged and feeds a copy here to log the call, so pieces arrive as the network cuts
 * them: an event, a line, even a UTF-8 character may be split anywhere. Follows the WHATWG
 * `text/event-stream` rules that matter for LLM APIs: `\n`, `\r\n` and `\r` line ends, multi-line `data`,
 * `:` comments (keep-alives), `event:` names (some providers send `event: error`), a leading BOM.
 */

/** One dispatched event. OpenAI ends a stream with `data: [DONE]`, reported as its own kind. */
export type SseEvent = { kind: 'data'; data: string; event: string | null } | { kind: 'done' };

const doneMarker = '[DONE]';

export class SseEventParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private dataLines: string[] = [];
  private eventName: string | null = null;
  private started = false;

  /** Feeds the next piece; returns the events it completed (often none, sometimes several). */
  push(piece: Uint8Array | string): SseEvent[] {
    const text = typeof piece === 'string' ? piece : this.decoder.decode(piece, { stream: true });
    return this.consume(text, false);
  }

  /**
   * Ends the stream: flushes a final line without a line end and dispatches a final event that lacked its
   * blank line. (The spec drops such an event; for logging a truncated stream, keeping it is more useful.)
   */
  end(): SseEvent[] {
    const events = this.consume(this.decoder.decode(), true);
    this.dispatch(events);
    return events;
  }

  private consume(text: string, final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    let buffer = this.buffer + text;
    if (!this.started && buffer.length > 0) {
      this.started = true;
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
    }
    let position = 0;
    // Next known `\n` / `\r` at or after `position`; -1 once none is left, so a stream without `\r`
    // is scanned once per piece, not once per line.
    let lineFeed = -2;
    let carriageReturn = -2;
    while (position < buffer.length) {
      if (lineFeed !== -1 && lineFeed < position) lineFeed = buffer.indexOf('\n', position);
      if (carriageReturn !== -1 && carriageReturn < position) carriageReturn = buffer.indexOf('\r', position);
      let lineEnd: number;
      if (carriageReturn === -1) lineEnd = lineFeed;
      else if (lineFeed === -1) lineEnd = carriageReturn;
      else lineEnd = Math.min(lineFeed, carriageReturn);
      if (lineEnd === -1) break;
      // A `\r` at the very end may be the first half of `\r\n` still in flight.
      if (buffer[lineEnd] === '\r' && lineEnd === buffer.length - 1 && !final) break;
      this.processLine(buffer.slice(position, lineEnd), events);
      position = lineEnd + (buffer[lineEnd] === '\r' && buffer[lineEnd + 1] === '\n' ? 2 : 1);
    }
    this.buffer = buffer.slice(position);
    if (final && this.buffer.length > 0) {
      this.processLine(this.buffer, events);
      this.buffer = '';
    }
    return events;
  }

  private processLine(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(events);
      return;
    }
    if (line.charCodeAt(0) === 0x3a /* ':' comment */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventName = value;
    // `id` and `retry` matter for browser reconnection only.
  }

  private dispatch(events: SseEvent[]): void {
    if (this.dataLines.length === 0) {
      this.eventName = null;
      return;
    }
    const data = this.dataLines.length === 1 ? (this.dataLines[0] ?? '') : this.dataLines.join('\n');
    events.push(data.trim() === doneMarker ? { kind: 'done' } : { kind: 'data', data, event: this.eventName });
    this.dataLines = [];
    this.eventName = null;
  }
}
