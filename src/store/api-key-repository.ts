/**
 * Gateway API keys. A secret is `usk_` followed by 40 base62 characters (≈ 238 random bits); the store keeps
 * only its SHA-256 and its first 12 characters. A fast unsalted hash is enough here: the secret is random and
 * long, so there is no dictionary to try, and authentication must cost microseconds on every request.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { UnderstudyError } from '../contracts/errors.ts';
import type { ApiKeyTable, Database } from './database.ts';
import { chunk } from './internal/chunk.ts';
import { randomBase62 } from './internal/random-base62.ts';
import { createProjectRepository } from './project-repository.ts';
import type { ApiKeyLimits, ApiKeyRecord, ApiKeyRepository } from './store.ts';

export const apiKeySecretPrefix = 'usk_';
const secretRandomLength = 40;
/** `usk_` plus 8 random characters: tells keys apart in a list, useless for authenticating (190 bits remain). */
const displayPrefixLength = 12;
/** Shortest prefix `revoke` accepts (`usk_` + 4), so a stray `usk_` cannot pick a key by accident. */
const shortestRevokePrefix = apiKeySecretPrefix.length + 4;
const idsPerStatement = 500;

/** Lowercase hex SHA-256 of a secret: the only form in which a secret is stored or looked up. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function createApiKeyRepository(db: Kysely<Database>): ApiKeyRepository {
  return {
    async create(input: { projectId: string; name: string } & ApiKeyLimits): Promise<{ record: ApiKeyRecord; secret: string }> {
      const secret = apiKeySecretPrefix + randomBase62(secretRandomLength);
      const row: ApiKeyTable = {
        id: `key_${randomBase62(16)}`,
        project_id: input.projectId,
        name: input.name,
        prefix: secret.slice(0, displayPrefixLength),
        secret_hash: hashApiKeySecret(secret),
        created_at: Date.now(),
        revoked_at: null,
        last_used_at: null,
        rate_limit_per_minute: checkedLimit(input.rateLimitPerMinute, 'rateLimitPerMinute') ?? null,
        max_body_bytes: checkedLimit(input.maxBodyBytes, 'maxBodyBytes') ?? null,
      };
      await db.transaction().execute(async (transaction) => {
        await createProjectRepository(transaction).ensure(input.projectId);
        await transaction.insertInto('api_keys').values(row).execute();
      });
      return { record: fromApiKeyRow(row), secret };
    },

    async findBySecret(secret: string): Promise<ApiKeyRecord | undefined> {
      const row = await db.selectFrom('api_keys').selectAll().where('secret_hash', '=', hashApiKeySecret(secret)).executeTakeFirst();
      return row === undefined ? undefined : fromApiKeyRow(row);
    },

    async list(filter: { projectId?: string; includeRevoked?: boolean } = {}): Promise<ApiKeyRecord[]> {
      let query = db.selectFrom('api_keys').selectAll();
      if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
      if (filter.includeRevoked !== true) query = query.where('revoked_at', 'is', null);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(fromApiKeyRow);
    },

    /**
     * Accepts a key id, the full secret, or a prefix (see `findOneKey`). Revoking a revoked key returns it unchanged,
     * keeping the first revocation time.
     * @throws UnderstudyError `invalid_request` when a prefix matches more than one key.
     */
    async revoke(idOrPrefix: string): Promise<ApiKeyRecord | undefined> {
      return db.transaction().execute(async (transaction) => {
        const match = await findOneKey(transaction, idOrPrefix);
        if (match === undefined) return undefined;
        if (match.revoked_at !== null) return fromApiKeyRow(match);
        const revokedAt = Date.now();
        await transaction.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', match.id).execute();
        return fromApiKeyRow({ ...match, revoked_at: revokedAt });
      });
    },

    /**
     * Finds the key like `revoke` does. Takes effect in running gateways within the authenticator's cache time
     * (at once through the admin API, which clears the cache).
     * @throws UnderstudyError `invalid_request` when a prefix matches more than one key, or a limit is not a positive integer.
     */
    async setLimits(idOrPrefix: string, limits: ApiKeyLimits): Promise<ApiKeyRecord | undefined> {
      const changes: Partial<Pick<ApiKeyTable, 'rate_limit_per_minute' | 'max_body_bytes'>> = {};
      const rateLimit = checkedLimit(limits.rateLimitPerMinute, 'rateLimitPerMinute');
      const maxBody = checkedLimit(limits.maxBodyBytes, 'maxBodyBytes');
      if (rateLimit !== undefined) changes.rate_limit_per_minute = rateLimit;
      if (maxBody !== undefined) changes.max_body_bytes = maxBody;
      return db.transaction().execute(async (transaction) => {
        const match = await findOneKey(transaction, idOrPrefix);
        if (match === undefined) return undefined;
        if (Object.keys(changes).length > 0) await transaction.updateTable('api_keys').set(changes).where('id', '=', match.id).execute();
        return fromApiKeyRow({ ...match, ...changes });
      });
    },

    /** Moves `lastUsedAt` forward only, so a late, out-of-order flush never makes a key look less recently used. */
    async markUsed(ids: readonly string[], at: number): Promise<void> {
      const usedAt = Math.round(at);
      for (const idChunk of chunk([...new Set(ids)], idsPerStatement)) {
        await db
          .updateTable('api_keys')
          .set({ last_used_at: usedAt })
          .where('id', 'in', idChunk)
          .where((builder) => builder.or([builder('last_used_at', 'is', null), builder('last_used_at', '<', usedAt)]))
          .execute();
      }
    },
  };
}

/**
 * The one key that `idOrPrefix` names: a key id, the full secret, or a leading part of the 12-character prefix
 * shown by `list` (at least `usk_` + 4 characters; anything longer than 12 characters must be the whole secret).
 * @throws UnderstudyError `invalid_request` when a prefix matches more than one key.
 */
async function findOneKey(db: Kysely<Database>, idOrPrefix: string): Promise<ApiKeyTable | undefined> {
  let matches = await db.selectFrom('api_keys').selectAll().where('id', '=', idOrPrefix).execute();
  if (matches.length === 0 && idOrPrefix.startsWith(apiKeySecretPrefix) && idOrPrefix.length >= shortestRevokePrefix) {
    const byPrefix = db.selectFrom('api_keys').selectAll();
    matches =
      idOrPrefix.length > displayPrefixLength
        ? await byPrefix.where('secret_hash', '=', hashApiKeySecret(idOrPrefix)).execute()
        : await byPrefix
            .where((builder) => builder(builder.fn('substr', ['prefix', builder.lit(1), builder.lit(idOrPrefix.length)]), '=', idOrPrefix))
            .execute();
  }
  const [match, ...others] = matches;
  if (others.length > 0) {
    throw new UnderstudyError('invalid_request', `"${idOrPrefix}" matches ${matches.length} keys; give a longer prefix or the key id`, {
      param: 'key',
    });
  }
  return match;
}

/** A limit must be a positive whole number; null clears it, undefined leaves it alone. */
function checkedLimit(value: number | null | undefined, name: string): number | null | undefined {
  if (value === undefined || value === null) return value;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new UnderstudyError('invalid_request', `${name} must be a positive whole number or null, not ${value}.`, { param: name });
  }
  return value;
}

function fromApiKeyRow(row: ApiKeyTable): ApiKeyRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    // Number(): a bigint column may come back as text from a PostgreSQL pool without our type parsers.
    rateLimitPerMinute: row.rate_limit_per_minute === null ? null : Number(row.rate_limit_per_minute),
    maxBodyBytes: row.max_body_bytes === null ? null : Number(row.max_body_bytes),
  };
}
