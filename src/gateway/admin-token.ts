/**
 * The admin token guards the admin API (and later the dashboard) whatever the bind address. It comes from
 * UNDERSTUDY_ADMIN_TOKEN, or is generated on first start and stored only as a SHA-256 hash: the plain
 * token is shown once. `understudy admin-token --rotate` replaces it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SettingRepository } from '../store/store.ts';

const settingKey = 'admin_token_sha256';

export interface AdminTokenState {
  /** Verifies a presented token in constant time. */
  verify(token: string | undefined): boolean;
  /** The plain token when it was generated just now (to print once), else null. */
  generated: string | null;
}

export async function loadAdminToken(settings: SettingRepository, fromEnvironment: string | undefined): Promise<AdminTokenState> {
  if (fromEnvironment) return { verify: createVerifier(hashToken(fromEnvironment)), generated: null };
  const stored = await settings.get(settingKey);
  if (stored) return { verify: createVerifier(stored), generated: null };
  const generated = await rotateAdminToken(settings);
  return { verify: createVerifier(hashToken(generated)), generated };
}

/** Creates a new admin token, stores its hash and returns the plain token (shown once). */
export async function rotateAdminToken(settings: SettingRepository): Promise<string> {
  const token = `usa_${randomBytes(24).toString('base64url')}`;
  await settings.set(settingKey, hashToken(token));
  return token;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function createVerifier(expectedHash: string): (token: string | undefined) => boolean {
  const expected = Buffer.from(expectedHash, 'hex');
  return (token) => {
    if (!token) return false;
    const actual = Buffer.from(hashToken(token), 'hex');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  };
}
