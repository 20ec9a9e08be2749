/**
 * The gateway's logging path on both store engines: the log writer's worker opens its own connection
 * (SQLite in WAL mode beside the gateway's, or a second PostgreSQL pool) and every call — plain and
 * streamed — lands in the store the admin API reads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { storeTestEngines } from '../store/internal/store-test-engines.ts';
import { startTestGateway } from './testing/start-test-gateway.ts';

for (const engine of storeTestEngines()) {
  describe(`gateway logging on ${engine.engine}`, { skip: engine.skip }, () => {
    it('stores plain and streamed calls through the worker writer', async () => {
      const location = await engine.createLocation();
      const harness = await startTestGateway({ databaseUrl: location.options.databaseUrl });
      try {
        assert.equal(harness.gateway.store.engine, engine.engine);
        const client = new OpenAI({ baseURL: harness.gateway.baseUrl, apiKey: harness.apiKey, maxRetries: 0 });
        for (let index = 0; index < 20; index += 1) {
          await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `plain ${index}` }] }, { headers: { 'x-understudy-episode': 'engines' } });
        }
        const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'streamed' }], stream: true }, { headers: { 'x-understudy-episode': 'engines' } });
        for await (const _chunk of stream) {
          // drain
        }
        await harness.gateway.logWriter.flush();
        assert.equal(await harness.gateway.store.calls.count({ episodeId: 'engines' }), 21);
        const [streamed] = await harness.gateway.store.calls.list({ episodeId: 'engines', limit: 1 });
        assert.equal(streamed?.stream, true);
        assert.ok((streamed?.tokensOut ?? 0) > 0, 'tokens counted in the worker for a stream without usage');
        const summary = await fetch(`http://127.0.0.1:${harness.gateway.port}/admin/summary`, { headers: { authorization: `Bearer ${harness.adminToken}` } });
        const body = (await summary.json()) as { calls: number; logWriter: { pending: number; storeErrors: number } };
        assert.equal(body.calls, 21);
        assert.equal(body.logWriter.pending, 0);
        assert.equal(body.logWriter.storeErrors, 0);
      } finally {
        await harness.close();
        await location.dispose();
      }
    });
  });
}
