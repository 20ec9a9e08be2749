/** Query strings of the admin API, parsed once at the edge into typed values. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { UnderstudyError } from '../contracts/errors.ts';

/** Parses `c.req.query()` with `schema`; the first problem becomes an `invalid_request` naming the parameter. */
export function parseQuery<Schema extends z.ZodType>(c: Context, schema: Schema): z.infer<Schema> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.map(String).join('.');
    throw new UnderstudyError('invalid_request', `Invalid query parameter '${param}': ${issue.message}`, { param });
  }
  return parsed.data;
}
