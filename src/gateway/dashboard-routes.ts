/**
 * The dashboard's admin routes (src/contracts/dashboard-api.ts), mounted under `/admin` behind the admin
 * middleware in admin-routes.ts. Each parses its query or body at the edge and hands typed values to one query
 * module under ./dashboard/, which computes its figures from the store on every request (no caches), so a page
 * always shows what a store query returns now.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { escalationReasonSchema } from '../contracts/route-policy.ts';
import { listEscalations } from './dashboard/escalations.ts';
import { getJob, listJobs } from './dashboard/jobs.ts';
import { listCatalogModels } from './dashboard/models.ts';
import { buildOverview, bucketSizesMs, type BucketName } from './dashboard/overview.ts';
import { changeRoute, routeChangeRequestSchema } from './dashboard/route-change.ts';
import { listSpecialists } from './dashboard/specialists.ts';
import { buildTaskDetail } from './dashboard/task-detail.ts';
import { listTaskRows } from './dashboard/task-rows.ts';
import type { GatewayContext } from './gateway-context.ts';
import { parseQuery } from './parse-query.ts';
import { parseJsonBody, readBodyText } from './request-body.ts';

const epochMs = z.coerce.number().int().nonnegative();

const overviewQuerySchema = z
  .strictObject({
    since: epochMs.optional(),
    until: epochMs.optional(),
    bucket: z.enum(Object.keys(bucketSizesMs) as [BucketName, ...BucketName[]]).optional(),
  })
  .refine((query) => query.since === undefined || query.until === undefined || query.since < query.until, { message: 'since must be before until', path: ['until'] });

const jobQuerySchema = z.strictObject({
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const escalationQuerySchema = z.strictObject({
  task: z.string().min(1).optional(),
  reason: escalationReasonSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Route bodies are a few hundred bytes. */
const routeChangeBodyLimit = 16 * 1024;

export function createDashboardRoutes(context: GatewayContext): Hono {
  const dashboard = new Hono();
  const { store } = context;

  dashboard.get('/overview', async (c) => c.json(await buildOverview(context, parseQuery(c, overviewQuerySchema))));

  dashboard.get('/tasks', async (c) => c.json({ object: 'list', data: await listTaskRows(store) }));
  // `{.+}`: task ids may hold slashes (`support/extract-order`), sent raw or as %2F.
  dashboard.get('/tasks/:id{.+}', async (c) => c.json(await buildTaskDetail(store, c.req.param('id'))));

  dashboard.put('/routes/:task{.+}', async (c) => {
    const change = parseJsonBody(await readBodyText(c.req.raw, routeChangeBodyLimit), routeChangeRequestSchema);
    return c.json(await changeRoute(context, c.req.param('task'), change));
  });

  dashboard.get('/jobs', async (c) => c.json({ object: 'list', data: await listJobs(store, parseQuery(c, jobQuerySchema)) }));
  dashboard.get('/jobs/:id', async (c) => c.json(await getJob(store, c.req.param('id'))));

  dashboard.get('/specialists', async (c) => c.json({ object: 'list', data: await listSpecialists(store) }));
  dashboard.get('/models', async (c) => c.json({ object: 'list', data: await listCatalogModels(context.dataDir ?? null) }));
  dashboard.get('/escalations', async (c) => c.json(await listEscalations(store, parseQuery(c, escalationQuerySchema))));
  return dashboard;
}
