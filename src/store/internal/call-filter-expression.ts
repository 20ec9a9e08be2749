/**
 * The `where` clause shared by listing, counting and summarising calls, so the three always agree on what a
 * filter means.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../database.ts';
import type { CallFilter } from '../store.ts';

/** All given fields must match; an empty filter matches every call. */
export function callFilterExpression(builder: ExpressionBuilder<Database, 'calls'>, filter: CallFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.projectId !== undefined) conditions.push(builder('project_id', '=', filter.projectId));
  if (filter.episodeId !== undefined) conditions.push(builder('episode_id', '=', filter.episodeId));
  if (filter.task !== undefined) conditions.push(builder('task', '=', filter.task));
  if (filter.status !== undefined) conditions.push(builder('status', '=', filter.status));
  if (filter.source !== undefined) conditions.push(builder('source', '=', filter.source));
  // started_at holds whole milliseconds, so rounding the bounds up keeps `>=` and `<` exact while sparing
  // PostgreSQL a fractional value it would refuse for an int8 column.
  if (filter.since !== undefined) conditions.push(builder('started_at', '>=', Math.ceil(filter.since)));
  if (filter.until !== undefined) conditions.push(builder('started_at', '<', Math.ceil(filter.until)));
  return builder.and(conditions);
}
