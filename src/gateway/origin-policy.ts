/**
 * Which browser origins may talk to the gateway. Closed by default: no response carries
 * `Access-Control-Allow-Origin`, a preflight from any origin is refused, and a request to `/v1/*` or `/admin/*`
 * that carries a foreign `Origin` is refused before it runs — a cross-site page can send a "simple" POST
 * (`text/plain` body, no preflight) and, although it could not read the answer, the call would still be made.
 * Requests without `Origin` (servers, SDKs, curl) and same-origin ones (the dashboard at `/ui`) pass.
 *
 * Origins in `gateway.cors.allowedOrigins` (`*`: any) get CORS headers on `/v1/*` only; the admin API and the
 * dashboard stay same-origin whatever the list says. Hand-written rather than `hono/cors`: that middleware
 * answers a refused preflight with 204 and no body, allows headers only by exact name, and has no notion of
 * refusing a non-preflight request.
 */
import type { MiddlewareHandler } from 'hono';
import type { CorsConfig } from '../contracts/config.ts';
import { UnderstudyError } from '../contracts/errors.ts';
import { routingHeaderNames } from '../contracts/route-policy.ts';

/** Request headers a browser may send cross-site: the OpenAI clients' own, and our tags. */
const allowedRequestHeaders = new Set(['authorization', 'content-type', 'accept', 'openai-organization', 'openai-project', 'openai-beta']);
const allowedRequestHeaderPrefixes = ['x-understudy-', 'x-stainless-'];

/** Response headers a cross-site page may read: the call id, the route taken, the rate limits. */
const exposedResponseHeaders = [
  'x-understudy-call-id',
  ...Object.values(routingHeaderNames),
  'x-request-id',
  'retry-after',
  'retry-after-ms',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
].join(', ');

const preflightMaxAgeSeconds = '600';

/**
 * Middleware for the whole app; see the file comment for the policy.
 * @throws UnderstudyError `origin_not_allowed` (403) for a refused preflight or cross-site request.
 */
export function createOriginPolicy(cors: CorsConfig): MiddlewareHandler {
  const allowsAny = cors.allowedOrigins.includes('*');
  const allowed = new Set(cors.allowedOrigins.filter((origin) => origin !== '*').map(normaliseOrigin));

  return async function applyOriginPolicy(c, next) {
    const origin = c.req.header('origin');
    if (origin === undefined) return next();
    const path = c.req.path;
    const mayUseCors = isUnder(path, '/v1') && (allowsAny || allowed.has(normaliseOrigin(origin)));
    const allowOrigin = allowsAny ? '*' : origin;

    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined) {
      if (!mayUseCors) throw refused(origin, path);
      const requested = (c.req.header('access-control-request-headers') ?? '').split(',').map((name) => name.trim().toLowerCase());
      const headers: Record<string, string> = {
        'access-control-allow-origin': allowOrigin,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': ['authorization', 'content-type', ...requested.filter(isAllowedRequestHeader)]
          .filter((name, index, names) => names.indexOf(name) === index)
          .join(', '),
        'access-control-max-age': preflightMaxAgeSeconds,
        vary: 'Origin, Access-Control-Request-Headers',
      };
      return c.body(null, 204, headers);
    }

    if (mayUseCors) {
      await next();
      c.header('access-control-allow-origin', allowOrigin);
      c.header('access-control-expose-headers', exposedResponseHeaders);
      if (!allowsAny) c.header('vary', 'Origin', { append: true });
      return;
    }
    if ((isUnder(path, '/v1') || isUnder(path, '/admin')) && !isSameOrigin(origin, c.req.header('host'))) throw refused(origin, path);
    return next();
  };
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

function isAllowedRequestHeader(name: string): boolean {
  return allowedRequestHeaders.has(name) || allowedRequestHeaderPrefixes.some((prefix) => name.startsWith(prefix));
}

/**
 * Whether the page that sent `Origin` was served by this gateway: its host (name and port) is the one the request
 * was sent to. The scheme is not compared, so a gateway behind a TLS-terminating proxy still knows its dashboard.
 */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false; // `null` (sandboxed frames, file://) and anything unparseable is foreign.
  }
}

/** `https://App.Example.com:443/` and `https://app.example.com` are one origin. */
function normaliseOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

function refused(origin: string, path: string): UnderstudyError {
  const where = isUnder(path, '/v1') ? 'Add it to gateway.cors.allowedOrigins to allow browser calls to /v1.' : 'The admin API and dashboard are same-origin only.';
  return new UnderstudyError('origin_not_allowed', `Requests from the origin '${origin}' are not allowed. ${where}`);
}
