/**
 * Checks gateway API keys on the request path without a database round trip per request: verified keys
 * are cached for `ttlMs` with their limits (so a revocation or a change of limits made by another process —
 * `understudy keys revoke|limits` — takes effect within that time; through this gateway's admin API at once), and
 * unknown keys are remembered briefly so a flood of bad keys cannot hammer the store.
 */
import { UnderstudyError } from '../contracts/errors.ts';
import type { ApiKeyRepository } from '../store/store.ts';

export interface AuthenticatedKey {
  keyId: string;
  projectId: string;
  /** The key's own limits (null: the gateway's defaults); cached with the key, cleared by `forget`. */
  rateLimitPerMinute: number | null;
  maxBodyBytes: number | null;
}

export interface ApiKeyAuthenticator {
  /** Resolves the key in an `Authorization: Bearer …` header value; throws 401 errors. */
  authenticate(authorization: string | undefined): Promise<AuthenticatedKey>;
  /** Forgets a key at once (after a revocation or a change of limits through this process). */
  forget(keyId: string): void;
  /** Writes last-used times, batched. */
  flushUsage(): Promise<void>;
}

interface CacheEntry {
  key: AuthenticatedKey | null;
  checkedAt: number;
}

const maxCacheEntries = 10_000;

export function createApiKeyAuthenticator(apiKeys: ApiKeyRepository, options: { ttlMs?: number } = {}): ApiKeyAuthenticator {
  const ttlMs = options.ttlMs ?? 5_000;
  const cache = new Map<string, CacheEntry>();
  const usedKeyIds = new Set<string>();

  async function lookUp(secret: string, now: number): Promise<AuthenticatedKey | null> {
    const record = await apiKeys.findBySecret(secret);
    const key: AuthenticatedKey | null =
      record && record.revokedAt === null
        ? { keyId: record.id, projectId: record.projectId, rateLimitPerMinute: record.rateLimitPerMinute, maxBodyBytes: record.maxBodyBytes }
        : null;
    if (cache.size >= maxCacheEntries) cache.clear();
    cache.set(secret, { key, checkedAt: now });
    return key;
  }

  /**
   * A store outage (database locked, PostgreSQL restarting) must not lock out keys that were valid a moment ago:
   * the last verdict on a known-good key stands until the store answers again. Unknown keys still fail.
   */
  async function lookUpOrStale(secret: string, now: number, cached: CacheEntry | undefined): Promise<AuthenticatedKey | null> {
    try {
      return await lookUp(secret, now);
    } catch (error) {
      if (cached?.key) return cached.key;
      throw error;
    }
  }

  return {
    async authenticate(authorization) {
      const secret = parseBearer(authorization);
      if (secret === undefined) {
        throw new UnderstudyError('missing_api_key', 'Missing gateway API key: send "Authorization: Bearer <key>" (create one with `understudy keys create`).');
      }
      const now = Date.now();
      const cached = cache.get(secret);
      const key = cached && now - cached.checkedAt < ttlMs ? cached.key : await lookUpOrStale(secret, now, cached);
      if (key === null) throw new UnderstudyError('invalid_api_key', 'Invalid or revoked gateway API key.');
      usedKeyIds.add(key.keyId);
      return key;
    },
    forget(keyId) {
      for (const [secret, entry] of cache) if (entry.key?.keyId === keyId) cache.delete(secret);
    },
    async flushUsage() {
      if (usedKeyIds.size === 0) return;
      const ids = [...usedKeyIds];
      usedKeyIds.clear();
      await apiKeys.markUsed(ids, Date.now());
    },
  };
}

export function parseBearer(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
