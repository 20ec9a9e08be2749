/**
 * Node's HTTP parser refuses some requests before the app sees them (headers over 16 KiB, malformed framing,
 * a bad chunk size, a request line it cannot read) and by default answers with a bare status line. This
 * answers them like every other client mistake instead: a 4xx with OpenAI's error body, then the connection
 * closes (the bytes after the fault cannot be trusted to start a new request).
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { RequestError } from '@hono/node-server';
import { UnderstudyError, asUnderstudyError, toOpenAIErrorBody } from '../contracts/errors.ts';

/** A `clientError` listener for the gateway's HTTP server. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Node's own rule: answer unless a response on this (keep-alive) socket has already begun.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const refusal = describeRefusal(error);
  const body = JSON.stringify(toOpenAIErrorBody(refusal));
  const head = [`HTTP/1.1 ${refusal.statusCode} ${STATUS_CODES[refusal.statusCode] ?? 'Bad Request'}`, 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`, 'connection: close'];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  // Whatever the client still sends is not read; drop the socket once the answer is out (or soon, regardless).
  socket.once('finish', () => socket.destroy());
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/**
 * The adapter's `errorHandler`: a request line it cannot turn into a URL (`OPTIONS *`, an invalid Host or
 * absolute URL) is the client's mistake, a 400; anything else thrown before the app ran is ours.
 */
export function answerUnreadableRequest(error: unknown): Response {
  const refusal = error instanceof RequestError ? new UnderstudyError('invalid_request', `Malformed HTTP request: ${error.message}`) : asUnderstudyError(error);
  return Response.json(toOpenAIErrorBody(refusal), { status: refusal.statusCode, headers: { connection: 'close' } });
}

function describeRefusal(error: NodeJS.ErrnoException): UnderstudyError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new UnderstudyError('request_too_large', 'The request headers exceed the HTTP server limit (16 KiB).', { statusCode: 431 });
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new UnderstudyError('request_too_large', 'The chunk extensions of the request body are too large.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new UnderstudyError('invalid_request', 'The request did not arrive in time.', { statusCode: 408 });
    default:
      return new UnderstudyError('invalid_request', `Malformed HTTP request (${error.code ?? 'parse error'}): ${error.message}`);
  }
}
