/**
 * The admin API's data-protection routes (docs/data-protection.md): `POST /admin/data/deletions` deletes the
 * calls of an episode, an end user or a project, and everything built from them. The gateway's own log writer
 * is flushed first, so a call logged a moment before the request is deleted as well.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { UnderstudyError } from '../contracts/errors.ts';
import { deleteCapturedData } from '../curate/delete-captured-data.ts';
import { cacheDirectory } from '../providers/cache-directory.ts';
import type { GatewayContext } from './gateway-context.ts';
import { parseJsonBody, readBodyText } from './request-body.ts';

const tagSchema = z.string().min(1).max(200);

export const dataDeletionRequestSchema = z
  .strictObject({
    projectId: tagSchema.optional(),
    episodeId: tagSchema.optional(),
    endUserId: tagSchema.optional(),
    /** A deletion cannot be undone: the caller says so. */
    confirm: z.boolean().optional(),
  })
  .refine((body) => body.projectId !== undefined || body.episodeId !== undefined || body.endUserId !== undefined, {
    message: 'name what to delete: projectId, episodeId or endUserId (several narrow it down)',
  });

export function createDataRoutes(context: GatewayContext): Hono {
  const routes = new Hono();
  routes.post('/data/deletions', async (c) => {
    const body = parseJsonBody(await readBodyText(c.req.raw, 16 * 1024), dataDeletionRequestSchema);
    if (body.confirm !== true) throw new UnderstudyError('invalid_request', 'A deletion cannot be undone: send "confirm": true with it.');
    if (context.dataDir === undefined) throw new UnderstudyError('not_found', 'This gateway has no data directory to delete from.');
    const report = await deleteCapturedData({
      store: context.store,
      dataDir: context.dataDir,
      cacheDir: cacheDirectory(context.dataDir),
      selector: {
        ...(body.projectId === undefined ? {} : { projectId: body.projectId }),
        ...(body.episodeId === undefined ? {} : { episodeId: body.episodeId }),
        ...(body.endUserId === undefined ? {} : { endUserId: body.endUserId }),
      },
      ...(context.flushCalls === undefined ? {} : { flushCalls: context.flushCalls }),
    });
    return c.json({ object: 'data.deletion', ...report });
  });
  return routes;
}
