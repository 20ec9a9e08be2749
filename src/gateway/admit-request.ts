/**
 * The door every `/v1/*` request passes, in the order that keeps refusals cheap: the gateway key (headers only),
 * then the key's rate limit, then the body, read under the key's body limit. A refused request is answered before
 * its body is read (the error handler then closes the connection, see `hasUnreadBody`), so a flood costs neither
 * bandwidth nor parsing.
 */
import type { Context } from 'hono';
import { UnderstudyError } from '../contracts/errors.ts';
import { defaultProjectId, type GatewayContext } from './gateway-context.ts';
import { createRateLimiter, defaultBurst, rateLimitHeaders, type RateLimiter } from './rate-limiter.ts';
import { readBodyText } from './request-body.ts';

/** Who sent an admitted request, and its body. */
export interface Admission {
  projectId: string;
  /** Null when `gateway.requireApiKey` is false. */
  keyId: string | null;
  /** The body as text ('' when there is none), read within the key's limit. */
  bodyText: string;
}

/** Without keys (`requireApiKey: false`) every request shares this one bucket. */
const sharedBucketId = '*';

// One limiter per gateway: made on first use, gone with the context (tests run many gateways in one process).
const limiters = new WeakMap<GatewayContext, RateLimiter>();

/**
 * Authenticates the request, applies its key's rate limit and reads its body under its key's body limit.
 * @throws UnderstudyError `missing_api_key` / `invalid_api_key` (401), `rate_limited` (429, with `Retry-After` and
 *   `x-ratelimit-*` headers set on `c`), `request_too_large` (413).
 */
export async function admitRequest(context: GatewayContext, c: Context): Promise<Admission> {
  const gateway = context.config.gateway;
  const key = context.authenticator ? await context.authenticator.authenticate(c.req.header('authorization')) : null;

  const requestsPerMinute = key?.rateLimitPerMinute ?? gateway.rateLimit.requestsPerMinute;
  if (requestsPerMinute !== undefined) {
    let limiter = limiters.get(context);
    if (limiter === undefined) limiters.set(context, (limiter = createRateLimiter()));
    const limit = { requestsPerMinute, burst: gateway.rateLimit.burst ?? defaultBurst(requestsPerMinute) };
    const decision = limiter.take(key?.keyId ?? sharedBucketId, limit);
    if (!decision.allowed) {
      // Set on the context, the error handler's response carries them.
      for (const [name, value] of Object.entries(rateLimitHeaders(decision))) c.header(name, value);
      const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new UnderstudyError(
        'rate_limited',
        `Rate limit reached: this gateway key may send ${requestsPerMinute} requests per minute (bursts of ${limit.burst}). Retry in ${retryAfterSeconds} s.`,
      );
    }
  }

  const bodyLimitBytes = Math.min(key?.maxBodyBytes ?? Number.POSITIVE_INFINITY, gateway.bodyLimitBytes);
  const bodyText = await readBodyText(c.req.raw, bodyLimitBytes);
  return { projectId: key?.projectId ?? defaultProjectId, keyId: key?.keyId ?? null, bodyText };
}
