/**
 * The store's public surface. Code above the store opens it with `openStore` and uses the repositories; only
 * the store's own files write SQL.
 */
export { openStore } from './open-store.ts';
export { migrateToLatest } from './migrate-to-latest.ts';
export { hashApiKeySecret, apiKeySecretPrefix } from './api-key-repository.ts';
export { SqliteError } from './internal/sqlite-error.ts';
export type {
  ApiKeyRecord,
  ApiKeyRepository,
  CallFilter,
  CallListOptions,
  CallRepository,
  JobOutcome,
  JobRecord,
  JobRepository,
  JobStatus,
  ModelRecord,
  OpenStoreOptions,
  ProjectRecord,
  ProjectRepository,
  ProviderRecord,
  ProviderRepository,
  SettingRepository,
  SpecialistRecord,
  SpecialistRepository,
  TaskRepository,
  RouteRepository,
  ObservationRepository,
  EvaluationRepository,
  Store,
  StoreEngine,
} from './store.ts';
export type { Database } from './database.ts';
