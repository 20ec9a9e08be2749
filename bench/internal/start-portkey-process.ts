/**
 * Runs the open-source Portkey gateway (`@portkey-ai/gateway`, a dev dependency) as its own Node process,
 * the way its README starts it (`npx @portkey-ai/gateway`, i.e. `build/start-server.js`), with
 * `--headless` so its local log-viewer UI is not served. Portkey stores nothing, so this is its fastest
 * configuration: the comparison is our gateway with logging on against Portkey with logging off.
 *
 * Portkey routes a request by headers: `x-portkey-provider: openai` plus `x-portkey-custom-host` pointing
 * at the stand-in upstream (loopback hosts are on its default trusted list), with the client's
 * `Authorization` passed on as the provider key.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { benchProviderKey } from './bench-fixtures.ts';

export interface PortkeyProcess {
  origin: string;
  pid: number;
  /** Headers that make Portkey forward a request to `upstreamUrl`. */
  routingHeaders: Record<string, string>;
  close(): Promise<void>;
}

const startTimeoutMs = 30_000;

function findStartScript(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@portkey-ai/gateway/package.json');
  return path.join(path.dirname(manifestPath), 'build', 'start-server.js');
}

/** Portkey takes its port on the command line only, so ask the OS for a free one first. */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startPortkeyProcess(upstreamUrl: string): Promise<PortkeyProcess> {
  const port = await findFreePort();
  const child = spawn(process.execPath, [findStartScript(), `--port=${port}`, '--headless'], {
    // Its stdout is a start-up spinner; stderr is kept (and drained, so a full pipe never blocks it).
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env },
  });
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-4000);
  });
  let exitCode: number | null = null;
  child.once('exit', (code) => {
    exitCode = code ?? -1;
  });

  const deadline = Date.now() + startTimeoutMs;
  while (!(await canConnect(port))) {
    if (exitCode !== null) throw new Error(`Portkey exited with code ${exitCode} before listening:\n${stderrTail}`);
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`Portkey did not listen on port ${port} within ${startTimeoutMs} ms:\n${stderrTail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    routingHeaders: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstreamUrl, authorization: `Bearer ${benchProviderKey}` },
    async close() {
      if (exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const stuck = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(stuck);
    },
  };
}
