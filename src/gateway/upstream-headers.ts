/**
 * Which headers cross the gateway. Towards the provider: the client's headers minus hop-by-hop ones, the
 * client's credentials (the gateway key is ours, not the provider's) and our own `x-understudy-*` tags,
 * plus the provider key from the environment. Back to the client: the provider's informative headers
 * (request id, rate limits, retry-after), so SDKs keep working as if they talked to the provider.
 */
import type { ResolvedProvider } from '../providers/provider-registry.ts';

const droppedRequestHeaders = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
  'authorization',
  'api-key',
  'cookie',
  'accept-encoding',
  'expect',
]);

/**
 * @param passClientAuthorization forward the client's own Authorization when the gateway does not
 *   require gateway keys and the provider has no configured key (a pure pass-through proxy).
 */
export function buildUpstreamHeaders(incoming: Headers, provider: ResolvedProvider, passClientAuthorization: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  incoming.forEach((value, name) => {
    if (droppedRequestHeaders.has(name) || name.startsWith('x-understudy-')) return;
    headers[name] = value;
  });
  for (const [name, value] of Object.entries(provider.headers)) headers[name.toLowerCase()] = value;
  if (provider.apiKey) headers['authorization'] = `Bearer ${provider.apiKey}`;
  else if (passClientAuthorization) {
    const authorization = incoming.get('authorization');
    if (authorization) headers['authorization'] = authorization;
  }
  headers['content-type'] = 'application/json';
  return headers;
}

const forwardedResponseHeaders = [
  'content-type',
  'x-request-id',
  'openai-processing-ms',
  'openai-version',
  'openai-model',
  'retry-after',
  'retry-after-ms',
  'x-ratelimit-limit-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
];

export function pickResponseHeaders(upstream: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of forwardedResponseHeaders) {
    const value = upstream[name];
    if (typeof value === 'string') headers[name] = value;
    else if (Array.isArray(value) && value.length > 0) headers[name] = value.join(', ');
  }
  return headers;
}
