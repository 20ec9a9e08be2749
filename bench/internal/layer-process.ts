/**
 * Child-process entry for the latency breakdown (`bench/gateway-layers.ts`): a bare proxy built from one
 * more layer of our gateway's stack at a time, so the cost of each layer can be read off as a difference.
 * Arguments: the layer kind and the upstream URL. Every kind forwards `POST /v1/chat/completions` to the
 * upstream with the same undici `Agent` settings as `src/providers/upstream-client.ts`.
 *
 * - `node-http-proxy`: `node:http` + undici — the floor for any Node proxy.
 * - `hono-proxy`: `@hono/node-server` + Hono, body read with `request.text()` (the adapter's fast path).
 * - `hono-proxy-body-getter`: the same, but touches `request.body` first, as `readBodyText` in
 *   `src/gateway/request-body.ts` does; on the adapter's lightweight request that getter builds a full
 *   WHATWG `Request` with a `ReadableStream` body and an `AbortSignal`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Agent } from 'undici';
import { z } from 'zod';
import { layerKinds } from './child-service-messages.ts';
import { runChildService } from './run-child-service.ts';

const argumentsSchema = z.tuple([z.enum(layerKinds), z.url()]);

function listening(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

runChildService(async () => {
  const [kind, upstreamUrl] = argumentsSchema.parse(process.argv.slice(2));
  const upstream = new URL(upstreamUrl);
  const upstreamPath = `${upstream.pathname.replace(/\/$/, '')}/chat/completions`;
  const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  const forward = async (body: string, authorization: string): Promise<{ status: number; text: string }> => {
    const response = await agent.request({
      origin: upstream.origin,
      path: upstreamPath,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body,
    });
    return { status: response.statusCode, text: await response.body.text() };
  };

  let server: Server;
  if (kind === 'node-http-proxy') {
    server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        forward(Buffer.concat(chunks).toString('utf8'), incoming.headers.authorization ?? '').then(
          ({ status, text }) => {
            outgoing.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
            outgoing.end(text);
          },
          () => {
            outgoing.writeHead(502).end();
          },
        );
      });
    });
    await listening(server);
  } else {
    const touchBody = kind === 'hono-proxy-body-getter';
    const app = new Hono();
    app.post('/v1/chat/completions', async (context) => {
      const request = context.req.raw;
      if (touchBody && request.body === null) return new Response('', { status: 400 });
      const { status, text } = await forward(await request.text(), request.headers.get('authorization') ?? '');
      return new Response(text, { status, headers: { 'content-type': 'application/json' } });
    });
    server = await new Promise<Server>((resolve) => {
      const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started as Server));
    });
  }
  const { port } = server.address() as AddressInfo;
  return {
    ready: { url: `http://127.0.0.1:${port}/v1` },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await agent.close();
    },
  };
});
