/**
 * Failures the teacher can inject, one per request, so tests and demos see every way a hosted LLM lets a
 * gateway down: error statuses (with `Retry-After` on 429), a request that never answers, a reset
 * connection, a stream that crawls, and an answer cut short.
 */
import type { Random } from '../random.ts';

export type TeacherFaultKind = 'status' | 'hang' | 'reset' | 'slow-stream' | 'truncate';
export const teacherFaultKinds: readonly TeacherFaultKind[] = ['status', 'hang', 'reset', 'slow-stream', 'truncate'];

/** Statuses a hosted provider answers when it is overloaded or failing. */
export type FaultStatus = 500 | 502 | 503 | 429;

/**
 * One failure. `count` limits a fault set with `setFault` to the next N chat requests; without it the fault
 * holds until `setFault(null)`.
 * - `status`: that status and an OpenAI error body; `retryAfter` seconds as `Retry-After` (429 gets 1 by default).
 * - `hang`: read the request and never answer (client timeouts); `close()` still ends it.
 * - `reset`: destroy the connection without answering (ECONNRESET on the client).
 * - `slow-stream`: `chunkDelayMs` (default 1,500) between SSE events; a non-streaming answer waits that long
 *   once per word-sized chunk it would have streamed, capped at 10 chunks.
 * - `truncate`: a non-streaming answer ends with `finish_reason: "length"` and half its content (or broken
 *   tool-call arguments); a stream drops the connection half-way, before `[DONE]`.
 */
export type TeacherFault =
  | { kind: 'status'; status: FaultStatus; retryAfter?: number; count?: number }
  | { kind: 'hang'; count?: number }
  | { kind: 'reset'; count?: number }
  | { kind: 'slow-stream'; chunkDelayMs?: number; count?: number }
  | { kind: 'truncate'; count?: number };

/** Random faults: each chat request fails with probability `rate`, with one of `kinds` (all by default). */
export interface RandomFaults {
  rate: number;
  kinds?: readonly TeacherFaultKind[];
}

export const defaultSlowChunkDelayMs = 1_500;

const faultStatuses: readonly FaultStatus[] = [500, 502, 503, 429];

/** Draws the fault for one request, or null for a healthy answer. */
export function drawRandomFault(faults: RandomFaults | undefined, random: Random): TeacherFault | null {
  if (!faults || faults.rate <= 0 || !random.chance(faults.rate)) return null;
  const kinds = faults.kinds && faults.kinds.length > 0 ? faults.kinds : teacherFaultKinds;
  const kind = random.pick(kinds);
  switch (kind) {
    case 'status': {
      const status = random.pick(faultStatuses);
      return status === 429 ? { kind, status, retryAfter: 1 } : { kind, status };
    }
    case 'slow-stream':
      return { kind, chunkDelayMs: defaultSlowChunkDelayMs };
    default:
      return { kind };
  }
}
