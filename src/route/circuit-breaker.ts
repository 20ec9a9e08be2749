/**
 * Stops sending calls to a specialist that keeps failing (crashed server, model not loaded, every call timing
 * out), so the agent gets the LLM's answer at once instead of waiting out each timeout first; the router
 * reports such calls as `specialist_down`. One breaker per specialist, in memory: it guards one process's
 * view of the engine, and a restart starting closed is the right default.
 *
 * States: `closed` lets every call through and counts consecutive failures; at `failures` it opens. `open`
 * refuses every call until `cooldownMs` have passed, then it is `half-open`: exactly one trial call goes
 * through at a time. The trial's success closes the breaker; its failure reopens it for another cooldown.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker; an integer ≥ 1. */
  failures: number;
  /** How long the breaker stays open before a trial call; ≥ 0. */
  cooldownMs: number;
  /**
   * How long a half-open trial may run without a reported outcome before another trial is handed out; default
   * `cooldownMs`. Set it to the route's timeout so a trial lost by its caller frees the slot promptly.
   */
  trialTimeoutMs?: number;
  /** Milliseconds from a monotonic clock; default `performance.now` (wall-clock jumps must not reopen or close it). */
  now?: () => number;
}

export interface CircuitBreaker {
  /**
   * Whether a call may go to the specialist now. In half-open, a true answer hands out the one trial: the
   * caller must report its outcome with `recordSuccess` or `recordFailure`.
   */
  allow(): boolean;
  recordSuccess(): void;
  recordFailure(): void;
  /** The state as of now (an open breaker whose cooldown has passed reads `half-open`); changes nothing. */
  state(): CircuitState;
}

/**
 * Rules for outcomes that arrive out of turn:
 * - while open (cooldown running), outcomes of calls let through before it opened are ignored: a late success
 *   says nothing about the engine now, and a late failure must not stretch the cooldown;
 * - in half-open, any success closes and any failure reopens (the trial's outcome, or a late one: both are news);
 * - a trial whose outcome never comes (the caller was aborted) is given up after `trialTimeoutMs`, and the
 *   next `allow()` hands out a new trial, so a lost report cannot keep the breaker from ever closing.
 *
 * @example
 * const breaker = createCircuitBreaker({ failures: 3, cooldownMs: 30_000 });
 * if (!breaker.allow()) return escalate('specialist_down');
 * try { const result = await engine.complete(request); breaker.recordSuccess(); }
 * catch (error) { breaker.recordFailure(); return escalate('specialist_error'); }
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { failures, cooldownMs } = options;
  if (!Number.isInteger(failures) || failures < 1) throw new RangeError(`failures must be an integer ≥ 1, got ${failures}`);
  if (!Number.isFinite(cooldownMs) || cooldownMs < 0) throw new RangeError(`cooldownMs must be a finite number ≥ 0, got ${cooldownMs}`);
  const trialTimeoutMs = options.trialTimeoutMs ?? cooldownMs;
  if (!Number.isFinite(trialTimeoutMs) || trialTimeoutMs < 0) throw new RangeError(`trialTimeoutMs must be a finite number ≥ 0, got ${trialTimeoutMs}`);
  const now = options.now ?? (() => performance.now());

  let consecutiveFailures = 0;
  /** When the breaker last opened; null while closed. */
  let openedAt: number | null = null;
  /** When the current half-open trial was handed out; null when none is in flight. */
  let trialStartedAt: number | null = null;

  function currentState(): CircuitState {
    if (openedAt === null) return 'closed';
    return trialStartedAt !== null || now() - openedAt >= cooldownMs ? 'half-open' : 'open';
  }

  function open(): void {
    openedAt = now();
    trialStartedAt = null;
  }

  return {
    allow() {
      const state = currentState();
      if (state === 'closed') return true;
      if (state === 'open') return false;
      const time = now();
      if (trialStartedAt !== null && time - trialStartedAt < trialTimeoutMs) return false;
      trialStartedAt = time;
      return true;
    },
    recordSuccess() {
      const state = currentState();
      if (state === 'open') return;
      consecutiveFailures = 0;
      openedAt = null;
      trialStartedAt = null;
    },
    recordFailure() {
      const state = currentState();
      if (state === 'open') return;
      if (state === 'half-open') {
        open();
        return;
      }
      consecutiveFailures += 1;
      if (consecutiveFailures >= failures) open();
    },
    state: currentState,
  };
}
