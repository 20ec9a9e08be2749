/**
 * `POST /v1/understudy/ingest`: the SDK listeners' way into the same store as the gateway when they run
 * in another process. Body `{"calls": CallRecord[]}`, gateway key required; each call is validated like
 * any other input and filed under the key's project, whatever project it claims.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { callRecordSchema } from '../contracts/call-record.ts';
import { defaultProjectId, type GatewayContext } from './gateway-context.ts';
import { parseJsonBody, readBodyText } from './request-body.ts';

const ingestBodySchema = z.strictObject({ calls: z.array(callRecordSchema).max(10_000) });

export function createIngestHandler(context: GatewayContext) {
  return async function handleIngest(c: Context): Promise<Response> {
    const projectId = context.authenticator
      ? (await context.authenticator.authenticate(c.req.header('authorization'))).projectId
      : defaultProjectId;
    const bodyText = await readBodyText(c.req.raw, context.config.gateway.bodyLimitBytes);
    const { calls } = parseJsonBody(bodyText, ingestBodySchema);
    for (const call of calls) context.sink.append({ ...call, projectId, source: call.source === 'gateway' ? 'sdk' : call.source });
    return c.json({ accepted: calls.length });
  };
}
