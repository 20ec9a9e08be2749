/**
 * The redaction contract shared by capture (redact at ingest, in the asynchronous writer), dataset export
 * (redact at export) and reports. A redactor finds personal data and secrets with `detectPii` and replaces
 * them:
 * - `surrogate` (default): a realistic fake value of the same kind and format, the same fake for the same
 *   real value everywhere in one scope (a dataset, or a project at ingest), so a specialist trained on
 *   redacted data sees inputs that look live and learns to copy them;
 * - `placeholder`: `<PERSON_7>`-style tokens, numbered per scope, for analysis.
 * Secrets (API keys, tokens, JWTs, private keys, URL credentials) are never surrogated into anything usable:
 * they always become a placeholder whatever the mode. The real↔surrogate mapping is kept only encrypted: a
 * redactor hands the pairs it created over through `takeNewMappings`, and the pseudonym vault
 * (src/curate/redact/pseudonym-vault.ts) stores the real side as AES-256-GCM ciphertext.
 *
 * `createRedactor` (src/curate/redact/create-redactor.ts) is the implementation.
 */
import type { CallRecord } from '../contracts/call-record.ts';
import type { PiiKind } from '../contracts/pii-kind.ts';

export type RedactionMode = 'surrogate' | 'placeholder';

export interface RedactionStats {
  /** Strings scanned (message contents, tool-call arguments, response texts). */
  stringsScanned: number;
  /** UTF-8 bytes scanned. */
  bytesScanned: number;
  /** Values replaced, by kind (every occurrence counts). */
  replacedByKind: Partial<Record<PiiKind, number>>;
  /** Distinct real values seen in this scope, by kind. */
  distinctByKind: Partial<Record<PiiKind, number>>;
}

/**
 * One real↔replacement pair a redactor created. Person names in surrogate mode are mapped token by token
 * ("Daniel" → "Maria", "Girard" → "Lopez"), so their mappings are per token.
 */
export interface PseudonymMapping {
  kind: PiiKind;
  /**
   * Keyed HMAC of (scope, mode, kind, normalised real value), base64url: finds a stored mapping again without
   * decrypting anything, and cannot be reversed without the secret key.
   */
  digest: string;
  /** What the real value became: a surrogate or a placeholder. */
  surrogate: string;
  /** The real value as first seen; null for secrets, which are never kept, not even encrypted. */
  real: string | null;
}

/** A mapping a scope already has, to seed a new redactor so numbering and collision probing continue as before. */
export type KnownPseudonym = Pick<PseudonymMapping, 'kind' | 'digest' | 'surrogate'>;

export interface Redactor {
  readonly mode: RedactionMode;
  /** The consistency scope: a project id at ingest, a dataset id at export. */
  readonly scope: string;
  /** Redacts one string (plain text or JSON text such as tool arguments; JSON stays valid JSON). */
  redactText(text: string): string;
  /**
   * Redacts every string a model reads or writes in a call — request messages (content strings and parts,
   * tool-call arguments, tool results), tool definitions are left alone, the response's content and tool-call
   * arguments — and returns a new record; the input is not modified. Other fields are kept as they are.
   */
  redactCall(record: CallRecord): CallRecord;
  stats(): RedactionStats;
  /** The mappings created since the last call (each once), for the pseudonym vault. */
  takeNewMappings(): PseudonymMapping[];
}
