/**
 * Sends bytes no HTTP client library would write (a Content-Length smaller than the body, malformed chunks,
 * duplicate headers, bare LF line ends) over a plain TCP socket and parses whatever comes back as a series of
 * HTTP/1.1 responses. The socket is half-closed after writing, so the server sees the end of the request bytes
 * and must answer or close; a socket still silent after `timeoutMs` is a hang.
 */
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  responses: RawResponse[];
  /** True when the server neither answered completely nor closed within the time limit. */
  hung: boolean;
  /** Bytes received, for reports. */
  received: string;
}

export function sendRawHttp(port: number, bytes: Uint8Array, timeoutMs: number): Promise<RawExchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port });
    let settled = false;
    const finish = (hung: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const received = Buffer.concat(chunks).toString('latin1');
      resolve({ responses: parseResponses(received), hung, received });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('connect', () => {
      socket.write(bytes);
      socket.end();
    });
  });
}

/** Splits the received bytes into responses; stops at the first one that is incomplete. */
export function parseResponses(received: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = received;
  while (rest.length > 0) {
    const headerEnd = rest.indexOf('\r\n\r\n');
    if (headerEnd < 0) break;
    const [statusLine = '', ...headerLines] = rest.slice(0, headerEnd).split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!match) break;
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let body = '';
    let after = rest.slice(headerEnd + 4);
    if (headers['transfer-encoding']?.includes('chunked')) {
      const parsed = readChunkedBody(after);
      body = parsed.body;
      after = parsed.rest;
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      body = after.slice(0, length);
      after = after.slice(length);
    } else if (headers['connection'] === 'close' || !/^HTTP\//.test(after)) {
      body = after;
      after = '';
    }
    responses.push({ status: Number(match[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8') });
    rest = after;
  }
  return responses;
}

function readChunkedBody(text: string): { body: string; rest: string } {
  let body = '';
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd < 0) return { body, rest: '' };
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!Number.isFinite(size)) return { body, rest: '' };
    rest = rest.slice(lineEnd + 2);
    if (size === 0) return { body, rest: rest.startsWith('\r\n') ? rest.slice(2) : rest };
    body += rest.slice(0, size);
    rest = rest.slice(size + 2);
  }
}
