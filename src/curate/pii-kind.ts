/**
 * The kinds of personal data and secrets curation looks for. The first ten use the same strings as the
 * simulator's planted kinds so recall can be scored against it; curate defines its own type rather than
 * importing the simulator's so the pipeline never depends on its own test workload.
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
