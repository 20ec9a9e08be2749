/**
 * `POST /v1/understudy/ingest`: the SDK listeners' way into the same store as the gateway when they run
 * in another process. Body `{"calls": CallRecord[]}`, gateway key required; each call is validated like
 * any other input and filed under the key's project, whatever project it claims.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { callRecordSchema } from '../contracts/call-record.ts';
import { admitRequest } from './admit-request.ts';
import type { GatewayContext } from './gateway-context.ts';
import { parseJsonBody } from './request-body.ts';

const ingestBodySchema = z.strictObject({ calls: z.array(callRecordSchema).max(10_000) });

export function createIngestHandler(context: GatewayContext) {
  return async function handleIngest(c: Context): Promise<Response> {
    const { projectId, bodyText } = await admitRequest(context, c);
    const { calls } = parseJsonBody(bodyText, ingestBodySchema);
    for (const call of calls) context.sink.append({ ...call, projectId, source: call.source === 'gateway' ? 'sdk' : call.source });
    return c.json({ accepted: calls.length });
  };
}
