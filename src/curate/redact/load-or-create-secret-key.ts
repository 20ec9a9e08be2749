/**
 * The one secret behind redaction: it seeds surrogates and keys the encrypted pseudonym store. Taken from
 * `UNDERSTUDY_SECRET_KEY` (base64 of 32 bytes) when set — the way to share it between machines or keep it
 * out of the data directory — else generated once into `<dataDir>/secret.key` (mode 0600, directory 0700).
 * Losing it means surrogates change and stored mappings can no longer be revealed; it is never logged.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UnderstudyError } from '../../contracts/errors.ts';

export const secretKeyVariable = 'UNDERSTUDY_SECRET_KEY';
export const secretKeyFileName = 'secret.key';
const keyLength = 32;

function decodeKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== keyLength || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new UnderstudyError('config_invalid', `${origin} must be the base64 of ${keyLength} random bytes (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

/**
 * Returns the secret key: the environment's when set, else the one in `<dataDir>/secret.key`, creating it
 * (and the directory) on first use. Creation uses an exclusive open, so two processes starting together
 * end up with the same key.
 *
 * @throws UnderstudyError `config_invalid` when the variable or the file does not hold 32 base64 bytes.
 */
export function loadOrCreateSecretKey(dataDir: string, environment: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnvironment = environment[secretKeyVariable];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return decodeKey(fromEnvironment, secretKeyVariable);
  const file = path.join(dataDir, secretKeyFileName);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(keyLength).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // The mode given at creation is masked by the umask; make sure of it.
  chmodSync(file, 0o600);
  return decodeKey(readFileSync(file, 'utf8'), file);
}
