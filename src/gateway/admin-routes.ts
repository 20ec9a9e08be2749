/**
 * The admin API, always behind the admin token (whatever the bind address) or a dashboard session cookie
 * (`/ui/login`): calls, keys, providers and the log writer's health, fresh dashboard login links, plus the
 * dashboard's routes (dashboard-routes.ts).
 */
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import { callSourceSchema, callStatusSchema } from '../contracts/call-record.ts';
import { UnderstudyError } from '../contracts/errors.ts';
import type { LogWriterStats } from '../capture/call-sink.ts';
import { parseBearer } from './api-key-authenticator.ts';
import { createDashboardRoutes } from './dashboard-routes.ts';
import { redactCallForDashboard } from './dashboard/redact-call-for-dashboard.ts';
import { createDataRoutes } from './data-routes.ts';
import type { GatewayContext } from './gateway-context.ts';
import { parseQuery } from './parse-query.ts';
import { parseJsonBody, readBodyText } from './request-body.ts';
import { uiLoginPath, uiSessionCookieName, type UiSessions } from './ui-sessions.ts';

const callQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  order: z.enum(['asc', 'desc']).default('desc'),
  project: z.string().optional(),
  episode: z.string().optional(),
  task: z.string().optional(),
  status: callStatusSchema.optional(),
  source: callSourceSchema.optional(),
  since: z.coerce.number().optional(),
  until: z.coerce.number().optional(),
});

/** `redact=false` for the call as stored; the default is what the dashboard's side panel shows. */
const callDetailQuerySchema = z.strictObject({ redact: z.enum(['true', 'false']).default('true') });

/** A key's own limit: a positive whole number, or null for the gateway's default. */
const keyLimitSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable();

const createKeySchema = z.strictObject({
  projectId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'letters, digits, "-" and "_" (max 64)').default('default'),
  name: z.string().min(1).max(200).default('unnamed'),
  rateLimitPerMinute: keyLimitSchema.optional(),
  maxBodyBytes: keyLimitSchema.optional(),
});

const keyLimitsSchema = z
  .strictObject({ rateLimitPerMinute: keyLimitSchema.optional(), maxBodyBytes: keyLimitSchema.optional() })
  .refine((limits) => limits.rateLimitPerMinute !== undefined || limits.maxBodyBytes !== undefined, 'give rateLimitPerMinute and/or maxBodyBytes');

/** The header the dashboard sends on every change: a cross-site form cannot set it (CSRF guard for cookie logins). */
export const uiRequestHeader = 'x-understudy-ui';

const readOnlyMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AdminRoutesOptions {
  writerStats: () => LogWriterStats | null;
  /** Dashboard sessions (`/ui/login`); without them only the admin token opens the API. */
  uiSessions?: UiSessions;
}

/** How the admin middleware let a request in (`adminCredential`): routes a session must not open check it. */
export interface AdminEnvironment {
  Variables: { adminCredential: 'admin-token' | 'session' };
}

export function createAdminRoutes(context: GatewayContext, options: AdminRoutesOptions): Hono<AdminEnvironment> {
  const { writerStats, uiSessions } = options;
  const admin = new Hono<AdminEnvironment>();
  admin.use('*', async (c, next) => {
    const token = parseBearer(c.req.header('authorization')) ?? c.req.header('x-understudy-admin-token');
    // A presented token decides alone: a wrong token is refused even next to a valid session cookie.
    if (token !== undefined || uiSessions === undefined || !uiSessions.verifySession(getCookie(c, uiSessionCookieName))) {
      if (!context.adminToken.verify(token)) {
        throw new UnderstudyError('invalid_admin_token', 'The admin API needs the admin token: "Authorization: Bearer <admin token>" (or a dashboard login).');
      }
      c.set('adminCredential', 'admin-token');
    } else if (!readOnlyMethods.has(c.req.method) && c.req.header(uiRequestHeader) !== '1') {
      // SameSite=Strict already keeps the cookie off cross-site requests; the header is the second lock.
      throw new UnderstudyError('forbidden', `Changes from a dashboard session need the header '${uiRequestHeader}: 1'.`);
    } else {
      c.set('adminCredential', 'session');
    }
    await next();
  });

  admin.get('/calls', async (c) => {
    const query = parseQuery(c, callQuerySchema);
    const filter = {
      projectId: query.project,
      episodeId: query.episode,
      task: query.task,
      status: query.status,
      source: query.source,
      since: query.since,
      until: query.until,
    };
    const [data, total] = await Promise.all([
      context.store.calls.list({ ...filter, limit: query.limit, offset: query.offset, order: query.order }),
      context.store.calls.count(filter),
    ]);
    return c.json({ object: 'list', data, total });
  });

  // Redacted by default: this is the dashboard's call side panel. `?redact=false` gives the stored record.
  admin.get('/calls/:id', async (c) => {
    const { redact } = parseQuery(c, callDetailQuerySchema);
    const call = await context.store.calls.get(c.req.param('id'));
    if (!call) throw new UnderstudyError('not_found', `No call with id '${c.req.param('id')}'.`);
    return c.json(redact === 'true' ? redactCallForDashboard(call) : call);
  });

  // A fresh one-time dashboard login link, for a gateway whose start-up link is spent or expired. Only the admin
  // token mints one: a session (perhaps a stolen cookie) must not be able to extend itself with new logins.
  admin.post('/login-links', (c) => {
    if (c.get('adminCredential') !== 'admin-token') {
      throw new UnderstudyError('forbidden', 'Login links are minted with the admin token only ("Authorization: Bearer <admin token>"), not from a dashboard session.');
    }
    if (uiSessions === undefined) throw new UnderstudyError('not_found', 'This gateway has no dashboard logins.');
    const { token, expiresAt } = uiSessions.mintLoginToken();
    // The address the client reached the gateway at is one a browser on its side can open too.
    return c.json({ url: `${new URL(c.req.url).origin}${uiLoginPath(token)}`, expiresAt }, 201);
  });

  admin.get('/summary', async (c) => {
    const project = c.req.query('project');
    const totals = await context.store.calls.summarize(project ? { projectId: project } : {});
    return c.json({ ...totals, logWriter: writerStats() });
  });

  admin.get('/keys', async (c) => c.json({ object: 'list', data: await context.store.apiKeys.list({ includeRevoked: true }) }));

  admin.post('/keys', async (c) => {
    const input = parseJsonBody(await readBodyText(c.req.raw, 64 * 1024), createKeySchema);
    await context.store.projects.ensure(input.projectId);
    const { record, secret } = await context.store.apiKeys.create(input);
    return c.json({ ...record, secret }, 201);
  });

  admin.patch('/keys/:id', async (c) => {
    const limits = parseJsonBody(await readBodyText(c.req.raw, 64 * 1024), keyLimitsSchema);
    const updated = await context.store.apiKeys.setLimits(c.req.param('id'), limits);
    if (!updated) throw new UnderstudyError('not_found', `No API key matches '${c.req.param('id')}'.`);
    // The cached key carries its old limits: drop it so the next request reads the new ones.
    context.authenticator?.forget(updated.id);
    return c.json(updated);
  });

  admin.delete('/keys/:id', async (c) => {
    const revoked = await context.store.apiKeys.revoke(c.req.param('id'));
    if (!revoked) throw new UnderstudyError('not_found', `No API key matches '${c.req.param('id')}'.`);
    context.authenticator?.forget(revoked.id);
    return c.json(revoked);
  });

  admin.get('/providers', async (c) =>
    c.json({
      object: 'list',
      data: context.providers.list().map((provider) => ({
        name: provider.name,
        baseUrl: provider.baseUrl,
        models: provider.models,
        hasKey: provider.apiKey !== undefined,
      })),
    }),
  );
  admin.route('/', createDashboardRoutes(context));
  admin.route('/', createDataRoutes(context));
  return admin;
}
