/**
 * The HTTP edge: an OpenAI-compatible API (`/v1/chat/completions`, `/v1/models`, `/v1/embeddings`),
 * the SDK ingest endpoint, health, the admin API and the dashboard's pages (`/ui`). Browser origins are checked
 * first (origin-policy.ts: closed unless `gateway.cors` opens `/v1`). Every error leaves through one handler that
 * renders the error family's OpenAI-format body; client mistakes are 4xx, never 500.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { UnderstudyError, asUnderstudyError, toOpenAIErrorBody } from '../contracts/errors.ts';
import type { LogWriterStats } from '../capture/call-sink.ts';
import { createAdminRoutes } from './admin-routes.ts';
import { createChatCompletionsHandler } from './chat-completions-handler.ts';
import type { GatewayContext } from './gateway-context.ts';
import { createIngestHandler } from './ingest-handler.ts';
import { createOriginPolicy } from './origin-policy.ts';
import { hasUnreadBody } from './request-body.ts';
import { createEmbeddingsHandler, createModelsHandler } from './passthrough-handlers.ts';
import { createUiRoutes } from './ui-routes.ts';
import { createUiSessions, type UiSessions } from './ui-sessions.ts';

export interface CreateGatewayOptions {
  /** Log writer health for `/admin/summary`; null when the sink is not a log writer (tests). */
  writerStats?: () => LogWriterStats | null;
  /** Where unexpected (5xx) errors are reported. */
  reportError?: (error: UnderstudyError) => void;
  /** Dashboard logins (`/ui/login`); default a fresh set, so only tokens minted through it work. */
  uiSessions?: UiSessions;
  /** The built dashboard served under `/ui`; default `<package root>/dist/ui`. */
  uiDirectory?: string;
}

export function createGateway(context: GatewayContext, options: CreateGatewayOptions = {}): Hono {
  const app = new Hono();
  const reportError = options.reportError ?? ((error) => console.error(`[understudy] ${error.code}: ${error.message}`));

  app.onError((thrown, c) => {
    const error = thrown instanceof HTTPException ? fromHttpException(thrown) : asUnderstudyError(thrown);
    if (error.statusCode >= 500 && !error.code.startsWith('upstream_')) reportError(error);
    // An error answered before the request body was read whole (401, 413) leaves unread bytes on the
    // socket: close the connection rather than let the client reuse it in an unknown state.
    return c.json(toOpenAIErrorBody(error), error.statusCode as 500, hasUnreadBody(c.req.raw) ? { connection: 'close' } : undefined);
  });
  app.notFound((c) => {
    const error = new UnderstudyError('route_not_found', `Unknown path: ${c.req.method} ${c.req.path}`);
    return c.json(toOpenAIErrorBody(error), 404);
  });

  // Before every route, so a foreign origin is refused before any handler (or its body) runs.
  app.use('*', createOriginPolicy(context.config.gateway.cors));
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.post('/v1/chat/completions', createChatCompletionsHandler(context));
  app.get('/v1/models', createModelsHandler(context));
  app.post('/v1/embeddings', createEmbeddingsHandler(context));
  app.post('/v1/understudy/ingest', createIngestHandler(context));
  for (const path of ['/v1/chat/completions', '/v1/embeddings', '/v1/understudy/ingest', '/v1/models']) {
    app.all(path, (c) => {
      throw new UnderstudyError('method_not_allowed', `Method ${c.req.method} is not allowed on ${path}.`);
    });
  }
  const uiSessions = options.uiSessions ?? createUiSessions();
  app.route('/admin', createAdminRoutes(context, { writerStats: options.writerStats ?? (() => null), uiSessions }));
  app.route('/', createUiRoutes({ sessions: uiSessions, ...(options.uiDirectory === undefined ? {} : { directory: options.uiDirectory }) }));
  return app;
}

function fromHttpException(exception: HTTPException): UnderstudyError {
  if (exception.status === 413) return new UnderstudyError('request_too_large', exception.message || 'Request body too large.');
  if (exception.status >= 400 && exception.status < 500) {
    return new UnderstudyError('invalid_request', exception.message || 'Bad request.', { statusCode: exception.status });
  }
  return new UnderstudyError('internal_error', exception.message || 'Internal error.', { cause: exception });
}
