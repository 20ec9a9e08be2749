/**
 * Reads and validates a JSON request body at the edge: size limit first (from Content-Length when the
 * client sends one, else while reading), then JSON, then the zod schema. Every failure is a 4xx
 * UnderstudyError naming the field at fault, in OpenAI's error format.
 */
import type { z } from 'zod';
import { UnderstudyError } from '../contracts/errors.ts';

/** Requests whose body was read to the end; any other request with a body may have bytes left unread. */
const fullyReadBodies = new WeakSet<Request>();

/**
 * Whether the client sent a body that was not read to the end (an error answered early): the connection
 * must then close rather than be reused with unread bytes on it.
 */
export function hasUnreadBody(request: Request): boolean {
  if (fullyReadBodies.has(request)) return false;
  const length = request.headers.get('content-length');
  return (length !== null && length !== '0') || request.headers.has('transfer-encoding');
}

export async function readBodyText(request: Request, limitBytes: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (Number(declared) > limitBytes) throw tooLarge(limitBytes);
    // `text()` is @hono/node-server's fast path: it reads the socket directly. Touching `request.body`
    // would build a full WHATWG Request with a stream and an AbortSignal (~0.15 ms per request).
    const text = await request.text().catch(unreadable);
    fullyReadBodies.add(request);
    return text;
  }
  if (!request.headers.has('transfer-encoding')) return '';
  // Chunked upload: count while reading so an endless body is cut off at the limit.
  const body = request.body;
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(unreadable);
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  fullyReadBodies.add(request);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Deeper bodies are refused: `JSON.stringify` and our own walkers (logging, metadata stripping, redaction) recurse,
 * and a few thousand levels overflow the stack — a 500 for the client's mistake, found by the gateway fuzzer. Real
 * requests, nested JSON schemas included, stay far below.
 */
export const maxJsonNesting = 256;

/** Bracket depth of valid JSON text, outside strings; stops at the first level past `limit`. */
function nestsDeeperThan(text: string, limit: number): boolean {
  if (text.length <= 2 * limit) return false; // each level costs at least two characters
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index += 1; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === 0x7d || code === 0x5d) depth -= 1;
  }
  return false;
}

export function parseJsonBody<Schema extends z.ZodType>(text: string, schema: Schema): z.infer<Schema> {
  if (text.trim().length === 0) throw new UnderstudyError('invalid_json', 'The request body is empty; send a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UnderstudyError('invalid_json', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UnderstudyError('invalid_request', 'The request body must be a JSON object.');
  }
  if (nestsDeeperThan(text, maxJsonNesting)) {
    throw new UnderstudyError('invalid_request', `The request body nests objects or arrays more than ${maxJsonNesting} levels deep.`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.map(String).join('.');
    const message = issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? `Missing required parameter: '${param}'.` : `Invalid '${param || 'body'}': ${issue.message}`;
    throw new UnderstudyError('invalid_request', message, { param: param || undefined });
  }
  return parsed.data;
}

/** The client cut its body short (a Content-Length longer than what it sent, a broken chunk): its mistake, a 400. */
function unreadable(error: unknown): never {
  throw new UnderstudyError('invalid_request', `The request body could not be read to its end: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

function tooLarge(limitBytes: number): UnderstudyError {
  return new UnderstudyError('request_too_large', `The request body exceeds the gateway limit of ${limitBytes} bytes.`);
}
