/**
 * HTTP to upstream providers. undici's dispatcher API (not `fetch`) because it is the cheapest HTTP
 * client in Node: keep-alive pools per origin, no WHATWG Request/Response allocation, and the body comes
 * back as a Node stream we can pass through chunk by chunk. Network failures become UnderstudyErrors
 * (`upstream_timeout` → 504, `upstream_unreachable` → 502) so every caller maps them the same way.
 */
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { UnderstudyError } from '../contracts/errors.ts';
import type { ResolvedProvider } from './provider-registry.ts';

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path below the provider's base URL, e.g. `/chat/completions`. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export interface UpstreamClient {
  send(provider: ResolvedProvider, request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

export function createUpstreamClient(options: { connectionsPerOrigin?: number } = {}): UpstreamClient {
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 256,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
  });
  return {
    async send(provider, request) {
      try {
        const response = await agent.request({
          origin: provider.origin,
          path: provider.basePath + request.path,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          signal: request.signal,
          headersTimeout: provider.timeoutMs,
          bodyTimeout: provider.timeoutMs,
        });
        return { status: response.statusCode, headers: response.headers, body: response.body };
      } catch (error) {
        throw toUpstreamError(error, provider);
      }
    },
    close: () => agent.close(),
  };
}

/** Maps a network-level failure (before or while reading a response) to the gateway's error family. */
export function toUpstreamError(error: unknown, provider: ResolvedProvider): UnderstudyError {
  if (error instanceof UnderstudyError) return error;
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new UnderstudyError('upstream_timeout', `Provider "${provider.name}" did not answer within ${provider.timeoutMs} ms`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new UnderstudyError('upstream_unreachable', `Provider "${provider.name}" is unreachable: ${message}`, { cause: error });
}
