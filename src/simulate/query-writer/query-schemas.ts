/**
 * The registry of simulated databases. Train episodes draw only schemas that are not held out; eval
 * episodes may draw every schema, so evaluation covers both unseen values and an unseen schema.
 */
import type { DataSplit } from '../simulated-task.ts';
import { airlineSchema } from './airline-schema.ts';
import { clinicSchema } from './clinic-schema.ts';
import { hrSchema } from './hr-schema.ts';
import type { QuerySchema, QuerySchemaId } from './query-schema.ts';
import { shopSchema } from './shop-schema.ts';

export const querySchemas: readonly QuerySchema[] = [shopSchema, hrSchema, airlineSchema, clinicSchema];

export function querySchemaById(schemaId: QuerySchemaId): QuerySchema {
  const schema = querySchemas.find((candidate) => candidate.id === schemaId);
  if (schema === undefined) throw new Error(`unknown query schema: ${schemaId}`);
  return schema;
}

export function isQuerySchemaId(value: string): value is QuerySchemaId {
  return querySchemas.some((schema) => schema.id === value);
}

/** Schemas an episode of this split may use. */
export function schemasForSplit(split: DataSplit): readonly QuerySchema[] {
  return split === 'train' ? querySchemas.filter((schema) => !schema.heldOut) : querySchemas;
}
