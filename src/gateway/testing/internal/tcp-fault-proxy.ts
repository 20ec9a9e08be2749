/**
 * A loopback TCP proxy that can cut a service off: the fault suite puts it between the gateway and PostgreSQL,
 * so "the database went away" is a real network event (every open connection dies, new ones are refused) rather
 * than a stubbed repository. `restore()` lets connections through again; the gateway must reconnect by itself.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpFaultProxy {
  /** The loopback port to connect to instead of the target's. */
  port: number;
  /** Destroys every open connection (both sides) and resets new ones until `restore`. */
  cut(): void;
  restore(): void;
  /** Connections accepted (and forwarded) since start. */
  readonly accepted: number;
  /** Connections refused while cut. */
  readonly refused: number;
  close(): Promise<void>;
}

export async function startTcpFaultProxy(target: { host: string; port: number }): Promise<TcpFaultProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  let accepted = 0;
  let refused = 0;

  const server: Server = createServer((client) => {
    if (isCut) {
      refused += 1;
      client.resetAndDestroy();
      return;
    }
    accepted += 1;
    const upstream = createConnection({ host: target.host, port: target.port });
    open.add(client);
    open.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

  return {
    port,
    cut() {
      isCut = true;
      // RST rather than FIN: a server that vanished does not say goodbye.
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    restore() {
      isCut = false;
    },
    get accepted() {
      return accepted;
    },
    get refused() {
      return refused;
    },
    close() {
      for (const socket of open) socket.destroy();
      open.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
