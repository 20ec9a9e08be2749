/**
 * The one error family of Understudy. Every failure that crosses a boundary (HTTP, CLI, job) is an
 * `UnderstudyError` with a stable `code`; the table below is the only place that maps a code to an HTTP
 * status, an OpenAI-style error `type`, a log level and whether a retry may help. Handlers never build
 * error JSON by hand: they throw or return an `UnderstudyError` and `toOpenAIErrorBody` renders it.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

interface ErrorCodeEntry {
  /** HTTP status sent to clients. */
  statusCode: number;
  /** OpenAI's `error.type` vocabulary, so existing clients classify our errors correctly. */
  type: 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'rate_limit_error' | 'api_error' | 'timeout_error';
  logLevel: LogLevel;
  isRetryable: boolean;
}

/** Stable error codes. Adding one is a contract change: clients and dashboards key on them. */
export const errorCodes = {
  invalid_json: { statusCode: 400, type: 'invalid_request_error', logLevel: 'info', isRetryable: false },
  invalid_request: { statusCode: 400, type: 'invalid_request_error', logLevel: 'info', isRetryable: false },
  unsupported_media_type: { statusCode: 415, type: 'invalid_request_error', logLevel: 'info', isRetryable: false },
  request_too_large: { statusCode: 413, type: 'invalid_request_error', logLevel: 'info', isRetryable: false },
  model_not_found: { statusCode: 404, type: 'invalid_request_error', logLevel: 'info', isRetryable: false },
  route_not_found: { statusCode: 404, type: 'not_found_error', logLevel: 'debug', isRetryable: false },
  method_not_allowed: { statusCode: 405, type: 'invalid_request_error', logLevel: 'debug', isRetryable: false },
  missing_api_key: { statusCode: 401, type: 'authentication_error', logLevel: 'info', isRetryable: false },
  invalid_api_key: { statusCode: 401, type: 'authentication_error', logLevel: 'info', isRetryable: false },
  invalid_admin_token: { statusCode: 401, type: 'authentication_error', logLevel: 'warn', isRetryable: false },
  /** Authenticated, but the request lacks what the route demands (the dashboard's `x-understudy-ui` header). */
  forbidden: { statusCode: 403, type: 'permission_error', logLevel: 'warn', isRetryable: false },
  not_found: { statusCode: 404, type: 'not_found_error', logLevel: 'info', isRetryable: false },
  /** A gateway key sent more than its rate limit allows; the response carries `Retry-After`. */
  rate_limited: { statusCode: 429, type: 'rate_limit_error', logLevel: 'info', isRetryable: true },
  /** A browser origin not in `gateway.cors.allowedOrigins`. */
  origin_not_allowed: { statusCode: 403, type: 'permission_error', logLevel: 'info', isRetryable: false },
  upstream_error: { statusCode: 502, type: 'api_error', logLevel: 'warn', isRetryable: true },
  upstream_unreachable: { statusCode: 502, type: 'api_error', logLevel: 'warn', isRetryable: true },
  upstream_timeout: { statusCode: 504, type: 'timeout_error', logLevel: 'warn', isRetryable: true },
  provider_not_configured: { statusCode: 500, type: 'api_error', logLevel: 'error', isRetryable: false },
  config_invalid: { statusCode: 500, type: 'api_error', logLevel: 'error', isRetryable: false },
  store_unavailable: { statusCode: 503, type: 'api_error', logLevel: 'error', isRetryable: true },
  import_invalid: { statusCode: 400, type: 'invalid_request_error', logLevel: 'info', isRetryable: false },
  system_dependency_missing: { statusCode: 500, type: 'api_error', logLevel: 'error', isRetryable: false },
  internal_error: { statusCode: 500, type: 'api_error', logLevel: 'error', isRetryable: false },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof errorCodes;

export interface UnderstudyErrorOptions {
  cause?: unknown;
  /** OpenAI's `error.param`: the request field at fault, when there is one. */
  param?: string;
  /** Overrides the table's status, e.g. to pass an upstream 4xx through unchanged. */
  statusCode?: number;
}

export class UnderstudyError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly isRetryable: boolean;
  readonly param: string | undefined;

  constructor(code: ErrorCode, message: string, options: UnderstudyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UnderstudyError';
    this.code = code;
    this.statusCode = options.statusCode ?? errorCodes[code].statusCode;
    this.isRetryable = errorCodes[code].isRetryable;
    this.param = options.param;
  }

  get type(): ErrorCodeEntry['type'] {
    return errorCodes[this.code].type;
  }

  get logLevel(): LogLevel {
    return errorCodes[this.code].logLevel;
  }
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

/** Renders any thrown value as the body OpenAI clients expect; unknown values become `internal_error`. */
export function toOpenAIErrorBody(error: unknown): OpenAIErrorBody {
  const known = asUnderstudyError(error);
  return { error: { message: known.message, type: known.type, code: known.code, param: known.param ?? null } };
}

export function asUnderstudyError(error: unknown): UnderstudyError {
  if (error instanceof UnderstudyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UnderstudyError('internal_error', `Internal error: ${message}`, { cause: error });
}

export function isUnderstudyError(error: unknown, code?: ErrorCode): error is UnderstudyError {
  return error instanceof UnderstudyError && (code === undefined || error.code === code);
}
