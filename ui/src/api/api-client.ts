/**
 * The one way the pages talk to the gateway. Requests carry the session cookie (set by the server's one-time
 * login link) and, once the user pasted it on the login screen, the admin token as a bearer header. Non-GET
 * requests add `x-understudy-ui: 1`, which the server asks for as a cross-site request guard.
 */

const adminTokenStorageKey = 'understudy.admin-token';

/** A failed request: the server's OpenAI-format error message and code, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;

  constructor(message: string, status: number, code: string | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Calls `listener` whenever a request comes back 401; returns the unsubscribe function. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function readAdminToken(): string | null {
  try {
    return sessionStorage.getItem(adminTokenStorageKey);
  } catch {
    return null;
  }
}

export function saveAdminToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(adminTokenStorageKey, token);
    else sessionStorage.removeItem(adminTokenStorageKey);
  } catch {
    // Storage can be disabled (private windows, policies); the session cookie still works.
  }
}

export interface RequestOptions {
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/** Sends one request to the admin API and returns its parsed JSON body; throws `ApiError` on failure. */
export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = readAdminToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (method !== 'GET') headers['x-understudy-ui'] = '1';
  if (options.body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('The gateway could not be reached. Is `understudy serve` running?', 0, 'network_error');
  }

  const text = await response.text();
  const body = parseBody(text);
  if (!response.ok) {
    const failure = readErrorBody(body);
    const apiError = new ApiError(failure.message ?? `${response.status} ${response.statusText}`.trim(), response.status, failure.code);
    if (apiError.isUnauthorized) for (const listener of unauthorizedListeners) listener();
    throw apiError;
  }
  if (body === undefined) throw new ApiError(`The gateway answered ${path} with something that is not JSON.`, response.status, 'invalid_response');
  return body as T;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads `{ error: { message, code } }`, the gateway's (OpenAI-format) error body. */
function readErrorBody(body: unknown): { message: string | null; code: string | null } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return { message: null, code: null };
  const error = (body as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return { message: typeof error === 'string' ? error : null, code: null };
  const { message, code } = error as { message?: unknown; code?: unknown };
  return { message: typeof message === 'string' ? message : null, code: typeof code === 'string' ? code : null };
}
