/** Starts a stand-in server on 127.0.0.1 (tests use loopback only) and resolves with its port. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  // Longer than undici's 4 s client keep-alive, so the client always closes an idle socket first and a
  // benchmark never races a server-side close.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
