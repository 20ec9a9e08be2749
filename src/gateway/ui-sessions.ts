/**
 * Dashboard logins without typing the admin token: the gateway mints a one-time login token (printed by
 * `understudy serve` and `understudy demo` inside the dashboard URL), the browser exchanges it once at
 * `GET /ui/login` for a session cookie, and the admin API accepts that cookie as it accepts the admin token.
 * Both live only in this process's memory: a restart means a new login link, and nothing here is ever stored.
 * Only SHA-256 digests of the tokens are kept, so a heap dump does not hand out a working session.
 */
import { createHash, randomBytes } from 'node:crypto';

/** The session cookie's name. */
export const uiSessionCookieName = 'understudy_session';
/** How long a login link works (once). */
export const uiLoginTokenTtlMs = 10 * 60_000;
/** How long a dashboard session lasts. */
export const uiSessionTtlMs = 12 * 60 * 60_000;

/** Where a login token is redeemed, relative to the gateway's origin: `/ui/login?token=…`. */
export function uiLoginPath(token: string): string {
  return `/ui/login?token=${encodeURIComponent(token)}`;
}

export interface UiSessions {
  /** A new single-use login token and when it stops working (`uiLoginTokenTtlMs` from now). */
  mintLoginToken(): { token: string; expiresAt: number };
  /** Exchanges a login token for a new session id, once; undefined for an unknown, used or expired token. */
  redeemLoginToken(token: string): string | undefined;
  /** True for a live session. */
  verifySession(sessionId: string | undefined): boolean;
}

export interface CreateUiSessionsOptions {
  /** Clock (tests). */
  now?: () => number;
}

export function createUiSessions(options: CreateUiSessionsOptions = {}): UiSessions {
  const now = options.now ?? Date.now;
  const loginTokens = new Map<string, number>();
  const sessions = new Map<string, number>();

  // Expired entries are dropped whenever the maps are touched, so they stay as small as the live logins.
  function sweep(entries: Map<string, number>, at: number): void {
    for (const [digest, expiresAt] of entries) if (expiresAt <= at) entries.delete(digest);
  }

  return {
    mintLoginToken() {
      const at = now();
      sweep(loginTokens, at);
      const token = randomBytes(24).toString('base64url');
      const expiresAt = at + uiLoginTokenTtlMs;
      loginTokens.set(digestOf(token), expiresAt);
      return { token, expiresAt };
    },

    redeemLoginToken(token) {
      const at = now();
      sweep(loginTokens, at);
      const digest = digestOf(token);
      if (!loginTokens.has(digest)) return undefined;
      loginTokens.delete(digest);
      sweep(sessions, at);
      const sessionId = randomBytes(32).toString('base64url');
      sessions.set(digestOf(sessionId), at + uiSessionTtlMs);
      return sessionId;
    },

    verifySession(sessionId) {
      if (sessionId === undefined || sessionId === '') return false;
      const expiresAt = sessions.get(digestOf(sessionId));
      if (expiresAt === undefined) return false;
      if (expiresAt <= now()) {
        sessions.delete(digestOf(sessionId));
        return false;
      }
      return true;
    },
  };
}

function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
