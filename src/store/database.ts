/**
 * Table types as Kysely sees them, the same for SQLite and PostgreSQL. Column types are chosen to be portable:
 * booleans are integers 0/1 (SQLite has no boolean, and better-sqlite3 cannot bind one), times are epoch
 * milliseconds in `bigint` columns (PostgreSQL's int8, which the Postgres engine parses back to JS numbers),
 * fractional numbers are `double precision`, and JSON bodies are text (SQLite has no json type worth relying
 * on, and the store never queries inside them).
 *
 * Enum-valued columns carry the contract's union types: only the repositories write them, from validated
 * records, so reading them back needs no second check.
 */
import type { CallSource, CallStatus, ErrorClass, RouteTaken } from '../contracts/call-record.ts';

/** 0 or 1: a boolean stored portably. */
export type StoredBoolean = 0 | 1;

export interface ProjectTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  project_id: string;
  name: string;
  /** First 12 characters of the secret (`usk_` + 8), shown in lists; not enough to authenticate. */
  prefix: string;
  /** SHA-256 of the secret, lowercase hex. The secret itself is never stored. */
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
  /** Requests per minute for this key; null: the configured `gateway.rateLimit` (migration 0006). */
  rate_limit_per_minute: number | null;
  /** Largest request body for this key, capped by `gateway.bodyLimitBytes`; null: that limit alone (migration 0006). */
  max_body_bytes: number | null;
}

export interface ProviderTable {
  name: string;
  base_url: string;
  /** Name of the environment variable holding the key, never the key. */
  api_key_env: string | null;
  updated_at: number;
}

export interface ModelTable {
  provider_name: string;
  name: string;
  input_per_million: number | null;
  output_per_million: number | null;
  price_source: string | null;
  updated_at: number;
}

export interface SettingTable {
  key: string;
  value: string;
  updated_at: number;
}

/** One row per `CallRecord`; see `src/contracts/call-record.ts` for what each field means. */
export interface CallTable {
  id: string;
  /** The `CallRecord.version` the row was written from, so later versions can read old rows. */
  version: number;
  source: CallSource;
  project_id: string;
  end_user_id: string | null;
  episode_id: string | null;
  task: string | null;
  route: RouteTaken;
  status: CallStatus;
  error_class: ErrorClass | null;
  error_message: string | null;
  http_status: number | null;
  model: string;
  response_model: string | null;
  provider: string | null;
  stream: StoredBoolean;
  started_at: number;
  latency_ms: number;
  ttft_ms: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  tokens_estimated: StoredBoolean;
  cost_usd: number | null;
  finish_reason: string | null;
  /** `JSON.stringify(record.request)`. */
  request_json: string;
  /** `JSON.stringify(record.response)`, or null when there was no response. */
  response_json: string | null;
  /** When the row reached the store (epoch ms); `started_at` is when the call began. */
  created_at: number;
  /** `JSON.stringify(record.routing)`; null for calls that never met the router (migration 0004). */
  routing_json: string | null;
  /** The task discovery last placed the call in (stored id); null until then, or when it fits no task (migration 0008). */
  discovered_task: string | null;
}

/**
 * One real↔replacement pair made by a redactor (src/curate/redact). The store never sees a real value in the
 * clear: `real_ciphertext` is AES-256-GCM made by the pseudonym vault, whose key never reaches the store.
 */
export interface PseudonymTable {
  /** Consistency scope: a project id (redaction at ingest) or a dataset id (at export). */
  scope: string;
  /** A `PiiKind`. */
  kind: string;
  /** Keyed HMAC of the normalised real value (base64url): finds the pair without decrypting. */
  digest: string;
  /** The surrogate or placeholder, as it appears in stored calls and datasets. */
  surrogate: string;
  /** base64 of nonce ‖ tag ‖ ciphertext; null for secrets, which are never kept. */
  real_ciphertext: string | null;
  created_at: number;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A unit of long-running work (train, evaluate, discover); workers claim queued rows (see JobRepository). */
export interface JobTable {
  /** `job_` + 16 base62 characters. */
  id: string;
  /** e.g. `train`; a worker only claims the kinds it can run. */
  kind: string;
  status: JobStatus;
  /** The job's serialisable spec, validated by its kind's schema above the store. */
  spec_json: string;
  /** Latest progress a worker reported (step, loss, eta …). */
  progress_json: string | null;
  /** What a succeeded job produced. */
  result_json: string | null;
  /** Why a job failed (or was cancelled), one line. */
  error: string | null;
  /** The worker holding a running job. */
  worker_id: string | null;
  /** Times a worker claimed it; a stale claim (dead worker) is claimed again and the job resumes. */
  attempts: number;
  cancel_requested: StoredBoolean;
  created_at: number;
  started_at: number | null;
  /** Last sign of life from the worker; a running job silent for too long is reclaimed. */
  heartbeat_at: number | null;
  finished_at: number | null;
}

/** A small model registered to serve one task: base model + optional LoRA adapter + prompt format. */
export interface SpecialistTable {
  id: string;
  task: string;
  name: string;
  status: 'ready' | 'retired';
  /** Path or URI of the base model (GGUF for the embedded engine). */
  base_model: string;
  /** GGUF LoRA adapter applied over the base, or null for a model trained whole (micro specialist). */
  adapter_path: string | null;
  /** The adapter in Hugging Face PEFT format (vLLM multi-LoRA), when exported. */
  adapter_hf_dir: string | null;
  prompt_format: 'chat-template' | 'task-prompt';
  /** `JSON.stringify(SharedPromptContext)`, or null: the specialist sees whole prompts. */
  prompt_context_json: string | null;
  dataset_version: string | null;
  job_id: string | null;
  metrics_json: string | null;
  created_at: number;
}

/** A known task (`KnownTask`): the router's classifier and the loop read these instead of rediscovering. */
export interface TaskTable {
  id: string;
  name: string;
  source: 'declared' | 'discovered';
  agency: 'code' | 'language-model';
  /** `JSON.stringify(TaskSignature)`. */
  signature_json: string;
  /** JSON array of tool names. */
  tools_json: string;
  response_format: string | null;
  call_count: number;
  open_ended: StoredBoolean;
  updated_at: number;
}

/** One task's route (`RoutePolicy`). */
export interface RouteTable {
  task: string;
  mode: 'off' | 'shadow' | 'canary' | 'live';
  canary_share: number;
  specialist_id: string | null;
  confidence_threshold: number | null;
  timeout_ms: number;
  audit_share: number;
  automatic: StoredBoolean;
  reason: string;
  updated_at: number;
}

/** A route change (`RouteEvent`). */
export interface RouteEventTable {
  id: string;
  task: string;
  from_mode: string | null;
  to_mode: string;
  specialist_id: string | null;
  actor: string;
  reason: string;
  figures_json: string;
  at: number;
}

/** What the router learned from one routed call (`RouteObservation`). */
export interface RouteObservationTable {
  id: string;
  call_id: string;
  task: string;
  specialist_id: string;
  kind: 'served' | 'escalated' | 'shadow' | 'audit';
  mode: 'off' | 'shadow' | 'canary' | 'live';
  /** 0/1, null when the specialist never answered. */
  valid: number | null;
  agreed: number | null;
  score: number | null;
  confidence: number | null;
  specialist_latency_ms: number | null;
  llm_cost_usd: number | null;
  escalation_reason: string | null;
  at: number;
}

/** One offline evaluation of a specialist (`StoredEvaluation`, migration 0005). */
export interface EvaluationTable {
  /** `ev_` + 16 base62 characters unless the writer chose one. */
  id: string;
  specialist_id: string;
  task: string;
  examples: number;
  agreement: number;
  valid_rate: number;
  metric: string;
  passed: StoredBoolean;
  /** The calibrated confidence threshold; null when every answer is accepted. */
  threshold: number | null;
  coverage: number | null;
  /** JSON array of `StoredEvaluation['failures']`. */
  failures_json: string;
  created_at: number;
}

export interface Database {
  projects: ProjectTable;
  api_keys: ApiKeyTable;
  providers: ProviderTable;
  models: ModelTable;
  settings: SettingTable;
  calls: CallTable;
  pseudonyms: PseudonymTable;
  jobs: JobTable;
  specialists: SpecialistTable;
  tasks: TaskTable;
  routes: RouteTable;
  route_events: RouteEventTable;
  route_observations: RouteObservationTable;
  evaluations: EvaluationTable;
}
