/**
 * Redaction at ingest, end to end: the log writer spools raw calls, the storer (in this thread, and in the
 * worker thread as the gateway runs it) redacts them before the insert, and neither the stored calls nor any
 * byte of the SQLite files holds a planted value; the mapping is there, encrypted, and an audit can reveal it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CallRecord } from '../contracts/call-record.ts';
import { createIngestRedaction, ingestRedactionModule } from '../curate/redact/create-ingest-redaction.ts';
import { createPseudonymVault } from '../curate/redact/pseudonym-vault.ts';
import { createTestCallRecord } from '../store/internal/call-record-fixture.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createLogWriter } from './log-writer.ts';
import { createInProcessSegmentStorer } from './segment-storer.ts';
import { createWorkerSegmentStorer } from './worker-segment-storer.ts';

const secretKey = Buffer.alloc(32, 5);
const planted = ['Daniel Girard', 'daniel.girard@acme-corp.com', '+44 20 7946 0958', '4111 1111 1111 1111', 'GB82 WEST 1234 5698 7654 32', 'sk-proj-Zq8XcV2bN4mL6kJ0hG3fD5sA7pO9iU1yT2rE4wQ6zX8cV0bN'];

function plantedCall(id: string, projectId: string): CallRecord {
  return createTestCallRecord({
    id,
    projectId,
    request: {
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: `Use key ${planted[5]} for the CRM.` },
        { role: 'user', content: `Hi, my name is ${planted[0]}. Mail ${planted[1]}, phone ${planted[2]}, card ${planted[3]}, IBAN ${planted[4]}.` },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'update_customer', arguments: JSON.stringify({ full_name: planted[0], email: planted[1] }) } }] },
        { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify({ ok: true, customer: planted[0], phone: planted[2] }) },
      ],
      tools: [{ type: 'function', function: { name: 'update_customer', description: 'Updates a customer', parameters: { type: 'object', properties: { full_name: { type: 'string' } } } } }],
    },
    response: { id: 'chatcmpl-1', object: 'chat.completion', created: 0, model: 'gpt-4.1-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: `Done, ${planted[0]} is updated.` } }] },
  });
}

/** Every byte of the store's files (database, WAL, shared memory) as latin1 text, for a raw search. */
function storeBytes(dataDir: string): string {
  return readdirSync(dataDir)
    .filter((name) => name.startsWith('understudy.db'))
    .map((name) => readFileSync(path.join(dataDir, name)).toString('latin1'))
    .join('\n');
}

describe('redaction at ingest', () => {
  let dataDir: string;
  let store: Store;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-ingest-redaction-'));
    store = await openStore({ dataDir });
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores no planted value, in this thread and in the worker, and keeps the mapping encrypted', async () => {
    const inProcess = createLogWriter({
      storer: createInProcessSegmentStorer({ calls: store.calls, transform: createIngestRedaction({ mode: 'surrogate', secretKey, store }) }),
      spoolDirectory: path.join(dataDir, 'spool-a'),
      flushIntervalMs: 60_000,
    });
    await inProcess.start();
    inProcess.append(plantedCall('in-process-1', 'project-a'));
    await inProcess.close();

    const worker = createLogWriter({
      storer: createWorkerSegmentStorer({ store: { dataDir }, transform: ingestRedactionModule({ mode: 'surrogate', secretKey }) }),
      spoolDirectory: path.join(dataDir, 'spool-b'),
      flushIntervalMs: 60_000,
    });
    await worker.start();
    worker.append(plantedCall('worker-1', 'project-a'));
    worker.append(plantedCall('worker-2', 'project-b'));
    await worker.close();

    const [fromThread, fromWorker, otherProject] = await Promise.all(['in-process-1', 'worker-1', 'worker-2'].map((id) => store.calls.get(id)));
    assert.ok(fromThread && fromWorker && otherProject);
    for (const stored of [fromThread, fromWorker, otherProject]) {
      const text = JSON.stringify(stored);
      for (const value of planted) assert.ok(!text.includes(value), `${value} is not stored`);
      assert.match(text, /<API_KEY_1>/);
      const toolCalls = (stored.request.messages as Array<{ tool_calls?: Array<{ function: { arguments: string } }> }>)[2]?.tool_calls;
      assert.doesNotThrow(() => JSON.parse(toolCalls?.[0]?.function.arguments ?? ''));
      assert.deepEqual(stored.request.tools, plantedCall('x', 'y').request.tools, 'tool definitions are left alone');
    }
    // The same project gets the same surrogates from either thread; another project gets others.
    assert.deepEqual(fromWorker.request.messages, fromThread.request.messages);
    assert.notDeepEqual(otherProject.request.messages, fromThread.request.messages);

    await store.db.selectFrom('pseudonyms').select('scope').execute(); // make sure the WAL is read by this connection
    const bytes = storeBytes(dataDir);
    for (const value of [...planted, 'Daniel', 'Girard', 'acme-corp', '7946 0958']) assert.ok(!bytes.includes(value), `no byte sequence "${value}" in the database files`);

    const vault = createPseudonymVault({ repository: store.pseudonyms, secretKey });
    const surrogateEmail = /Mail (\S+),/.exec(String((fromThread.request.messages as Array<{ content: string }>)[1]?.content))?.[1] ?? '';
    assert.deepEqual(await vault.reveal('project-a', surrogateEmail), [{ kind: 'email', surrogate: surrogateEmail, real: planted[1] }]);
    const secret = await vault.reveal('project-a', '<API_KEY_1>');
    assert.deepEqual(secret, [{ kind: 'api_key', surrogate: '<API_KEY_1>', real: null }], 'secrets are never kept, not even encrypted');
    const wrongKey = createPseudonymVault({ repository: store.pseudonyms, secretKey: Buffer.alloc(32, 6) });
    await assert.rejects(wrongKey.reveal('project-a', surrogateEmail), { code: 'config_invalid' });
  });
});
