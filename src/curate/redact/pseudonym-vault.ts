/**
 * Keeps redactors' real↔replacement pairs so an authorised audit can reveal what a surrogate stood for, and
 * so a redactor started later (another process, a restart) continues a scope's numbering. The real value
 * is encrypted here with AES-256-GCM under a key derived from the secret key, with the scope and digest as
 * associated data (a ciphertext moved to another row fails to decrypt); the store only ever gets ciphertext.
 * Secrets are stored without any real value at all.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { PseudonymRepository } from '../../store/store.ts';
import type { PiiKind } from '../pii-kind.ts';
import type { KnownPseudonym, PseudonymMapping } from '../redactor.ts';
import { deriveRedactionKeys } from './keyed-random.ts';

export interface RevealedPseudonym {
  kind: PiiKind;
  surrogate: string;
  /** The real value; null for secrets, which are never kept. */
  real: string | null;
}

export interface PseudonymVault {
  /** Encrypts and stores new mappings of a scope (pairs already stored are skipped). Returns how many were new. */
  save(scope: string, mappings: readonly PseudonymMapping[]): Promise<number>;
  /** A scope's mappings without their real values: what `createRedactor({ known })` takes. */
  known(scope: string): Promise<KnownPseudonym[]>;
  /**
   * What a replacement stood for — the audit path, the only place real values are decrypted. Person-name
   * surrogates are stored per token: reveal "Maria", then "Lopez".
   */
  reveal(scope: string, surrogate: string): Promise<RevealedPseudonym[]>;
}

const nonceLength = 12;
const tagLength = 16;

/** Creates a vault over the store's pseudonym repository, keyed by the redaction secret key (32 bytes). */
export function createPseudonymVault(options: { repository: PseudonymRepository; secretKey: Uint8Array }): PseudonymVault {
  const { encryption } = deriveRedactionKeys(options.secretKey);
  const { repository } = options;

  function encrypt(scope: string, digest: string, real: string): string {
    const nonce = randomBytes(nonceLength);
    const cipher = createCipheriv('aes-256-gcm', encryption, nonce);
    cipher.setAAD(Buffer.from(`${scope}\u0000${digest}`));
    const ciphertext = Buffer.concat([cipher.update(real, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  function decrypt(scope: string, digest: string, stored: string): string {
    const bytes = Buffer.from(stored, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', encryption, bytes.subarray(0, nonceLength));
      decipher.setAAD(Buffer.from(`${scope}\u0000${digest}`));
      decipher.setAuthTag(bytes.subarray(nonceLength, nonceLength + tagLength));
      return Buffer.concat([decipher.update(bytes.subarray(nonceLength + tagLength)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new UnderstudyError('config_invalid', 'A stored pseudonym cannot be decrypted: the secret key is not the one it was stored with', { cause: error });
    }
  }

  return {
    save(scope, mappings) {
      const createdAt = Date.now();
      return repository.insertMany(
        mappings.map((mapping) => ({
          scope,
          kind: mapping.kind,
          digest: mapping.digest,
          surrogate: mapping.surrogate,
          realCiphertext: mapping.real === null ? null : encrypt(scope, mapping.digest, mapping.real),
          createdAt,
        })),
      );
    },
    async known(scope) {
      return (await repository.listScope(scope)).map((record) => ({ kind: record.kind as PiiKind, digest: record.digest, surrogate: record.surrogate }));
    },
    async reveal(scope, surrogate) {
      return (await repository.findBySurrogate(scope, surrogate)).map((record) => ({
        kind: record.kind as PiiKind,
        surrogate: record.surrogate,
        real: record.realCiphertext === null ? null : decrypt(scope, record.digest, record.realCiphertext),
      }));
    },
  };
}
