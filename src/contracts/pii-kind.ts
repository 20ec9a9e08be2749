/**
 * The vocabulary of personal data and secrets, shared by curation (what a detector finds) and the
 * simulator (what it plants), so redaction recall is scored on one set of names without the pipeline
 * depending on its own test workload.
 */
export type PiiKind =
  | 'person_name'
  | 'email'
  | 'phone'
  | 'iban'
  | 'card_number'
  | 'street_address'
  | 'api_key'
  | 'date_of_birth'
  | 'national_id'
  | 'ip_address'
  | 'url_credentials'
  | 'private_key'
  | 'jwt';

/** Every kind, in a stable order (tables, option defaults). */
export const piiKinds: readonly PiiKind[] = [
  'person_name', 'email', 'phone', 'iban', 'card_number', 'street_address', 'api_key', 'date_of_birth',
  'national_id', 'ip_address', 'url_credentials', 'private_key', 'jwt',
];

/** Secrets that a redactor treats alike: a caller asking for `api_key` usually means all of them. */
export const secretKinds: readonly PiiKind[] = ['api_key', 'url_credentials', 'private_key', 'jwt'];

/** The kinds the simulator plants (it writes prefixed keys only, as `api_key`). */
export type PlantedPiiKind = Exclude<PiiKind, 'url_credentials' | 'private_key' | 'jwt'>;
