/**
 * The token bucket's arithmetic on a hand-driven clock: a burst, then the steady rate; waits rounded so a client
 * that honours them is let in; a changed limit starts afresh; the map of buckets stays bounded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRateLimiter, defaultBurst, formatResetDuration, rateLimitHeaders, type RateLimitDecision } from './rate-limiter.ts';

function refusal(decision: RateLimitDecision): Extract<RateLimitDecision, { allowed: false }> {
  assert.equal(decision.allowed, false, 'refused');
  return decision as Extract<RateLimitDecision, { allowed: false }>;
}

describe('rate limiter', () => {
  it('allows a burst, then one request per 60/rate seconds, refilled continuously', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ now: () => now });
    const limit = { requestsPerMinute: 6, burst: 3 };
    assert.deepEqual(
      [1, 2, 3].map(() => limiter.take('key_a', limit)).map((decision) => (decision.allowed ? decision.remaining : -1)),
      [2, 1, 0],
    );
    const refused = refusal(limiter.take('key_a', limit));
    assert.equal(refused.retryAfterMs, 10_000, '6 per minute: one every 10 s');
    assert.equal(refused.resetMs, 30_000, 'three tokens to full');
    now += 4_000;
    assert.equal(refusal(limiter.take('key_a', limit)).retryAfterMs, 6_000, 'refill is continuous, not per window');
    now += 6_000;
    assert.equal(limiter.take('key_a', limit).allowed, true);
    assert.equal(limiter.take('key_a', limit).allowed, false);
    // Idle for long, the bucket holds its burst and no more.
    now += 10 * 60_000;
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.take('key_a', limit).allowed), [true, true, true, false]);
    assert.equal(limiter.take('key_b', limit).allowed, true, 'each key has its own bucket');
  });

  it('starts a fresh bucket when the limit changes', () => {
    const now = 5_000;
    const limiter = createRateLimiter({ now: () => now });
    assert.equal(limiter.take('key_a', { requestsPerMinute: 1, burst: 1 }).allowed, true);
    assert.equal(limiter.take('key_a', { requestsPerMinute: 1, burst: 1 }).allowed, false);
    assert.equal(limiter.take('key_a', { requestsPerMinute: 600, burst: 60 }).allowed, true);
  });

  it('keeps at most maxBuckets, dropping the least recently used', () => {
    const now = 0;
    const limiter = createRateLimiter({ now: () => now, maxBuckets: 2 });
    const limit = { requestsPerMinute: 1, burst: 1 };
    limiter.take('a', limit);
    limiter.take('b', limit);
    assert.equal(limiter.take('a', limit).allowed, false, 'a is remembered, and now the most recent');
    limiter.take('c', limit); // drops b, the least recently used
    assert.equal(limiter.take('a', limit).allowed, false, 'a was kept');
    assert.equal(limiter.take('b', limit).allowed, true, 'b was dropped and starts full');
  });

  it('writes OpenAI-style headers: whole seconds rounded up, durations like 20ms, 1.5s, 6m0s', () => {
    const headers = rateLimitHeaders({ allowed: false, limit: { requestsPerMinute: 10, burst: 1 }, remaining: 0, retryAfterMs: 1_200, resetMs: 1_500 });
    assert.deepEqual(headers, {
      'retry-after': '2',
      'retry-after-ms': '1200',
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '1.5s',
    });
    assert.equal(rateLimitHeaders({ allowed: false, limit: { requestsPerMinute: 600, burst: 1 }, remaining: 0, retryAfterMs: 20, resetMs: 20 })['retry-after'], '1');
    assert.deepEqual([20, 999.2, 1_000, 59_999, 60_000, 360_000, 61_500].map(formatResetDuration), ['20ms', '1s', '1s', '59.999s', '1m0s', '6m0s', '1m1.5s']);
    assert.deepEqual([1, 3, 10, 11, 600].map(defaultBurst), [1, 1, 1, 2, 60]);
  });
});
