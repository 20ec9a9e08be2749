/**
 * The ingest sink against a real loopback HTTP server standing in for the gateway's ingest endpoint
 * (the gateway-side end-to-end test lives with the gateway).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { callRecordSchema, type CallRecord } from '../contracts/call-record.ts';
import { createIngestSink } from './ingest-sink.ts';

interface ReceivedPost {
  path: string;
  authorization: string | undefined;
  calls: CallRecord[];
}

function sampleRecord(id: string, promptText = 'hello'): CallRecord {
  return {
    version: 1,
    id,
    source: 'sdk',
    projectId: 'default',
    endUserId: null,
    episodeId: null,
    task: 'greet',
    route: 'llm',
    status: 'ok',
    errorClass: null,
    errorMessage: null,
    httpStatus: 200,
    model: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini',
    provider: 'openai',
    stream: false,
    startedAt: Date.now(),
    latencyMs: 12,
    ttftMs: 12,
    tokensIn: 3,
    tokensOut: 5,
    tokensEstimated: false,
    costUsd: null,
    finishReason: 'stop',
    request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: promptText }] },
    response: null,
  };
}

describe('createIngestSink', () => {
  let server: Server;
  let baseUrl: string;
  const received: ReceivedPost[] = [];
  /** Statuses to answer with, consumed one per request; 200 once empty. */
  const scriptedStatuses: number[] = [];

  before(async () => {
    server = createServer((request, response) => {
      let text = '';
      request.setEncoding('utf8');
      request.on('data', (piece: string) => (text += piece));
      request.on('end', () => {
        const status = scriptedStatuses.shift() ?? 200;
        if (status !== 200) {
          response.writeHead(status, { 'content-type': 'application/json' }).end('{"error":{"message":"scripted"}}');
          return;
        }
        const body = JSON.parse(text) as { calls: unknown[] };
        const calls = body.calls.map((call) => callRecordSchema.parse(call));
        received.push({ path: request.url ?? '', authorization: request.headers.authorization, calls });
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: calls.length }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    scriptedStatuses.length = 0;
  });

  it('posts batches of valid call records with the gateway key to /understudy/ingest', async () => {
    const sink = createIngestSink({ baseUrl: `${baseUrl}/`, apiKey: 'gateway-key', batchSize: 2, flushIntervalMs: 60_000 });
    for (const id of ['a', 'b', 'c']) sink.append(sampleRecord(id));
    await sink.close();
    assert.deepEqual(received.map((post) => post.path), ['/v1/understudy/ingest', '/v1/understudy/ingest']);
    assert.ok(received.every((post) => post.authorization === 'Bearer gateway-key'));
    assert.deepEqual(received.flatMap((post) => post.calls.map((call) => call.id)), ['a', 'b', 'c']);
    assert.deepEqual(sink.stats(), { appended: 3, sent: 3, dropped: 0, pending: 0, lastError: null });
  });

  it('sends on its timer without an explicit flush', async () => {
    const sink = createIngestSink({ baseUrl, apiKey: 'k', flushIntervalMs: 20 });
    sink.append(sampleRecord('timed'));
    for (let waited = 0; received.length === 0 && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(received[0]?.calls[0]?.id, 'timed');
    await sink.close();
  });

  it('retries 5xx and 429 with backoff, and drops a batch the gateway refuses with 400', async () => {
    const sink = createIngestSink({ baseUrl, apiKey: 'k', flushIntervalMs: 60_000 });
    scriptedStatuses.push(503, 429);
    sink.append(sampleRecord('retried'));
    await sink.flush();
    assert.equal(received[0]?.calls[0]?.id, 'retried');
    assert.equal(sink.stats().sent, 1);

    scriptedStatuses.push(400);
    sink.append(sampleRecord('refused'));
    await sink.flush();
    assert.equal(received.length, 1);
    assert.equal(sink.stats().dropped, 1);
    assert.match(sink.stats().lastError ?? '', /400/);
    await sink.close();
  });

  it('splits a batch whose body would outgrow maxBatchBytes', async () => {
    const sink = createIngestSink({ baseUrl, apiKey: 'k', flushIntervalMs: 60_000, maxBatchBytes: 2000 });
    for (const id of ['x', 'y', 'z']) sink.append(sampleRecord(id, 'p'.repeat(1200)));
    await sink.close();
    assert.equal(received.length, 3);
    assert.equal(sink.stats().sent, 3);
  });

  it('keeps a bounded buffer while the gateway is unreachable and never throws from append', async () => {
    const sink = createIngestSink({
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKey: 'k',
      batchSize: 2,
      maxBufferedCalls: 3,
      maxAttempts: 1,
      flushIntervalMs: 60_000,
    });
    for (let index = 0; index < 5; index++) assert.doesNotThrow(() => sink.append(sampleRecord(`lost-${index}`)));
    await sink.flush();
    const stats = sink.stats();
    assert.equal(stats.appended, 5);
    assert.equal(stats.sent, 0);
    assert.equal(stats.pending + stats.dropped, 5);
    assert.ok(stats.pending <= 3);
    assert.match(stats.lastError ?? '', /unreachable/);
    await sink.close();
    sink.append(sampleRecord('after-close'));
    assert.equal(sink.stats().dropped, stats.dropped + 1);
  });
});
