/**
 * `GET /v1/models` and `POST /v1/embeddings`, passed through to providers. Models are merged across
 * providers (and the configured names added, so `/v1/models` lists what the gateway will route even when
 * a provider's list is unreachable). Embeddings go to the provider serving the requested model, with the
 * same retries and fallbacks as chat completions (`send-upstream-with-retries.ts`).
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { UnderstudyError, toOpenAIErrorBody } from '../contracts/errors.ts';
import { admitRequest } from './admit-request.ts';
import type { GatewayContext } from './gateway-context.ts';
import { replaceRequestModel } from './internal/replace-request-model.ts';
import { parseJsonBody } from './request-body.ts';
import { planUpstreamTargets, sendUpstreamWithRetries } from './send-upstream-with-retries.ts';
import { buildUpstreamHeaders, pickResponseHeaders } from './upstream-headers.ts';

const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()), z.array(z.number()), z.array(z.array(z.number()))]),
});

interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export function createModelsHandler(context: GatewayContext) {
  return async function handleModels(c: Context): Promise<Response> {
    await admitRequest(context, c);
    const byId = new Map<string, ModelEntry>();
    await Promise.all(
      context.providers.list().map(async (provider) => {
        try {
          const response = await context.upstream.send(provider, {
            method: 'GET',
            path: '/models',
            headers: buildUpstreamHeaders(c.req.raw.headers, provider, context.authenticator === null),
          });
          const text = await response.body.text();
          if (response.status >= 300) return;
          const parsed = z.object({ data: z.array(z.looseObject({ id: z.string() })) }).safeParse(JSON.parse(text));
          if (!parsed.success) return;
          for (const model of parsed.data.data) {
            if (!byId.has(model.id)) byId.set(model.id, { object: 'model', created: 0, owned_by: provider.name, ...model } as ModelEntry);
          }
        } catch {
          // An unreachable provider still contributes its configured models below.
        }
        for (const name of provider.models) {
          if (!name.includes('*') && !byId.has(name)) byId.set(name, { id: name, object: 'model', created: 0, owned_by: provider.name });
        }
      }),
    );
    return c.json({ object: 'list', data: [...byId.values()] });
  };
}

export function createEmbeddingsHandler(context: GatewayContext) {
  return async function handleEmbeddings(c: Context): Promise<Response> {
    const { bodyText } = await admitRequest(context, c);
    const request = parseJsonBody(bodyText, embeddingsRequestSchema);
    const provider = context.providers.resolve(request.model);
    if (!provider) throw new UnderstudyError('model_not_found', `The model '${request.model}' is not served by any configured provider.`, { param: 'model' });
    const result = await sendUpstreamWithRetries({
      upstream: context.upstream,
      retries: context.config.gateway.retries,
      targets: planUpstreamTargets(request.model, provider, context.config.fallbacks, context.providers),
      buildRequest: (target) => ({
        method: 'POST',
        path: '/embeddings',
        headers: buildUpstreamHeaders(c.req.raw.headers, target.provider, context.authenticator === null),
        body: target.isFallback ? replaceRequestModel(bodyText, target.model) : bodyText,
      }),
      stream: false,
      clientSignal: () => c.req.raw.signal,
    });
    const attemptHeaders: Record<string, string> = { 'x-understudy-attempts': String(result.attempts) };
    if (result.target.isFallback) attemptHeaders['x-understudy-fallback-model'] = result.target.model;
    const { answer } = result;
    if (answer.kind === 'error') return Response.json(toOpenAIErrorBody(answer.error), { status: answer.error.statusCode, headers: attemptHeaders });
    if (answer.kind === 'stream') throw new UnderstudyError('internal_error', 'An embeddings request was answered as a stream.');
    return new Response(answer.text, { status: answer.status, headers: { ...pickResponseHeaders(answer.headers), ...attemptHeaders } });
  };
}
