/**
 * `GET /v1/models` and `POST /v1/embeddings`, passed through to providers. Models are merged across
 * providers (and the configured names added, so `/v1/models` lists what the gateway will route even when
 * a provider's list is unreachable). Embeddings go to the provider serving the requested model.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { UnderstudyError, asUnderstudyError } from '../contracts/errors.ts';
import { toUpstreamError } from '../providers/upstream-client.ts';
import type { GatewayContext } from './gateway-context.ts';
import { parseJsonBody, readBodyText } from './request-body.ts';
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
    if (context.authenticator) await context.authenticator.authenticate(c.req.header('authorization'));
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
    if (context.authenticator) await context.authenticator.authenticate(c.req.header('authorization'));
    const bodyText = await readBodyText(c.req.raw, context.config.gateway.bodyLimitBytes);
    const request = parseJsonBody(bodyText, embeddingsRequestSchema);
    const provider = context.providers.resolve(request.model);
    if (!provider) throw new UnderstudyError('model_not_found', `The model '${request.model}' is not served by any configured provider.`, { param: 'model' });
    try {
      const response = await context.upstream.send(provider, {
        method: 'POST',
        path: '/embeddings',
        headers: buildUpstreamHeaders(c.req.raw.headers, provider, context.authenticator === null),
        body: bodyText,
      });
      const text = await response.body.text();
      return new Response(text, { status: response.status, headers: pickResponseHeaders(response.headers) });
    } catch (error) {
      throw error instanceof UnderstudyError ? error : asUnderstudyError(toUpstreamError(error, provider));
    }
  };
}
