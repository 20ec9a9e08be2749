/**
 * The configuration contract: `understudy.config.json` or `understudy.config.ts` (strict — unknown keys are
 * errors) and the process environment. Provider API keys never live in the file: a provider names the environment variable that
 * holds its key (`apiKeyEnv`), so config files can be committed and keys never reach the data directory.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UnderstudyError } from './errors.ts';
import { configModuleExtensions, loadConfigModule } from './internal/load-config-module.ts';

export const providerConfigSchema = z.strictObject({
  /** Name used in logs and the model mapping, e.g. `openai`. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, "-" and "_" only'),
  /** Any OpenAI-compatible base URL, including the `/v1` part: `https://api.openai.com/v1`. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Environment variable holding the provider key. Omit for keyless local servers. */
  apiKeyEnv: z.string().optional(),
  /** Models served by this provider: exact names or `*` globs (`gpt-4.1*`). */
  models: z.array(z.string().min(1)).default([]),
  /** Extra headers sent upstream (e.g. `OpenAI-Organization`). Never logged. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Per-provider upstream timeout; falls back to `gateway.upstreamTimeoutMs`. */
  timeoutMs: z.number().int().positive().optional(),
});
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

export const modelPriceSchema = z.strictObject({
  inputPerMillion: z.number().nonnegative(),
  outputPerMillion: z.number().nonnegative(),
  /** Where the price came from, for the report; user overrides default to "user config". */
  source: z.string().optional(),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** Upstream retries: only before the client has received a byte (a started stream is never retried). */
export const retryConfigSchema = z.strictObject({
  /** Attempts per model, the first included: 1 turns retries off. */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /** Backoff before attempt n+1: `initialBackoffMs * 2^(n-1)` with full jitter, capped at `maxBackoffMs`. */
  initialBackoffMs: z.number().int().nonnegative().default(200),
  maxBackoffMs: z.number().int().nonnegative().default(5_000),
  /** Upstream statuses worth another attempt; connection failures (refused, reset) always are. */
  retryOnStatus: z.array(z.number().int().min(400).max(599)).default([408, 409, 429, 500, 502, 503, 504]),
  /** Retry after an upstream timeout too (each attempt may wait the full timeout). */
  retryOnTimeout: z.boolean().default(false),
  /** A provider's `Retry-After` is honoured up to this wait; a longer one ends the retries for that model. */
  maxRetryAfterMs: z.number().int().nonnegative().default(20_000),
});
export type RetryConfig = z.infer<typeof retryConfigSchema>;

export const rateLimitConfigSchema = z.strictObject({
  /** Requests per minute per gateway key (token bucket, refilled continuously); omit for no limit. */
  requestsPerMinute: z.number().int().positive().optional(),
  /** Requests a key may send at once above the steady rate; default: a tenth of a minute's worth, at least 1. */
  burst: z.number().int().positive().optional(),
});
export type RateLimitConfig = z.infer<typeof rateLimitConfigSchema>;

export const corsConfigSchema = z.strictObject({
  /** Exact origins (`https://app.example.com`) allowed to call `/v1/*` from a browser; `*` allows any. Empty: closed. */
  allowedOrigins: z.array(z.string().min(1)).default([]),
});
export type CorsConfig = z.infer<typeof corsConfigSchema>;

/** Retention and deletion of captured data. */
export const dataConfigSchema = z.strictObject({
  /** Days a call (with its observations) is kept; older ones are deleted by the gateway's sweep and `understudy data retention`. Omit: forever. */
  callRetentionDays: z.number().positive().optional(),
  /** Days finished jobs are kept (their specs and results). Omit: forever. */
  jobRetentionDays: z.number().positive().optional(),
  /** Minutes between retention sweeps in a running gateway. */
  sweepEveryMinutes: z.number().positive().default(60),
});
export type DataConfig = z.infer<typeof dataConfigSchema>;

/** Router settings. Per-task routes live in the store; these are their defaults and the governor's thresholds. */
export const routingConfigSchema = z.strictObject({
  /** Off: the gateway forwards every call to the LLM and never loads a specialist. */
  enabled: z.boolean().default(true),
  /** Stated $/hour of the machine serving specialists (default: AWS m7g.large on-demand, 2026). */
  usdPerHour: z.number().nonnegative().default(0.0816),
  /** llama.cpp threads per specialist engine (1 is fastest for sub-1B models on 2-core machines). */
  threads: z.number().int().positive().default(1),
  contextSize: z.number().int().positive().default(2048),
  /** Default specialist time limit per call; each route may set its own. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Default canary share for new canary routes. */
  canaryShare: z.number().min(0).max(1).default(0.2),
  /** Share of live specialist answers audited against the LLM off the critical path. */
  auditShare: z.number().min(0).max(1).default(0.05),
  /** Share of canary specialist answers audited (canary is a trial: audit all by default). */
  canaryAuditShare: z.number().min(0).max(1).default(1),
  /** Precision the confidence threshold is calibrated for on the validation split. */
  targetPrecision: z.number().min(0).max(1).default(0.98),
  /** Promotion shadow → canary → live: online agreement over the last `window` compared calls, with at least `minCalls`. */
  promotion: z
    .strictObject({
      window: z.number().int().positive().default(100),
      minCalls: z.number().int().positive().default(50),
      /** Agreement with the LLM among the answers the specialist would deliver (valid and confident). */
      minAgreement: z.number().min(0).max(1).default(0.98),
      /** Share of calls the specialist may hand back (invalid, unconfident, timed out) and still be promoted. */
      maxEscalationRate: z.number().min(0).max(1).default(0.2),
    })
    .default({ window: 100, minCalls: 50, minAgreement: 0.98, maxEscalationRate: 0.2 }),
  /**
   * Rollback canary/live → shadow: over the last `window` routed calls (at least `minCalls`), quality escalations
   * (invalid, unconfident, timed out, engine error; not a loading specialist or an unsupported request) above
   * `maxEscalationRate`, or audited disagreement above `maxAuditDisagreement`.
   */
  rollback: z
    .strictObject({
      window: z.number().int().positive().default(50),
      minCalls: z.number().int().positive().default(10),
      maxEscalationRate: z.number().min(0).max(1).default(0.25),
      /** Share of audited answers that disagreed with the LLM, over at least `minAudits` audits. */
      maxAuditDisagreement: z.number().min(0).max(1).default(0.1),
      minAudits: z.number().int().positive().default(5),
    })
    .default({ window: 50, minCalls: 10, maxEscalationRate: 0.25, maxAuditDisagreement: 0.1, minAudits: 5 }),
  /** Consecutive specialist failures (errors, timeouts) that open the breaker, and how long it stays open. */
  circuitBreaker: z
    .strictObject({
      failures: z.number().int().positive().default(5),
      cooldownMs: z.number().int().positive().default(30_000),
    })
    .default({ failures: 5, cooldownMs: 30_000 }),
  /** How often the gateway rereads routes from the store (changes made by other processes). */
  refreshMs: z.number().int().positive().default(2_000),
});
export type RoutingConfig = z.infer<typeof routingConfigSchema>;

const trainingBudgetFields = {
  backend: z.enum(['lora', 'micro']),
  /** `default` (SmolLM2-135M-Instruct), a GGUF path, `pypi:…` or `hf:…`. */
  base: z.string().min(1),
  /** Hyperparameters passed to the backend (`maxSteps`, `rank`, `learningRate`, `batchSize`, …). */
  hyperparameters: z.record(z.string(), z.unknown()),
  device: z.enum(['auto', 'cpu', 'cuda']),
};

/** One training budget: what the loop trains a specialist with. */
export const trainingBudgetSchema = z.strictObject({
  backend: trainingBudgetFields.backend.default('lora'),
  base: trainingBudgetFields.base.default('default'),
  hyperparameters: trainingBudgetFields.hyperparameters.default({ maxSteps: 40, rank: 16, learningRate: 0.0015 }),
  device: trainingBudgetFields.device.default('auto'),
});
export type TrainingBudget = z.infer<typeof trainingBudgetSchema>;

/**
 * A per-task budget: only the keys it sets, merged over `loop.training`. No defaults here — a default would
 * silently replace the shared budget's value (`{ device: 'cpu' }` must not reset `base`).
 */
export const trainingBudgetOverrideSchema = z.strictObject({
  backend: trainingBudgetFields.backend.optional(),
  base: trainingBudgetFields.base.optional(),
  hyperparameters: trainingBudgetFields.hyperparameters.optional(),
  device: trainingBudgetFields.device.optional(),
});

/** The closed loop (`understudy loop`): when it retrains and with what budget. */
export const loopConfigSchema = z.strictObject({
  /** The budget for every task, unless `tasks` names one. */
  training: trainingBudgetSchema.default(trainingBudgetSchema.parse({})),
  /** Per-task budgets, by task id or name; merged over `training`. */
  tasks: z.record(z.string(), trainingBudgetOverrideSchema).default({}),
  /**
   * A task needs this many teacher answers before the loop trains for it: with the default 10% validation
   * split, 300 leave about 30 held-out examples, the fewest `gates.minExamples` accepts as evidence.
   */
  minExamples: z.number().int().positive().default(300),
  /** Retrain when the task's usable examples grew by this factor since its specialist's dataset. */
  retrainGrowth: z.number().min(1).default(1.5),
  /** Retrain when quality escalations exceed this share of routed calls since the route last changed… */
  retrainEscalationRate: z.number().min(0).max(1).default(0.1),
  /** …over at least this many routed calls. */
  retrainMinRoutedCalls: z.number().int().positive().default(20),
  /** At most this many trainings per round (the tasks with the most teacher answers first); omit for no limit. */
  maxTrainingsPerRound: z.number().int().positive().optional(),
  /** Validation examples the offline evaluation runs (the gate before shadow). */
  evalExamples: z.number().int().positive().default(60),
  /** Minutes between rounds with `understudy loop --every`. */
  everyMinutes: z.number().positive().default(60),
});
export type LoopConfig = z.infer<typeof loopConfigSchema>;

export const configSchema = z.strictObject({
  gateway: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(4141),
      /** Largest accepted request body; larger bodies get 413 before they are read whole. */
      bodyLimitBytes: z.number().int().positive().default(10 * 1024 * 1024),
      /** Gateway API keys are required unless this is false (only sensible on a private loopback). */
      requireApiKey: z.boolean().default(true),
      upstreamTimeoutMs: z.number().int().positive().default(600_000),
      /** Retries of a failed upstream call (before any byte reached the client), then `fallbacks`. */
      retries: retryConfigSchema.default(retryConfigSchema.parse({})),
      /** Per-key request rate limit; a key's own limit (`understudy keys create --rate-limit`) wins. Omit: unlimited. */
      rateLimit: rateLimitConfigSchema.default(rateLimitConfigSchema.parse({})),
      /** Browser origins allowed to call the gateway cross-site. Closed (none) by default. */
      cors: corsConfigSchema.default(corsConfigSchema.parse({})),
    })
    .default({
      host: '127.0.0.1',
      port: 4141,
      bodyLimitBytes: 10 * 1024 * 1024,
      requireApiKey: true,
      upstreamTimeoutMs: 600_000,
      retries: retryConfigSchema.parse({}),
      rateLimit: rateLimitConfigSchema.parse({}),
      cors: corsConfigSchema.parse({}),
    }),
  store: z
    .strictObject({
      /** Where the embedded SQLite database and the spool live. Relative paths resolve from the config file. */
      dataDir: z.string().default('.understudy'),
      /** `postgres://…`; the environment's UNDERSTUDY_DATABASE_URL wins over this. */
      databaseUrl: z.string().optional(),
    })
    .default({ dataDir: '.understudy' }),
  providers: z.array(providerConfigSchema).default([]),
  /** Provider for models that no provider lists; omit to answer unknown models with 404. */
  defaultProvider: z.string().optional(),
  /**
   * Fallback models per requested model, tried in order once the requested model's retries are spent
   * (`{ "gpt-4.1": ["gpt-4.1-mini", "claude-sonnet-4"] }`); each fallback resolves to its own provider.
   */
  fallbacks: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default({}),
  /** Price overrides per model, in US dollars per million tokens. */
  pricing: z.record(z.string(), modelPriceSchema).default({}),
  logWriter: z
    .strictObject({
      flushIntervalMs: z.number().int().positive().default(100),
      maxBatch: z.number().int().positive().max(5000).default(500),
      /** Calls kept in memory while the store is slow; beyond this they wait in the spool on disk only. */
      maxQueuedCalls: z.number().int().positive().default(20_000),
    })
    .default({ flushIntervalMs: 100, maxBatch: 500, maxQueuedCalls: 20_000 }),
  curation: z
    .strictObject({
      /**
       * Redact personal data and secrets before calls reach the store (in the log writer's worker, off the
       * request path). Calls still wait raw in the spool until stored. Off: redaction happens at export.
       */
      redactAtIngest: z.boolean().default(false),
      /** `surrogate`: realistic fakes, consistent per project; `placeholder`: `<PERSON_7>` tokens. Secrets are always placeholders. */
      mode: z.enum(['surrogate', 'placeholder']).default('surrogate'),
    })
    .default({ redactAtIngest: false, mode: 'surrogate' }),
  /** How long captured data is kept, and how deletions reach it (docs/data-protection.md). */
  data: dataConfigSchema.default(dataConfigSchema.parse({})),
  /** What a specialist must show on a task's held-out data before it may be promoted (`understudy eval`). */
  gates: z
    .strictObject({
      /** Share of answers that agree with the teacher's (the task's metric decides what agrees). */
      minAgreement: z.number().min(0).max(1).default(0.98),
      /** Share of answers that are structurally valid (parse, match the schema, call an offered tool). */
      minValidRate: z.number().min(0).max(1).default(1),
      /** Fewer examples than this cannot prove anything: the gate fails rather than pass on noise. */
      minExamples: z.number().int().min(1).default(30),
    })
    .default({ minAgreement: 0.98, minValidRate: 1, minExamples: 30 }),
  /** The heterogeneous router (src/route): how specialists serve, are checked, promoted and rolled back. */
  routing: routingConfigSchema.default(routingConfigSchema.parse({})),
  /** The closed loop: retraining triggers and per-task training budgets. */
  loop: loopConfigSchema.default(loopConfigSchema.parse({})),
});
export type UnderstudyConfig = z.infer<typeof configSchema>;

/** Environment variables Understudy reads; everything else in the environment is ignored. */
export const environmentSchema = z.object({
  UNDERSTUDY_CONFIG: z.string().optional(),
  UNDERSTUDY_DATA_DIR: z.string().optional(),
  /** Shared cache for downloaded weights and Python environments (default: the data directory). */
  UNDERSTUDY_CACHE_DIR: z.string().optional(),
  UNDERSTUDY_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  UNDERSTUDY_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  UNDERSTUDY_HOST: z.string().optional(),
  UNDERSTUDY_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** base64 of 32 bytes: the redaction key (else generated into `<dataDir>/secret.key`). Checked where it is used. */
  UNDERSTUDY_SECRET_KEY: z.string().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().optional(),
});
export type UnderstudyEnvironment = z.infer<typeof environmentSchema>;

export interface LoadedConfig {
  config: UnderstudyConfig;
  /** Absolute data directory (SQLite file, spool, admin files). */
  dataDir: string;
  /** Postgres URL when the store is Postgres; undefined means embedded SQLite under `dataDir`. */
  databaseUrl: string | undefined;
  /** The file the config came from, or null for built-in defaults. */
  configPath: string | null;
  environment: UnderstudyEnvironment;
}

export const defaultConfigFileName = 'understudy.config.json';
/** The TypeScript form: `export default { … }` or `export default () => ({ … })`, validated like the JSON. */
export const defaultConfigModuleName = 'understudy.config.ts';

/**
 * Identity helper that types a config module: `export default defineConfig({ gateway: { port: 8080 } })`.
 * Defaults are filled in by validation, so every key is optional here.
 */
export function defineConfig(config: z.input<typeof configSchema>): z.input<typeof configSchema> {
  return config;
}

/**
 * Loads and validates the config. Order: explicit path, UNDERSTUDY_CONFIG, `./understudy.config.json`,
 * `./understudy.config.ts` (both present is an error), else built-in defaults (one `openai` provider taking
 * every model, keyed by OPENAI_API_KEY).
 */
export function loadConfig(options: { configPath?: string; cwd?: string; environment?: NodeJS.ProcessEnv } = {}): LoadedConfig {
  const environment = parseEnvironment(options.environment ?? process.env);
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.configPath ?? environment.UNDERSTUDY_CONFIG;
  let configPath: string | null = null;
  if (explicit) {
    configPath = path.resolve(cwd, explicit);
    if (!existsSync(configPath)) throw new UnderstudyError('config_invalid', `Config file not found: ${configPath}`);
  } else {
    const found = [defaultConfigFileName, defaultConfigModuleName].map((name) => path.resolve(cwd, name)).filter((file) => existsSync(file));
    if (found.length > 1) {
      throw new UnderstudyError('config_invalid', `Both ${defaultConfigFileName} and ${defaultConfigModuleName} are in ${cwd}: keep one, or pick one with --config.`);
    }
    configPath = found[0] ?? null;
  }
  const raw = configPath === null ? {} : readConfigFile(configPath);
  const config = parseConfig(raw, configPath ?? 'built-in defaults');
  if (config.providers.length === 0) {
    config.providers.push({
      name: 'openai',
      baseUrl: environment.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
      models: [],
      headers: {},
    });
    config.defaultProvider ??= 'openai';
  }
  const baseDir = configPath ? path.dirname(configPath) : cwd;
  const dataDir = path.resolve(baseDir, environment.UNDERSTUDY_DATA_DIR ?? config.store.dataDir);
  if (environment.UNDERSTUDY_HOST) config.gateway.host = environment.UNDERSTUDY_HOST;
  if (environment.UNDERSTUDY_PORT !== undefined) config.gateway.port = environment.UNDERSTUDY_PORT;
  return {
    config,
    dataDir,
    databaseUrl: environment.UNDERSTUDY_DATABASE_URL ?? config.store.databaseUrl,
    configPath,
    environment,
  };
}

function readConfigFile(file: string): unknown {
  if ((configModuleExtensions as readonly string[]).includes(path.extname(file))) return loadConfigModule(file);
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UnderstudyError('config_invalid', `${file} is not valid JSON: ${(error as Error).message}`);
  }
}

export function parseConfig(raw: unknown, origin: string): UnderstudyConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UnderstudyError('config_invalid', `Invalid config (${origin}): ${formatIssues(parsed.error)}`);
  }
  const config = parsed.data;
  const names = new Set<string>();
  for (const provider of config.providers) {
    if (names.has(provider.name)) throw new UnderstudyError('config_invalid', `Invalid config (${origin}): provider "${provider.name}" is listed twice`);
    names.add(provider.name);
  }
  if (config.defaultProvider !== undefined && config.providers.length > 0 && !names.has(config.defaultProvider)) {
    throw new UnderstudyError('config_invalid', `Invalid config (${origin}): defaultProvider "${config.defaultProvider}" is not among providers`);
  }
  for (const [model, fallbackModels] of Object.entries(config.fallbacks)) {
    // A model as its own fallback would only repeat the attempts just spent on it.
    if (fallbackModels.includes(model)) throw new UnderstudyError('config_invalid', `Invalid config (${origin}): fallbacks.${model} lists "${model}" itself`);
  }
  // Client errors go back to the client unchanged: only 5xx and 408/409/429 mean "try again later".
  const unretryable = config.gateway.retries.retryOnStatus.filter((status) => status < 500 && ![408, 409, 429].includes(status));
  if (unretryable.length > 0) {
    throw new UnderstudyError('config_invalid', `Invalid config (${origin}): gateway.retries.retryOnStatus may list 5xx, 408, 409 and 429 only, not ${unretryable.join(', ')}`);
  }
  return config;
}

export function parseEnvironment(environment: NodeJS.ProcessEnv): UnderstudyEnvironment {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) throw new UnderstudyError('config_invalid', `Invalid environment: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * One line for all issues, `path: message` each, for CLI output and config errors. An unknown key is named by
 * its full path (`gateway.colour: unknown key`) rather than zod's "Unrecognized key" on its parent.
 */
export function formatIssues(error: z.ZodError): string {
  const where = (keys: readonly PropertyKey[]) => (keys.length > 0 ? keys.map(String).join('.') : '(root)');
  return error.issues
    .flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => `${where([...issue.path, key])}: unknown key`) : [`${where(issue.path)}: ${issue.message}`],
    )
    .join('; ');
}
