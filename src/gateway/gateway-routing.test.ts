// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
/**
 * Routing through the real gateway: a real specialist (SmolLM2-135M-Instruct in llama.cpp) behind a live,
 * canary or shadow route, the official `openai` client in front, the loopback stand-in as the LLM. Checks what
 * a user would: who answered (headers and the log), that every answer delivered is valid, that each kind of
 * failure escalates with its reason, and that the governor promotes and rolls back on what it observed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { RoutePolicy } from '../contracts/route-policy.ts';
import type { KnownTask } from '../contracts/task-signature.ts';
import { locateSmolLm2 } from '../providers/engines/internal/llama-test-models.ts';
import { systemDigest } from '../providers/engines/specialist-prompt.ts';
import { readDataset } from '../curate/dataset/read-dataset.ts';
import { sharedTestSpecialist } from '../train/testing/shared-test-specialist.ts';
import { engineRequestFromChat } from '../providers/engines/engine-request.ts';
import { specialistCandidate } from '../select/specialist-candidate.ts';
import { startTestGateway, type TestGateway } from './testing/start-test-gateway.ts';

const smolLm2 = await locateSmolLm2();
// The real trained specialist every suite shares (built once per CI run); skipped where torch is missing.
const sharedSpecialist = smolLm2.verdict === 'found' ? await sharedTestSpecialist() : smolLm2;

const contactSchema = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 40 }, city: { type: 'string', maxLength: 40 } },
  required: ['name', 'city'],
  additionalProperties: false,
};

function knownTask(id: string): KnownTask {
  return {
    id,
    name: id,
    source: 'declared',
    agency: 'code',
    signature: { anchors: [], optional: [], structure: [] },
    tools: [],
    responseFormat: 'json_schema:contact',
    callCount: 100,
    openEnded: false,
    updatedAt: Date.now(),
  };
}

function route(task: string, specialistId: string, overrides: Partial<RoutePolicy>): RoutePolicy {
  return {
    task,
    mode: 'live',
    canaryShare: 0.5,
    specialistId,
    confidenceThreshold: null,
    timeoutMs: 60_000,
    auditShare: 0,
    automatic: false,
    updatedAt: Date.now(),
    reason: 'test',
    ...overrides,
  };
}

describe('the gateway routes declared tasks to a real specialist', { skip: smolLm2.verdict === 'missing' ? smolLm2.reason : false }, () => {
  let harness: TestGateway;
  let client: OpenAI;

  before(async () => {
    if (smolLm2.verdict !== 'found') return;
    harness = await startTestGateway({
      routing: {
        refreshMs: 60_000,
        timeoutMs: 60_000,
        promotion: { window: 10, minCalls: 3, minAgreement: 0, maxEscalationRate: 1 },
        rollback: { window: 5, minCalls: 3, maxEscalationRate: 0.5, minAudits: 3, maxAuditDisagreement: 0.5 },
        circuitBreaker: { failures: 2, cooldownMs: 60_000 },
      },
    });
    client = new OpenAI({ baseURL: harness.gateway.baseUrl, apiKey: harness.apiKey, maxRetries: 0 });
    const store = harness.gateway.store;
    await store.tasks.upsert(['contact', 'shadowed', 'fragile', 'broken'].map(knownTask));
    for (const task of ['contact', 'shadowed', 'fragile']) {
      await store.specialists.register({
        id: `spec-${task}`,
        task,
        name: `smollm2-${task}`,
        status: 'ready',
        baseModel: smolLm2.modelPath,
        adapterPath: null,
        adapterHfDir: null,
        promptFormat: 'chat-template', promptContext: null,
        datasetVersion: null,
        jobId: null,
        metrics: null,
        createdAt: Date.now(),
      });
    }
    await store.specialists.register({
      id: 'spec-broken',
      task: 'broken',
      name: 'missing-weights',
      status: 'ready',
      baseModel: '/nonexistent/model.gguf',
      adapterPath: null,
      adapterHfDir: null,
      promptFormat: 'chat-template', promptContext: null,
      datasetVersion: null,
      jobId: null,
      metrics: null,
      createdAt: Date.now(),
    });
    await store.routes.put(route('contact', 'spec-contact', {}), { actor: 'operator', reason: 'test setup' });
    await store.routes.put(route('broken', 'spec-broken', {}), { actor: 'operator', reason: 'test setup' });
    await harness.gateway.router!.warm();
  });
  after(async () => {
    await harness?.close();
  });

  const ask = (task: string, content = 'Extract the contact: "Hi, I am Maria Lopez from Porto."') =>
    client.chat.completions
      .create(
        {
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: 'Extract the name and city as JSON.' },
            { role: 'user', content },
          ],
          response_format: { type: 'json_schema', json_schema: { name: 'contact', schema: contactSchema } },
          max_tokens: 60,
        },
        { headers: { 'x-understudy-task': task } },
      )
      .withResponse();

  it('serves a live route from the specialist with a schema-valid answer and headers that say so', async () => {
    const { data, response } = await ask('contact');
    assert.equal(response.headers.get('x-understudy-route'), 'specialist');
    assert.equal(response.headers.get('x-understudy-task'), 'contact');
    assert.equal(response.headers.get('x-understudy-route-mode'), 'live');
    assert.equal(response.headers.get('x-understudy-specialist'), 'spec-contact');
    const confidence = Number(response.headers.get('x-understudy-confidence'));
    assert.ok(confidence > 0 && confidence <= 1, `confidence header ${confidence}`);
    assert.match(data.model, /^understudy\//);
    const answer = JSON.parse(data.choices[0]!.message.content ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(answer).sort(), ['city', 'name']);
    assert.equal(harness.upstream.requests.length, 0, 'the LLM was never called');

    await harness.gateway.logWriter.flush();
    const [logged] = await harness.gateway.store.calls.list({ limit: 1 });
    assert.equal(logged?.route, 'specialist');
    assert.equal(logged?.routing?.task, 'contact');
    assert.equal(logged?.routing?.specialistId, 'spec-contact');
    assert.ok((logged?.costUsd ?? 0) > 0 && (logged?.costUsd ?? 1) < 0.001, `serving cost ${logged?.costUsd}`);
  });

  it('replays the specialist answer as SSE to a streaming client', async () => {
    const stream = await client.chat.completions.create(
      {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Extract the contact: "Jon Berg, Oslo office."' }],
        response_format: { type: 'json_schema', json_schema: { name: 'contact', schema: contactSchema } },
        max_tokens: 60,
        stream: true,
        stream_options: { include_usage: true },
      },
      { headers: { 'x-understudy-task': 'contact' } },
    );
    let content = '';
    let usage = 0;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage.completion_tokens;
    }
    const answer = JSON.parse(content) as Record<string, unknown>;
    assert.deepEqual(Object.keys(answer).sort(), ['city', 'name']);
    assert.ok(usage > 0, 'usage chunk when asked for');
    assert.equal(harness.upstream.requests.length, 0);
  });

  it('escalates to the LLM below the confidence threshold, on timeout, and when the specialist cannot load', async () => {
    const store = harness.gateway.store;
    await store.routes.put(route('contact', 'spec-contact', { confidenceThreshold: 0.999999 }), { actor: 'operator', reason: 'strict threshold' });
    await harness.gateway.router!.refresh();
    const unconfident = await ask('contact');
    assert.equal(unconfident.response.headers.get('x-understudy-route'), 'escalated');
    assert.equal(unconfident.response.headers.get('x-understudy-escalation'), 'low_confidence');
    assert.equal(harness.upstream.requests.length, 1, 'the LLM answered');

    await store.routes.put(route('contact', 'spec-contact', { timeoutMs: 1 }), { actor: 'operator', reason: 'tiny timeout' });
    await harness.gateway.router!.refresh();
    const late = await ask('contact');
    assert.equal(late.response.headers.get('x-understudy-escalation'), 'timeout');

    const broken = await ask('broken');
    assert.equal(broken.response.headers.get('x-understudy-route'), 'escalated');
    assert.equal(broken.response.headers.get('x-understudy-escalation'), 'specialist_down');
    assert.ok(broken.data.choices[0]?.message.content, 'the client still gets an answer');

    await harness.gateway.logWriter.flush();
    await harness.gateway.router!.idle();
    const escalations = (await store.observations.list()).filter((observation) => observation.kind === 'escalated');
    assert.deepEqual(escalations.map((observation) => observation.escalationReason).sort(), ['low_confidence', 'specialist_down', 'timeout']);
    const logged = await store.calls.list({ limit: 3 });
    assert.deepEqual(logged.map((call) => call.route), ['escalated', 'escalated', 'escalated']);
    assert.ok(logged.every((call) => call.routing?.escalationReason !== null));
  });

  it('serves a specialist trained without the system prompt only calls that carry that prompt, and escalates the rest as prompt_changed', async () => {
    const store = harness.gateway.store;
    assert.ok(smolLm2.verdict === 'found');
    const learnedSystem = [{ role: 'system' as const, content: 'Extract the name and city as JSON.' }];
    await store.tasks.upsert([knownTask('learned')]);
    await store.specialists.register({
      id: 'spec-learned',
      task: 'learned',
      name: 'smollm2-learned',
      status: 'ready',
      baseModel: smolLm2.modelPath,
      adapterPath: null,
      adapterHfDir: null,
      promptFormat: 'chat-template',
      promptContext: { system: systemDigest(learnedSystem), tools: null },
      datasetVersion: null,
      jobId: null,
      metrics: null,
      createdAt: Date.now(),
    });
    await store.routes.put(route('learned', 'spec-learned', {}), { actor: 'operator', reason: 'test setup' });
    await harness.gateway.router!.warm();
    const llmCallsBefore = harness.upstream.requests.length;

    const same = await ask('learned');
    assert.equal(same.response.headers.get('x-understudy-route'), 'specialist');
    assert.deepEqual(Object.keys(JSON.parse(same.data.choices[0]!.message.content ?? '') as object).sort(), ['city', 'name']);

    const edited = await client.chat.completions
      .create(
        {
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: 'Extract the name, city and country as JSON.' },
            { role: 'user', content: 'Extract the contact: "Hi, I am Maria Lopez from Porto."' },
          ],
          response_format: { type: 'json_schema', json_schema: { name: 'contact', schema: contactSchema } },
          max_tokens: 60,
        },
        { headers: { 'x-understudy-task': 'learned' } },
      )
      .withResponse();
    assert.equal(edited.response.headers.get('x-understudy-route'), 'escalated');
    assert.equal(edited.response.headers.get('x-understudy-escalation'), 'prompt_changed');
    assert.equal(harness.upstream.requests.length, llmCallsBefore + 1, 'only the edited call reached the LLM');
    await harness.gateway.router!.idle();
    const escalated = (await store.observations.list()).filter((observation) => observation.task === 'learned' && observation.kind === 'escalated');
    assert.deepEqual(escalated.map((observation) => observation.escalationReason), ['prompt_changed']);
  });

  it('shadows without touching the answer, then promotes shadow → canary once the gate passes', async () => {
    const store = harness.gateway.store;
    await store.routes.put(route('shadowed', 'spec-shadowed', { mode: 'shadow', automatic: true }), { actor: 'operator', reason: 'start shadow' });
    await harness.gateway.router!.warm();
    const before = harness.upstream.requests.length;
    for (let index = 0; index < 3; index += 1) {
      const { response } = await ask('shadowed', `Extract the contact: "Ana ${index} lives in Lima."`);
      assert.equal(response.headers.get('x-understudy-route'), 'shadow');
    }
    assert.equal(harness.upstream.requests.length - before, 3, 'the LLM answered every shadowed call');
    await harness.gateway.logWriter.flush();
    await harness.gateway.router!.idle();
    const shadows = await store.observations.recent({ task: 'shadowed', kinds: ['shadow'], limit: 10 });
    assert.equal(shadows.length, 3);
    assert.ok(shadows.every((observation) => observation.valid === true && observation.agreed !== null && (observation.specialistLatencyMs ?? 0) > 0));
    const promoted = await store.routes.get('shadowed');
    assert.equal(promoted?.mode, 'canary');
    const [event] = await store.routes.events({ task: 'shadowed', limit: 1 });
    assert.equal(event?.actor, 'promotion');
    assert.equal(event?.figures['runs'], 3);
  });

  it('rolls a live route back to shadow when its escalations cross the threshold, and audits served answers', async () => {
    const store = harness.gateway.store;
    await store.routes.put(route('fragile', 'spec-fragile', { automatic: true, auditShare: 1 }), { actor: 'operator', reason: 'live with audits' });
    await harness.gateway.router!.warm();
    const served = await ask('fragile');
    assert.equal(served.response.headers.get('x-understudy-route'), 'specialist');
    await harness.gateway.router!.idle();
    const audits = await store.observations.recent({ task: 'fragile', kinds: ['audit'], limit: 5 });
    assert.equal(audits.length, 1, 'the served answer was audited against the LLM');
    assert.equal(typeof audits[0]?.agreed, 'boolean');

    await store.routes.put(route('fragile', 'spec-fragile', { automatic: true, confidenceThreshold: 0.999999 }), { actor: 'operator', reason: 'make it escalate' });
    await harness.gateway.router!.refresh();
    for (let index = 0; index < 3; index += 1) await ask('fragile', `Extract the contact: "Li ${index} from Xi'an."`);
    await harness.gateway.router!.idle();
    const rolledBack = await store.routes.get('fragile');
    assert.equal(rolledBack?.mode, 'shadow');
    const [event] = await store.routes.events({ task: 'fragile', limit: 1 });
    assert.equal(event?.actor, 'rollback');
    assert.match(event?.reason ?? '', /escalation rate/);
  });

  it('serves the shared trained LoRA specialist on held-out calls of its task exactly as evaluation runs it', { skip: sharedSpecialist.verdict === 'missing' ? sharedSpecialist.reason : false }, async () => {
    assert.ok(sharedSpecialist.verdict === 'found');
    const store = harness.gateway.store;
    const dataset = await readDataset(sharedSpecialist.datasetDir);
    await store.tasks.upsert([{ ...knownTask(sharedSpecialist.task), responseFormat: null }]);
    await store.specialists.register(sharedSpecialist.record({ id: 'spec-shared' }));
    await store.routes.put(route(sharedSpecialist.task, 'spec-shared', {}), { actor: 'operator', reason: 'test setup' });
    await harness.gateway.router!.warm();
    const responseFormat = dataset.manifest.outputShape.responseFormats[0]?.value as OpenAI.ResponseFormatJSONSchema | undefined;
    assert.ok(responseFormat?.type === 'json_schema', 'the task asks for JSON under a schema');
    // The same specialist as `understudy eval` and `select` run it: adapter and prompt format from its record.
    const evaluated = await specialistCandidate({ id: 'spec-shared', name: 'shared', model: sharedSpecialist.baseModelPath, adapterPath: sharedSpecialist.adapterPath, promptContext: sharedSpecialist.promptContext }, { threads: 1, contextSize: 4096, usdPerHour: null });
    const engine = await evaluated.open();
    const taskId = sharedSpecialist.task;
    try {
      for (const line of dataset.test.slice(0, 4)) {
        const messages = line.messages.slice(0, -1) as OpenAI.ChatCompletionMessageParam[];
        const request: OpenAI.ChatCompletionCreateParamsNonStreaming = { model: 'gpt-4o-mini', messages, response_format: responseFormat, max_tokens: 200 };
        const { data, response }: { data: OpenAI.ChatCompletion; response: Response } = await client.chat.completions.create(request, { headers: { 'x-understudy-task': taskId } }).withResponse();
        assert.equal(response.headers.get('x-understudy-route'), 'specialist');
        assert.equal(response.headers.get('x-understudy-specialist'), 'spec-shared');
        const direct = await engine.complete(evaluated.prepareRequest!(engineRequestFromChat({ messages: messages as never, responseFormat: responseFormat as never, maxTokens: 200, adapter: sharedSpecialist.adapterPath })));
        assert.deepEqual(JSON.parse(data.choices[0]!.message.content ?? ''), JSON.parse(direct.content ?? ''), 'the gateway served what evaluation measured');
      }
    } finally {
      await engine.close();
    }
  });

  it('sends calls of unknown tasks to the LLM and says so', async () => {
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me a joke.' }] }).withResponse();
    assert.equal(response.headers.get('x-understudy-route'), 'llm');
    assert.equal(response.headers.get('x-understudy-task'), 'unknown');
  });
});
