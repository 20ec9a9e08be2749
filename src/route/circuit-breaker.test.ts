import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.ts';

/** A breaker on a hand-driven clock. */
function setup(options: Omit<CircuitBreakerOptions, 'now'>) {
  let time = 1_000;
  const breaker = createCircuitBreaker({ ...options, now: () => time });
  return {
    breaker,
    advance(milliseconds: number) {
      time += milliseconds;
    },
  };
}

describe('createCircuitBreaker', () => {
  it('starts closed and lets every call through', () => {
    const { breaker } = setup({ failures: 2, cooldownMs: 100 });
    assert.equal(breaker.state(), 'closed');
    for (let call = 0; call < 5; call++) assert.equal(breaker.allow(), true);
  });

  it('opens after the given number of consecutive failures, not before', () => {
    const { breaker } = setup({ failures: 3, cooldownMs: 100 });
    breaker.recordFailure();
    breaker.recordFailure();
    assert.equal(breaker.state(), 'closed');
    assert.equal(breaker.allow(), true);
    breaker.recordFailure();
    assert.equal(breaker.state(), 'open');
    assert.equal(breaker.allow(), false);
  });

  it('a success resets the count of consecutive failures', () => {
    const { breaker } = setup({ failures: 2, cooldownMs: 100 });
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    assert.equal(breaker.state(), 'closed');
    breaker.recordFailure();
    assert.equal(breaker.state(), 'open');
  });

  it('refuses calls until the cooldown has passed, then allows exactly one trial', () => {
    const { breaker, advance } = setup({ failures: 1, cooldownMs: 100 });
    breaker.recordFailure();
    advance(99);
    assert.equal(breaker.state(), 'open');
    assert.equal(breaker.allow(), false);
    advance(1);
    assert.equal(breaker.state(), 'half-open');
    assert.equal(breaker.allow(), true, 'the trial');
    assert.equal(breaker.allow(), false, 'a second call while the trial runs');
    assert.equal(breaker.allow(), false);
    assert.equal(breaker.state(), 'half-open');
  });

  it('state() only reads: looking at a cooled-down breaker does not use up its trial', () => {
    const { breaker, advance } = setup({ failures: 1, cooldownMs: 100 });
    breaker.recordFailure();
    advance(150);
    assert.equal(breaker.state(), 'half-open');
    assert.equal(breaker.state(), 'half-open');
    assert.equal(breaker.allow(), true);
  });

  it('a successful trial closes the breaker', () => {
    const { breaker, advance } = setup({ failures: 2, cooldownMs: 100 });
    breaker.recordFailure();
    breaker.recordFailure();
    advance(100);
    assert.equal(breaker.allow(), true);
    breaker.recordSuccess();
    assert.equal(breaker.state(), 'closed');
    assert.equal(breaker.allow(), true);
    assert.equal(breaker.allow(), true);
    // Closed again with a fresh count: one failure does not reopen a breaker that needs two.
    breaker.recordFailure();
    assert.equal(breaker.state(), 'closed');
  });

  it('a failed trial reopens the breaker for another full cooldown', () => {
    const { breaker, advance } = setup({ failures: 3, cooldownMs: 100 });
    for (let failure = 0; failure < 3; failure++) breaker.recordFailure();
    advance(100);
    assert.equal(breaker.allow(), true);
    advance(40);
    breaker.recordFailure();
    assert.equal(breaker.state(), 'open', 'one failed trial reopens, whatever the failure count');
    advance(99);
    assert.equal(breaker.allow(), false);
    advance(1);
    assert.equal(breaker.allow(), true);
    breaker.recordSuccess();
    assert.equal(breaker.state(), 'closed');
  });

  it('ignores late outcomes of calls let through before it opened, while the cooldown runs', () => {
    const { breaker, advance } = setup({ failures: 1, cooldownMs: 100 });
    assert.equal(breaker.allow(), true);
    assert.equal(breaker.allow(), true);
    breaker.recordFailure();
    advance(50);
    breaker.recordSuccess();
    assert.equal(breaker.state(), 'open', 'a late success does not close it');
    advance(30);
    breaker.recordFailure();
    advance(20);
    assert.equal(breaker.state(), 'half-open', 'a late failure does not stretch the cooldown');
  });

  it('hands out a new trial when the previous one never reported', () => {
    const { breaker, advance } = setup({ failures: 1, cooldownMs: 100, trialTimeoutMs: 30 });
    breaker.recordFailure();
    advance(100);
    assert.equal(breaker.allow(), true);
    advance(29);
    assert.equal(breaker.allow(), false);
    advance(1);
    assert.equal(breaker.allow(), true, 'the lost trial is given up');
    assert.equal(breaker.allow(), false);
  });

  it('the trial lease defaults to the cooldown', () => {
    const { breaker, advance } = setup({ failures: 1, cooldownMs: 100 });
    breaker.recordFailure();
    advance(100);
    assert.equal(breaker.allow(), true);
    advance(99);
    assert.equal(breaker.allow(), false);
    advance(1);
    assert.equal(breaker.allow(), true);
  });

  it('failures: 1 opens on the first failure', () => {
    const { breaker } = setup({ failures: 1, cooldownMs: 10 });
    breaker.recordFailure();
    assert.equal(breaker.allow(), false);
  });

  it('uses a real clock by default', () => {
    const breaker = createCircuitBreaker({ failures: 1, cooldownMs: 60_000 });
    breaker.recordFailure();
    assert.equal(breaker.state(), 'open');
    assert.equal(breaker.allow(), false);
  });

  it('rejects nonsensical options', () => {
    assert.throws(() => createCircuitBreaker({ failures: 0, cooldownMs: 10 }), RangeError);
    assert.throws(() => createCircuitBreaker({ failures: 1.5, cooldownMs: 10 }), RangeError);
    assert.throws(() => createCircuitBreaker({ failures: 1, cooldownMs: -1 }), RangeError);
    assert.throws(() => createCircuitBreaker({ failures: 1, cooldownMs: Number.POSITIVE_INFINITY }), RangeError);
    assert.throws(() => createCircuitBreaker({ failures: 1, cooldownMs: 10, trialTimeoutMs: -5 }), RangeError);
  });
});
