/**
 * Per-key request rate limits as token buckets, in memory: a bucket holds up to `burst` requests and refills
 * continuously at `requestsPerMinute / 60` per second, so a key may send a short burst and then its steady rate,
 * never more. One gateway process, one set of buckets — several gateways behind a balancer each allow the full
 * rate (a shared limiter would cost a network round trip on every request, against the < 1 ms budget).
 */

/** The limit one bucket enforces. */
export interface RateLimit {
  requestsPerMinute: number;
  /** Requests that may be sent at once from a full bucket. */
  burst: number;
}

/** What the limiter decided, with what OpenAI's `x-ratelimit-*-requests` headers say. */
export type RateLimitDecision =
  | { allowed: true; limit: RateLimit; remaining: number }
  | {
      allowed: false;
      limit: RateLimit;
      remaining: 0;
      /** Milliseconds until one request is allowed again. */
      retryAfterMs: number;
      /** Milliseconds until the bucket is full again. */
      resetMs: number;
    };

export interface RateLimiter {
  /** Takes one request from the bucket of `bucketId` (a key id), or says how long to wait. */
  take(bucketId: string, limit: RateLimit): RateLimitDecision;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  requestsPerMinute: number;
  burst: number;
}

const millisecondsPerMinute = 60_000;

/**
 * The burst a limit gets when none is configured: a tenth of a minute's worth (6 s at the steady rate), at
 * least 1. `gateway.rateLimit.burst` overrides it for every key.
 */
export function defaultBurst(requestsPerMinute: number): number {
  return Math.max(1, Math.ceil(requestsPerMinute / 10));
}

/**
 * @param options.maxBuckets buckets kept at most; beyond it the least recently used are dropped (a dropped bucket
 *   starts full again, which is lenient only towards keys idle the longest). Default 10,000.
 * @param options.now the clock, for tests of refill arithmetic.
 */
export function createRateLimiter(options: { maxBuckets?: number; now?: () => number } = {}): RateLimiter {
  const maxBuckets = options.maxBuckets ?? 10_000;
  const now = options.now ?? Date.now;
  // Map iteration follows insertion order: re-inserting on each use keeps the least recently used first.
  const buckets = new Map<string, Bucket>();

  return {
    take(bucketId, limit) {
      const at = now();
      let bucket = buckets.get(bucketId);
      if (bucket !== undefined) buckets.delete(bucketId);
      // A changed limit (PATCH /admin/keys/:id, `understudy keys limits`) starts a fresh, full bucket.
      if (bucket === undefined || bucket.requestsPerMinute !== limit.requestsPerMinute || bucket.burst !== limit.burst) {
        bucket = { tokens: limit.burst, updatedAt: at, requestsPerMinute: limit.requestsPerMinute, burst: limit.burst };
      } else {
        const refill = (Math.max(0, at - bucket.updatedAt) * limit.requestsPerMinute) / millisecondsPerMinute;
        bucket.tokens = Math.min(limit.burst, bucket.tokens + refill);
        bucket.updatedAt = at;
      }
      buckets.set(bucketId, bucket);
      if (buckets.size > maxBuckets) buckets.delete(buckets.keys().next().value!);

      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, limit, remaining: Math.floor(bucket.tokens) };
      }
      const msPerToken = millisecondsPerMinute / limit.requestsPerMinute;
      return {
        allowed: false,
        limit,
        remaining: 0,
        retryAfterMs: Math.ceil((1 - bucket.tokens) * msPerToken),
        resetMs: Math.ceil((limit.burst - bucket.tokens) * msPerToken),
      };
    },
  };
}

/**
 * The headers OpenAI sends about request limits, for a refused request: `Retry-After` in whole seconds (rounded
 * up, so a client that waits that long is let in), `retry-after-ms` (which the official clients prefer), and
 * `x-ratelimit-{limit,remaining,reset}-requests` with the reset written like OpenAI's (`20ms`, `1.5s`, `6m0s`).
 */
export function rateLimitHeaders(decision: Extract<RateLimitDecision, { allowed: false }>): Record<string, string> {
  return {
    'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))),
    'retry-after-ms': String(decision.retryAfterMs),
    'x-ratelimit-limit-requests': String(decision.limit.requestsPerMinute),
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-reset-requests': formatResetDuration(decision.resetMs),
  };
}

/** `20ms`, `1.5s`, `6m0s`: the duration format of OpenAI's `x-ratelimit-reset-*` headers. */
export function formatResetDuration(milliseconds: number): string {
  const rounded = Math.max(0, Math.ceil(milliseconds));
  if (rounded < 1_000) return `${rounded}ms`;
  if (rounded < millisecondsPerMinute) return `${Number((rounded / 1_000).toFixed(3))}s`;
  const minutes = Math.floor(rounded / millisecondsPerMinute);
  const seconds = Number(((rounded % millisecondsPerMinute) / 1_000).toFixed(3));
  return `${minutes}m${seconds}s`;
}
