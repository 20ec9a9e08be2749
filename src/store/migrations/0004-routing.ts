/**
 * Routing state: known tasks (what discovery found, so the router's classifier need not rediscover), one route
 * per task, the history of route changes, and what the router learned from each routed call; plus the routing
 * explanation on every logged call. See `TaskTable`, `RouteTable`, `RouteEventTable`, `RouteObservationTable`
 * and `CallTable.routing_json` in database.ts. Frozen once released, like every migration.
 */
import type { Kysely, Migration } from 'kysely';

export const routingMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Nullable with no default: calls logged before routing have no explanation, and read back as `routing: null`.
    await db.schema.alterTable('calls').addColumn('routing_json', 'text').execute();

    await db.schema
      .createTable('tasks')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('agency', 'text', (column) => column.notNull())
      .addColumn('signature_json', 'text', (column) => column.notNull())
      .addColumn('tools_json', 'text', (column) => column.notNull())
      .addColumn('response_format', 'text')
      .addColumn('call_count', 'integer', (column) => column.notNull())
      .addColumn('open_ended', 'integer', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .execute();

    // No foreign keys to tasks or specialists: a route may be written for a declared task before discovery has
    // stored it, and a retired specialist's history must stay readable.
    await db.schema
      .createTable('routes')
      .addColumn('task', 'text', (column) => column.primaryKey())
      .addColumn('mode', 'text', (column) => column.notNull())
      .addColumn('canary_share', 'double precision', (column) => column.notNull())
      .addColumn('specialist_id', 'text')
      .addColumn('confidence_threshold', 'double precision')
      .addColumn('timeout_ms', 'integer', (column) => column.notNull())
      .addColumn('audit_share', 'double precision', (column) => column.notNull())
      .addColumn('automatic', 'integer', (column) => column.notNull())
      .addColumn('reason', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('route_events')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('task', 'text', (column) => column.notNull())
      .addColumn('from_mode', 'text')
      .addColumn('to_mode', 'text', (column) => column.notNull())
      .addColumn('specialist_id', 'text')
      .addColumn('actor', 'text', (column) => column.notNull())
      .addColumn('reason', 'text', (column) => column.notNull())
      .addColumn('figures_json', 'text', (column) => column.notNull())
      .addColumn('at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('route_events_task_at_index').on('route_events').columns(['task', 'at']).execute();
    // Unfiltered history (the dashboard's "latest changes") would otherwise sort the whole table.
    await db.schema.createIndex('route_events_at_index').on('route_events').column('at').execute();

    await db.schema
      .createTable('route_observations')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('call_id', 'text', (column) => column.notNull())
      .addColumn('task', 'text', (column) => column.notNull())
      .addColumn('specialist_id', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('mode', 'text', (column) => column.notNull())
      .addColumn('valid', 'integer')
      .addColumn('agreed', 'integer')
      .addColumn('score', 'double precision')
      .addColumn('confidence', 'double precision')
      .addColumn('specialist_latency_ms', 'double precision')
      .addColumn('llm_cost_usd', 'double precision')
      .addColumn('escalation_reason', 'text')
      .addColumn('at', 'bigint', (column) => column.notNull())
      .execute();
    // The governor's windows (`recent`) read one task, newest first, optionally one specialist.
    await db.schema.createIndex('route_observations_task_at_index').on('route_observations').columns(['task', 'at']).execute();
    await db.schema
      .createIndex('route_observations_task_specialist_id_at_index')
      .on('route_observations')
      .columns(['task', 'specialist_id', 'at'])
      .execute();
  },
};
