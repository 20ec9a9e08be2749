/**
 * The store's public contract. `openStore` (open-store.ts) returns one of these for either engine:
 * embedded SQLite (better-sqlite3 in a worker thread, WAL) or PostgreSQL. Everything above the store
 * talks to these repositories, never to SQL.
 */
import type { Kysely } from 'kysely';
import type { CallRecord, CallSource, CallStatus } from '../contracts/call-record.ts';
import type { ObservationKind, RouteEvent, RouteObservation, RoutePolicy } from '../contracts/route-policy.ts';
import type { StoredEvaluation } from '../contracts/dashboard-api.ts';
import type { KnownTask } from '../contracts/task-signature.ts';
import type { SharedPromptContext } from '../contracts/shared-prompt-context.ts';
import type { Database, JobStatus } from './database.ts';

export type { JobStatus };

export type StoreEngine = 'sqlite' | 'postgres';

export interface CallFilter {
  projectId?: string;
  episodeId?: string;
  task?: string;
  status?: CallStatus;
  source?: CallSource;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
}

export interface CallListOptions extends CallFilter {
  limit: number;
  offset?: number;
  /** Newest first by default. */
  order?: 'asc' | 'desc';
}

export interface CallRepository {
  /** Inserts calls in one transaction; a call whose id is already stored is skipped. Returns how many were new. */
  insertMany(records: readonly CallRecord[]): Promise<number>;
  get(id: string): Promise<CallRecord | undefined>;
  list(options: CallListOptions): Promise<CallRecord[]>;
  count(filter?: CallFilter): Promise<number>;
  /** Totals for reports: calls, tokens and cost. */
  summarize(filter?: CallFilter): Promise<{ calls: number; tokensIn: number; tokensOut: number; costUsd: number }>;
  /**
   * Records which stored task discovery placed each call in (`CallRecord.discoveredTask`), in batches; `task: null`
   * clears a call discovery looked at and placed in no task. Calls not listed keep what they had (a report over one
   * project or window leaves the rest alone); unknown ids are ignored; a call listed twice takes its last entry.
   * Returns how many calls changed.
   */
  assignDiscoveredTasks(assignments: readonly DiscoveredTaskAssignment[]): Promise<number>;
}

/** One call's place in a discovery: the stored id of its task, or null for none. */
export interface DiscoveredTaskAssignment {
  callId: string;
  task: string | null;
}

export interface ApiKeyRecord {
  id: string;
  projectId: string;
  name: string;
  /** First characters of the secret, shown in lists so people can tell keys apart. Never enough to use. */
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
  /** Requests per minute this key may send; null: the gateway's `gateway.rateLimit` applies (unlimited when unset). */
  rateLimitPerMinute: number | null;
  /** Largest request body this key may send, never above `gateway.bodyLimitBytes`; null: that limit alone. */
  maxBodyBytes: number | null;
}

/** A key's own limits; null clears one (back to the gateway's default), an absent field leaves it as it is. */
export interface ApiKeyLimits {
  rateLimitPerMinute?: number | null;
  maxBodyBytes?: number | null;
}

export interface ApiKeyRepository {
  /** Creates a key for a project (creating the project if new). The secret is returned once and stored only as a hash. */
  create(input: { projectId: string; name: string } & ApiKeyLimits): Promise<{ record: ApiKeyRecord; secret: string }>;
  /** Looks a presented secret up by its hash. Revoked keys are returned too (callers check `revokedAt`). */
  findBySecret(secret: string): Promise<ApiKeyRecord | undefined>;
  list(filter?: { projectId?: string; includeRevoked?: boolean }): Promise<ApiKeyRecord[]>;
  /** Revokes by id or by unique prefix. Returns the revoked key, or undefined when none matched. */
  revoke(idOrPrefix: string): Promise<ApiKeyRecord | undefined>;
  /** Changes a key's limits (by id or unique prefix, like `revoke`). Returns the updated key, or undefined when none matched. */
  setLimits(idOrPrefix: string, limits: ApiKeyLimits): Promise<ApiKeyRecord | undefined>;
  markUsed(ids: readonly string[], at: number): Promise<void>;
}

export interface ProjectRecord {
  id: string;
  name: string;
  createdAt: number;
}

export interface ProjectRepository {
  ensure(id: string, name?: string): Promise<ProjectRecord>;
  list(): Promise<ProjectRecord[]>;
}

export interface ProviderRecord {
  name: string;
  baseUrl: string;
  /** Name of the environment variable that holds the key — never the key itself. */
  apiKeyEnv: string | null;
  updatedAt: number;
}

export interface ModelRecord {
  name: string;
  providerName: string;
  inputPerMillion: number | null;
  outputPerMillion: number | null;
  priceSource: string | null;
  updatedAt: number;
}

export interface ProviderRepository {
  /** Mirrors the configured providers and their models into the store (for reports and the dashboard). */
  sync(providers: readonly ProviderRecord[], models: readonly ModelRecord[]): Promise<void>;
  listProviders(): Promise<ProviderRecord[]>;
  listModels(): Promise<ModelRecord[]>;
}

export interface SettingRepository {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/** A stored pseudonym: the row as the vault wrote it; the real value is ciphertext or absent. */
export interface PseudonymRecord {
  scope: string;
  kind: string;
  digest: string;
  surrogate: string;
  /** Opaque to the store: AES-256-GCM output of the pseudonym vault (src/curate/redact), or null for secrets. */
  realCiphertext: string | null;
  createdAt: number;
}

/**
 * Where redactors' mappings are kept. It stores and returns rows as given and never encrypts, decrypts or
 * sees a key: the pseudonym vault in curate does that, so the store holds ciphertext only.
 */
export interface PseudonymRepository {
  /** Inserts rows; a row whose (scope, digest) is already stored is skipped. Returns how many were new. */
  insertMany(records: readonly PseudonymRecord[]): Promise<number>;
  /** Every row of a scope, oldest first: seeds a redactor so numbering and probing continue across restarts. */
  listScope(scope: string): Promise<PseudonymRecord[]>;
  /** Rows whose replacement is `surrogate` (normally one), for an audit's reveal. */
  findBySurrogate(scope: string, surrogate: string): Promise<PseudonymRecord[]>;
  findByDigest(scope: string, digest: string): Promise<PseudonymRecord | undefined>;
}

export interface JobRecord {
  id: string;
  kind: string;
  status: JobStatus;
  /** The job's spec as enqueued (JSON); its kind's code validates it. */
  spec: unknown;
  progress: unknown;
  result: unknown;
  error: string | null;
  workerId: string | null;
  attempts: number;
  cancelRequested: boolean;
  createdAt: number;
  startedAt: number | null;
  heartbeatAt: number | null;
  finishedAt: number | null;
}

export type JobOutcome = { status: 'succeeded'; result: unknown } | { status: 'failed'; error: string } | { status: 'cancelled'; error?: string };

/**
 * The job queue. Any number of workers, on any machines sharing the store, claim jobs: on PostgreSQL with
 * `SELECT … FOR UPDATE SKIP LOCKED` so two workers never take the same row, on SQLite under its single
 * writer lock. Every state change is a compare-and-set on (id, status, worker), so a worker that lost its
 * claim (it was presumed dead and the job went to another) cannot overwrite the new owner's row.
 */
export interface JobRepository {
  enqueue(input: { kind: string; spec: unknown }): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Newest first. */
  list(filter?: { status?: JobStatus; kind?: string; limit?: number }): Promise<JobRecord[]>;
  /**
   * Takes the oldest queued job of one of `kinds`, or else a running one whose heartbeat is older than
   * `staleAfterMs` (its worker died: the job resumes from its checkpoints), and marks it running for
   * `workerId`. Undefined when there is nothing to do.
   */
  claimNext(input: { workerId: string; kinds: readonly string[]; staleAfterMs: number; now?: number }): Promise<JobRecord | undefined>;
  /** Records progress and proves life. `owned: false` means the job is no longer this worker's: stop. */
  heartbeat(id: string, workerId: string, progress: unknown): Promise<{ owned: boolean; cancelRequested: boolean }>;
  /** Ends a running job owned by `workerId`; false when it no longer owns it. */
  finish(id: string, workerId: string, outcome: JobOutcome): Promise<boolean>;
  /** A queued job is cancelled at once; a running one is flagged and its worker stops at its next heartbeat. */
  requestCancel(id: string): Promise<JobRecord | undefined>;
}

export interface SpecialistRecord {
  id: string;
  task: string;
  name: string;
  status: 'ready' | 'retired';
  baseModel: string;
  adapterPath: string | null;
  adapterHfDir: string | null;
  promptFormat: 'chat-template' | 'task-prompt';
  /** The system prompt and tools it was trained without (specialist-prompt.ts); null: it sees whole prompts. */
  promptContext: SharedPromptContext | null;
  datasetVersion: string | null;
  jobId: string | null;
  metrics: unknown;
  createdAt: number;
}

export interface SpecialistRepository {
  /** Registers a specialist; an existing id is an error (ids are never reused). */
  register(record: SpecialistRecord): Promise<void>;
  get(id: string): Promise<SpecialistRecord | undefined>;
  /** Newest first; `ready` only unless `includeRetired`. */
  list(filter?: { task?: string; includeRetired?: boolean }): Promise<SpecialistRecord[]>;
  setStatus(id: string, status: SpecialistRecord['status']): Promise<boolean>;
}

/** Known tasks (see `KnownTask`): what discovery found, kept so the router and the loop need not rediscover. */
export interface TaskRepository {
  /** Inserts or replaces each task by id. */
  upsert(tasks: readonly KnownTask[]): Promise<void>;
  get(id: string): Promise<KnownTask | undefined>;
  /** Most calls first. */
  list(): Promise<KnownTask[]>;
}

/** Per-task routes and their history. */
export interface RouteRepository {
  get(task: string): Promise<RoutePolicy | undefined>;
  list(): Promise<RoutePolicy[]>;
  /**
   * Writes the route and, in the same transaction, its change event (`fromMode` is read from the stored row).
   * Returns the event written.
   */
  put(policy: RoutePolicy, change: { actor: RouteEvent['actor']; reason: string; figures?: Record<string, number> }): Promise<RouteEvent>;
  /** Newest first. */
  events(filter?: { task?: string; limit?: number }): Promise<RouteEvent[]>;
}

/** What the router learned per routed call (see `RouteObservation`). */
export interface ObservationRepository {
  append(observations: readonly RouteObservation[]): Promise<void>;
  /** Newest first: the governor's windows. */
  recent(filter: { task: string; specialistId?: string; kinds?: readonly ObservationKind[]; limit: number }): Promise<RouteObservation[]>;
  /** Oldest first, for economics and series: all tasks unless `task`, from `since` (epoch ms) unless omitted. */
  list(filter?: { task?: string; since?: number; until?: number }): Promise<RouteObservation[]>;
}

/** Offline evaluations of specialists (the loop's and `understudy eval`'s), with their failing examples. */
export interface EvaluationRepository {
  /** Inserts one evaluation; an existing id is an error. */
  put(evaluation: StoredEvaluation): Promise<void>;
  /** Newest first. */
  list(filter?: { task?: string; specialistId?: string; limit?: number }): Promise<StoredEvaluation[]>;
  /** The newest evaluation of a specialist. */
  latest(specialistId: string): Promise<StoredEvaluation | undefined>;
}

/** Which calls a deletion takes: every field given must match, and at least one is required. */
export interface CallSelector {
  projectId?: string;
  episodeId?: string;
  endUserId?: string;
  /** Epoch ms, exclusive: calls that started before it (retention). */
  before?: number;
}

/** A call about to be deleted, as its stored JSON text (request, newline, response). */
export interface DeletedCallText {
  id: string;
  projectId: string;
  text: string;
}

/** What `DataRepository.deleteCalls` removed. */
export interface DeletedCalls {
  callIds: string[];
  /** Projects the deleted calls belonged to, sorted. */
  projectIds: string[];
  /** Tasks of the deleted calls (declared, else as the router classified them), sorted. */
  tasks: string[];
  /** Deleted calls that had no task either way (a discovered task may still have used them). */
  untaggedCalls: number;
  calls: number;
  observations: number;
}

/**
 * Deletion, retention and compaction (docs/data-protection.md). Only removes rows; what was built from them
 * (datasets, specialists) is handled above the store (src/curate/delete-captured-data.ts).
 */
export interface DataRepository {
  /**
   * Deletes the matching calls and every route observation of them, in batches. `onBatch` sees each batch's
   * stored text just before it is deleted (to find the pseudonyms it used).
   *
   * @throws UnderstudyError `invalid_request` when the selector is empty.
   */
  deleteCalls(selector: CallSelector, options?: { onBatch?: (calls: readonly DeletedCallText[]) => void | Promise<void> }): Promise<DeletedCalls>;
  /** Which of `candidates` still occur (as JSON writes them) in a stored call of the project. */
  findStringsInCalls(projectId: string, candidates: readonly string[]): Promise<Set<string>>;
  /** Deletes a scope's pseudonym rows: all of them, or those whose replacement is one of `surrogates`. */
  deletePseudonyms(scope: string, surrogates?: readonly string[]): Promise<number>;
  /** Deletes the offline evaluations of these specialists (their failures quote dataset examples). */
  deleteEvaluations(specialistIds: readonly string[]): Promise<number>;
  /** Deletes succeeded, failed and cancelled jobs that finished before `before` (epoch ms). */
  deleteFinishedJobs(before: number): Promise<number>;
  /**
   * Makes deletions reach the disk. SQLite: WAL checkpoint (TRUNCATE), VACUUM, checkpoint again, so no deleted
   * byte is left in the file, its free pages or the WAL. PostgreSQL: plain VACUUM of the touched tables (dead
   * tuples become reusable space; VACUUM FULL, which rewrites the files, is left to the operator).
   */
  compact(): Promise<void>;
}

export interface Store {
  readonly engine: StoreEngine;
  /** For repositories and migrations only; code above the store uses the repositories. */
  readonly db: Kysely<Database>;
  readonly calls: CallRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly projects: ProjectRepository;
  readonly providers: ProviderRepository;
  readonly settings: SettingRepository;
  readonly pseudonyms: PseudonymRepository;
  readonly jobs: JobRepository;
  readonly specialists: SpecialistRepository;
  readonly tasks: TaskRepository;
  readonly routes: RouteRepository;
  readonly observations: ObservationRepository;
  readonly evaluations: EvaluationRepository;
  readonly data: DataRepository;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Directory for the SQLite file (`understudy.db`) when no databaseUrl is given. */
  dataDir: string;
  /** `postgres://…` selects PostgreSQL. */
  databaseUrl?: string;
  /**
   * SQLite only. `worker` (default): the connection lives in its own worker thread, so synchronous
   * better-sqlite3 calls never block this thread. `current`: the connection runs in this thread — only for
   * code that already runs in a worker thread of its own (the log writer's), where a second hop would just
   * cost CPU.
   */
  sqliteThread?: 'worker' | 'current';
}
