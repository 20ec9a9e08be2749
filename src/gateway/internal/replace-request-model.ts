/**
 * The body sent to a fallback model: the client's request as it would have gone to the requested model,
 * with only `model` replaced. Works on the text the gateway was about to send (already parsed and
 * validated once at the edge), so fields our schemas do not know survive unchanged.
 */
import { UnderstudyError } from '../../contracts/errors.ts';

export function replaceRequestModel(bodyText: string, model: string): string {
  const body: unknown = JSON.parse(bodyText);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    // The edge validated this body as a JSON object; anything else here is a bug.
    throw new UnderstudyError('internal_error', 'The request body to re-send to a fallback model is not a JSON object.');
  }
  return JSON.stringify({ ...body, model });
}
