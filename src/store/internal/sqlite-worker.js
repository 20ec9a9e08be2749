/**
 * The thread that owns the SQLite connection. better-sqlite3 is synchronous: a 20,000-row batch insert would
 * hold the event loop for the whole write if it ran on the main thread, so the connection lives here and the
 * driver (`sqlite-worker-driver.ts`) posts compiled queries to it.
 *
 * Plain JavaScript on purpose: a worker does not inherit a TypeScript loader that the CLI registers
 * programmatically, so this file must run on bare Node. The message shapes are written down in
 * `sqlite-worker-protocol.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads';

/** Prepared statements are reused: batch inserts repeat the same 100-row statement hundreds of times. */
const statementCacheSize = 200;

if (parentPort === null) {
  throw new Error('sqlite-worker.js must be started as a worker thread');
}
const port = parentPort;

/** @type {import('better-sqlite3').Database | undefined} */
let database;
/** @type {Map<string, import('better-sqlite3').Statement>} */
const statements = new Map();
/** The open streaming iterator, if any; one connection runs one stream at a time. */
/** @type {IterableIterator<unknown> | undefined} */
let openIterator;

/** @param {unknown} error */
function serializeError(error) {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return { name: error.name, message: error.message, code };
  }
  return { name: 'Error', message: String(error), code: undefined };
}

/**
 * better-sqlite3 binds only numbers, strings, bigints, Buffers and null. Structured cloning turns Buffers into
 * plain Uint8Arrays, and portable code stores booleans, so both are converted here.
 * @param {readonly unknown[]} parameters
 */
function toBindable(parameters) {
  return parameters.map((value) => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
    return value;
  });
}

/** @param {string} sql */
function prepare(sql) {
  if (database === undefined) throw new Error('database is not open');
  const cached = statements.get(sql);
  if (cached !== undefined) {
    // Re-inserting moves the entry to the end, so the map's first key is the least recently used.
    statements.delete(sql);
    statements.set(sql, cached);
    return cached;
  }
  const statement = database.prepare(sql);
  statements.set(sql, statement);
  if (statements.size > statementCacheSize) {
    const oldest = statements.keys().next().value;
    if (oldest !== undefined) statements.delete(oldest);
  }
  return statement;
}

/** @param {{ id: number; sql: string; parameters: readonly unknown[] }} request */
function runQuery(request) {
  const statement = prepare(request.sql);
  const parameters = toBindable(request.parameters);
  if (statement.reader) {
    const rows = /** @type {Record<string, unknown>[]} */ (statement.all(parameters));
    return { kind: 'result', id: request.id, rows, changes: undefined, lastInsertRowid: undefined };
  }
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { kind: 'result', id: request.id, rows: undefined, changes, lastInsertRowid };
}

/** @param {number} id @param {number} count */
function nextRows(id, count) {
  if (openIterator === undefined) throw new Error('no stream is open');
  const rows = [];
  while (rows.length < count) {
    const step = openIterator.next();
    if (step.done === true) {
      openIterator = undefined;
      return { kind: 'rows', id, rows, done: true };
    }
    rows.push(step.value);
  }
  return { kind: 'rows', id, rows, done: false };
}

function closeIterator() {
  openIterator?.return?.();
  openIterator = undefined;
}

/** @param {import('./sqlite-worker-protocol.ts').SqliteWorkerRequest} request */
function handle(request) {
  switch (request.kind) {
    case 'query':
      return runQuery(request);
    case 'stream-open': {
      closeIterator();
      const statement = prepare(request.sql);
      if (!statement.reader) throw new Error('SQLite streaming only supports queries that return rows');
      openIterator = statement.iterate(toBindable(request.parameters));
      return { kind: 'rows', id: request.id, rows: [], done: false };
    }
    case 'stream-next':
      return nextRows(request.id, request.count);
    case 'stream-close':
      closeIterator();
      return { kind: 'rows', id: request.id, rows: [], done: true };
    case 'close':
      closeIterator();
      statements.clear();
      database?.close();
      database = undefined;
      return { kind: 'closed', id: request.id };
    default:
      throw new Error(`unknown request kind ${JSON.stringify(/** @type {{ kind: unknown }} */ (request).kind)}`);
  }
}

/** @param {import('./sqlite-worker-protocol.ts').SqliteWorkerRequest} request */
function onMessage(request) {
  let response;
  try {
    response = handle(request);
  } catch (error) {
    response = { kind: 'failed', id: request.id, error: serializeError(error) };
  }
  port.postMessage(response);
  if (request.kind === 'close') port.close();
}

async function open() {
  /** @type {typeof import('better-sqlite3')} */
  let Database;
  try {
    ({ default: Database } = await import('better-sqlite3'));
  } catch (error) {
    port.postMessage({ kind: 'init-failed', error: serializeError(error), dependencyMissing: true });
    port.close();
    return;
  }
  try {
    const { filename } = /** @type {import('./sqlite-worker-protocol.ts').SqliteWorkerData} */ (workerData);
    database = new Database(filename, { timeout: 5000 });
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    database.pragma('secure_delete = ON');
  } catch (error) {
    database?.close();
    port.postMessage({ kind: 'init-failed', error: serializeError(error), dependencyMissing: false });
    port.close();
    return;
  }
  port.on('message', onMessage);
  port.postMessage({ kind: 'ready' });
}

await open();
