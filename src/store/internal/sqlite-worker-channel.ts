/**
 * The main thread's end of the SQLite worker: starts `sqlite-worker.js`, matches answers to requests and
 * turns the worker's death into `store_unavailable` for everyone waiting. Knows nothing about SQL or Kysely.
 */
import { Worker } from 'node:worker_threads';
import { UnderstudyError } from '../../contracts/errors.ts';
import { SqliteError } from './sqlite-error.ts';
import type { SqliteWorkerData, SqliteWorkerRequest, SqliteWorkerResponse } from './sqlite-worker-protocol.ts';

const workerScriptUrl = new URL('./sqlite-worker.js', import.meta.url);

/** How long `close()` waits for the worker to close the database cleanly before terminating it. */
const closeGraceMs = 5_000;

/** `Omit` that keeps a union a union, so each request kind keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

interface PendingRequest {
  resolve(response: SqliteWorkerResponse): void;
  reject(error: Error): void;
}

export interface SqliteWorkerChannelOptions {
  /** Absolute path of the database file. */
  filename: string;
  /** Called once the worker is running; tests use it to watch or kill the thread. */
  onWorkerStarted?: (worker: Worker) => void;
}

export class SqliteWorkerChannel {
  readonly #worker: Worker;
  readonly #pending = new Map<number, PendingRequest>();
  #nextId = 1;
  /** Set once the worker is gone (or going): every later request fails with it. */
  #failure: Error | undefined;
  #closing = false;
  readonly #exited: Promise<void>;

  private constructor(worker: Worker) {
    this.#worker = worker;
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (response: SqliteWorkerResponse) => this.#onResponse(response));
    worker.on('error', (error: Error) => this.#onWorkerGone(error));
    worker.on('exit', (code: number) => this.#onWorkerGone(undefined, code));
  }

  /**
   * Starts the worker and waits until the database is open with its pragmas applied.
   * @throws UnderstudyError `system_dependency_missing` when better-sqlite3 cannot be loaded, `store_unavailable`
   *   when the file cannot be opened.
   */
  static async start(options: SqliteWorkerChannelOptions): Promise<SqliteWorkerChannel> {
    const workerData: SqliteWorkerData = { filename: options.filename };
    // execArgv is emptied so the worker does not load the parent's TypeScript loader: the script is plain
    // JavaScript, and loading tsx there would only cost start-up time.
    const worker = new Worker(workerScriptUrl, { workerData, execArgv: [] });
    options.onWorkerStarted?.(worker);
    const first = await new Promise<SqliteWorkerResponse>((resolve, reject) => {
      const onMessage = (response: SqliteWorkerResponse): void => {
        cleanUp();
        resolve(response);
      };
      const onError = (error: Error): void => {
        cleanUp();
        reject(error);
      };
      const onExit = (code: number): void => {
        cleanUp();
        reject(new Error(`the SQLite worker exited with code ${code} before opening the database`));
      };
      const cleanUp = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw new UnderstudyError('store_unavailable', `Could not start the SQLite worker: ${errorMessage(error)}`, { cause: error });
    });
    if (first.kind === 'init-failed') {
      await worker.terminate();
      const cause = SqliteError.fromSerialized(first.error);
      if (first.dependencyMissing) {
        throw new UnderstudyError(
          'system_dependency_missing',
          `better-sqlite3 could not be loaded (${first.error.message}); reinstall dependencies with build tools present (python3, make, g++)`,
          { cause },
        );
      }
      throw new UnderstudyError('store_unavailable', `Could not open the SQLite database ${options.filename}: ${first.error.message}`, { cause });
    }
    if (first.kind !== 'ready') {
      await worker.terminate();
      throw new UnderstudyError('store_unavailable', `The SQLite worker sent ${first.kind} before it was ready`);
    }
    const channel = new SqliteWorkerChannel(worker);
    // An idle worker must not keep the process alive: `request` refs it only while an answer is awaited.
    worker.unref();
    return channel;
  }

  /** Sends one request and resolves with its answer; a `failed` answer rejects with a `SqliteError`. */
  request(request: WithoutId<SqliteWorkerRequest>): Promise<SqliteWorkerResponse> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closing) return Promise.reject(storeClosedError());
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  /** Closes the database in the worker (checkpointing the WAL), then makes sure the thread is gone. */
  async close(): Promise<void> {
    if (this.#closing) {
      await this.#exited;
      return;
    }
    if (this.#failure === undefined) {
      const id = this.#nextId++;
      const closed = new Promise<SqliteWorkerResponse>((resolve, reject) => {
        this.#worker.ref();
        this.#pending.set(id, { resolve, reject });
        this.#worker.postMessage({ kind: 'close', id } satisfies SqliteWorkerRequest);
      });
      this.#closing = true;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, closeGraceMs);
      });
      await Promise.race([closed.catch(() => undefined), timedOut]);
      clearTimeout(timer);
    }
    this.#closing = true;
    await this.#worker.terminate();
    await this.#exited;
  }

  #onResponse(response: SqliteWorkerResponse): void {
    if (!('id' in response)) return;
    const pending = this.#pending.get(response.id);
    if (pending === undefined) return;
    this.#pending.delete(response.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (response.kind === 'failed') pending.reject(SqliteError.fromSerialized(response.error));
    else pending.resolve(response);
  }

  #onWorkerGone(error: Error | undefined, exitCode?: number): void {
    if (this.#failure !== undefined) return;
    const expected = this.#closing;
    const message = expected
      ? 'The store is closed'
      : error !== undefined
        ? `The SQLite worker crashed: ${error.message}`
        : `The SQLite worker exited unexpectedly with code ${exitCode ?? 'unknown'}`;
    this.#failure = new UnderstudyError('store_unavailable', message, error === undefined ? {} : { cause: error });
    for (const pending of this.#pending.values()) pending.reject(this.#failure);
    this.#pending.clear();
  }
}

function storeClosedError(): UnderstudyError {
  return new UnderstudyError('store_unavailable', 'The store is closed');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
