/**
 * The one HTTP client every benchmark path uses: an undici `Pool` per target with a single keep-alive
 * connection (the benchmark runs at concurrency 1), timed with `process.hrtime.bigint()` around the whole
 * exchange — request out, status and headers in, body read to its end. Because the direct path and each
 * gateway path use the same client code, the difference between them is the gateway and nothing else.
 */
import { Pool } from 'undici';

export interface TimedTarget {
  /** e.g. `http://127.0.0.1:4141` (no path). */
  origin: string;
  /** e.g. `/v1/chat/completions`. */
  path: string;
  /** Sent with every request (auth, Portkey routing headers); content-type is added here. */
  headers: Record<string, string>;
}

/** A failed exchange is a result, not a throw: the benchmark counts failures per path and reports them. */
export type TimedResult = { ok: true; milliseconds: number } | { ok: false; reason: string };

export type StreamTimedResult =
  | { ok: true; firstTokenMilliseconds: number; totalMilliseconds: number }
  | { ok: false; reason: string };

export interface TimedClient {
  /** One non-streaming request; time from sending to the last byte of the body. */
  timeCompletion(body: string): Promise<TimedResult>;
  /**
   * One streaming request; time to the first SSE `data:` event whose delta carries content (what a user
   * perceives as the first token), and to the end of the stream. The stream must end with `data: [DONE]`.
   */
  timeStream(body: string): Promise<StreamTimedResult>;
  close(): Promise<void>;
}

function elapsedMilliseconds(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e6;
}

/** True when one SSE event (the text between blank lines) is a chunk whose delta has non-empty content. */
function carriesContent(eventText: string): boolean {
  if (!eventText.startsWith('data: ')) return false;
  const payload = eventText.slice('data: '.length).trim();
  if (payload === '[DONE]') return false;
  let chunk: unknown;
  try {
    chunk = JSON.parse(payload);
  } catch {
    return false;
  }
  if (typeof chunk !== 'object' || chunk === null || !('choices' in chunk) || !Array.isArray(chunk.choices)) return false;
  return chunk.choices.some((choice: unknown) => {
    if (typeof choice !== 'object' || choice === null || !('delta' in choice)) return false;
    const delta = choice.delta;
    return typeof delta === 'object' && delta !== null && 'content' in delta && typeof delta.content === 'string' && delta.content.length > 0;
  });
}

export function createTimedClient(target: TimedTarget): TimedClient {
  const pool = new Pool(target.origin, { connections: 1, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
  const headers = { ...target.headers, 'content-type': 'application/json' };

  return {
    async timeCompletion(body) {
      const startedAt = process.hrtime.bigint();
      try {
        const response = await pool.request({ path: target.path, method: 'POST', headers, body });
        const text = await response.body.text();
        const milliseconds = elapsedMilliseconds(startedAt);
        if (response.statusCode !== 200) return { ok: false, reason: `HTTP ${response.statusCode}: ${text.slice(0, 300)}` };
        return { ok: true, milliseconds };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },

    async timeStream(body) {
      const startedAt = process.hrtime.bigint();
      try {
        const response = await pool.request({ path: target.path, method: 'POST', headers, body });
        if (response.statusCode !== 200) {
          const text = await response.body.text();
          return { ok: false, reason: `HTTP ${response.statusCode}: ${text.slice(0, 300)}` };
        }
        let firstTokenMilliseconds: number | null = null;
        let pendingText = '';
        let tail = '';
        for await (const piece of response.body) {
          const text = (piece as Buffer).toString('utf8');
          tail = (tail + text).slice(-64);
          if (firstTokenMilliseconds !== null) continue;
          pendingText += text;
          let boundary = pendingText.indexOf('\n\n');
          while (boundary !== -1) {
            const eventText = pendingText.slice(0, boundary);
            pendingText = pendingText.slice(boundary + 2);
            if (carriesContent(eventText)) {
              firstTokenMilliseconds = elapsedMilliseconds(startedAt);
              break;
            }
            boundary = pendingText.indexOf('\n\n');
          }
        }
        const totalMilliseconds = elapsedMilliseconds(startedAt);
        if (firstTokenMilliseconds === null) return { ok: false, reason: 'the stream carried no content chunk' };
        if (!tail.includes('data: [DONE]')) return { ok: false, reason: 'the stream ended without data: [DONE]' };
        return { ok: true, firstTokenMilliseconds, totalMilliseconds };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },

    close: () => pool.close(),
  };
}
