/**
 * A real HTTP server on 127.0.0.1 for the model-download tests: serves in-memory files with `Range` support
 * (as static hosts and CDNs do), counts the body bytes it sends so a test can prove a resume did not download
 * bytes twice, and can drop the connection half-way through one response to simulate a flaky network.
 * Extra routes (a PyPI JSON API, Ollama's pull endpoint) are plain node:http handlers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type LoopbackRouteHandler = (incoming: IncomingMessage, outgoing: ServerResponse, body: string) => void;

export interface LoopbackFileServer {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  url: string;
  /** Body bytes written for served files, over all requests (a cut response counts what was written). */
  servedBytes: () => number;
  /** One entry per file response: the Range start asked for and the body bytes written. */
  fileResponses: Array<{ urlPath: string; rangeStart: number; servedBytes: number }>;
  /** Method and path of every request, in order. */
  requests: string[];
  /** The next file response is cut (socket destroyed) after this many body bytes. */
  cutNextResponseAfter: (bytes: number) => void;
  setFile: (urlPath: string, content: Buffer) => void;
  setRoute: (method: string, urlPath: string, handler: LoopbackRouteHandler) => void;
  close: () => Promise<void>;
}

export async function startLoopbackFileServer(files: Record<string, Buffer> = {}): Promise<LoopbackFileServer> {
  const fileMap = new Map(Object.entries(files));
  const routes = new Map<string, LoopbackRouteHandler>();
  const requests: string[] = [];
  let servedBytes = 0;
  const fileResponses: LoopbackFileServer['fileResponses'] = [];
  let cutAfter: number | undefined;

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const urlPath = new URL(incoming.url ?? '/', 'http://loopback').pathname;
      requests.push(`${incoming.method} ${urlPath}`);
      const route = routes.get(`${incoming.method} ${urlPath}`);
      if (route !== undefined) return route(incoming, outgoing, Buffer.concat(chunks).toString('utf8'));
      const content = fileMap.get(urlPath);
      if (content === undefined || (incoming.method !== 'GET' && incoming.method !== 'HEAD')) {
        outgoing.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      serveFile(incoming, outgoing, urlPath, content);
    });
  });

  function serveFile(incoming: IncomingMessage, outgoing: ServerResponse, urlPath: string, content: Buffer): void {
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(incoming.headers.range ?? '');
    if (range?.[1] !== undefined) {
      start = Number(range[1]);
      if (start >= content.length) {
        outgoing.writeHead(416, { 'content-range': `bytes */${content.length}` }).end();
        return;
      }
      outgoing.writeHead(206, {
        'content-length': content.length - start,
        'content-range': `bytes ${start}-${content.length - 1}/${content.length}`,
        'accept-ranges': 'bytes',
      });
    } else {
      outgoing.writeHead(200, { 'content-length': content.length, 'accept-ranges': 'bytes' });
    }
    if (incoming.method === 'HEAD') {
      outgoing.end();
      return;
    }
    const body = content.subarray(start);
    if (cutAfter !== undefined) {
      const sent = body.subarray(0, cutAfter);
      cutAfter = undefined;
      servedBytes += sent.length;
      fileResponses.push({ urlPath, rangeStart: start, servedBytes: sent.length });
      outgoing.write(sent, () => outgoing.socket?.destroy());
      return;
    }
    servedBytes += body.length;
    fileResponses.push({ urlPath, rangeStart: start, servedBytes: body.length });
    outgoing.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    servedBytes: () => servedBytes,
    fileResponses,
    requests,
    cutNextResponseAfter: (bytes) => {
      cutAfter = bytes;
    },
    setFile: (urlPath, content) => fileMap.set(urlPath, content),
    setRoute: (method, urlPath, handler) => routes.set(`${method} ${urlPath}`, handler),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
