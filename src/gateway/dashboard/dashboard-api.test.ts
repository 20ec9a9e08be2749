/**
 * The dashboard's admin API on a real gateway over loopback, against a store filled through the real
 * repositories. Every figure is compared with a direct store query (or the same economics over the same rows).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallRecord } from '../../contracts/call-record.ts';
import { parseConfig } from '../../contracts/config.ts';
import { latestReportSettingKey, type DashboardEscalations, type DashboardJob, type DashboardModel, type DashboardOverview, type DashboardSpecialist, type DashboardTaskDetail, type DashboardTaskRow, type StoredEvaluation } from '../../contracts/dashboard-api.ts';
import type { RouteObservation, RoutePolicy } from '../../contracts/route-policy.ts';
import type { KnownTask } from '../../contracts/task-signature.ts';
import { createPricingTable } from '../../providers/pricing-table.ts';
import { computeEconomics } from '../../route/compute-economics.ts';
import { loadModelCatalog } from '../../select/model-catalog.ts';
import { createTestCallRecord } from '../../store/internal/call-record-fixture.ts';
import { loadCalls } from '../../store/load-calls.ts';
import type { SpecialistRecord, Store } from '../../store/store.ts';
import { startTestGateway, type TestGateway } from '../testing/start-test-gateway.ts';

const extract = 'support/extract-order';
const summarise = 't-summarise';
const start = Date.UTC(2026, 10, 1, 9, 0, 0);

function knownTask(id: string, source: KnownTask['source']): KnownTask {
  return { id, name: id, source, agency: 'code', signature: { anchors: [], optional: [], structure: [] }, tools: [], responseFormat: null, callCount: 10, openEnded: false, updatedAt: start };
}

function specialist(id: string, task: string, status: SpecialistRecord['status'] = 'ready'): SpecialistRecord {
  return { id, task, name: `${id}-name`, status, baseModel: '/nonexistent/model.gguf', adapterPath: null, adapterHfDir: null, promptFormat: 'chat-template', promptContext: null, datasetVersion: null, jobId: null, metrics: null, createdAt: start };
}

function call(id: string, minute: number, overrides: Partial<CallRecord>): CallRecord {
  return createTestCallRecord({ id, startedAt: start + minute * 60_000, ...overrides });
}

function observation(id: string, callId: string, overrides: Partial<RouteObservation>): RouteObservation {
  return {
    id, callId, task: extract, specialistId: 'sp_a', kind: 'shadow', mode: 'shadow', valid: true, agreed: null, score: null, confidence: 0.9,
    specialistLatencyMs: 40, llmCostUsd: 0.001, escalationReason: null, at: start, ...overrides,
  };
}

const personalRequest = {
  model: 'gpt-4.1-mini',
  messages: [{ role: 'user', content: 'Order 1234 for Maria Lopez, write to maria.lopez@example.com' }],
};

const evaluation: StoredEvaluation = {
  id: 'ev_a', specialistId: 'sp_a', task: extract, createdAt: start, examples: 40, agreement: 0.925, validRate: 1, metric: 'json-fields', passed: true, threshold: 0.7, coverage: 0.85,
  failures: [{ input: 'Order 9', expected: '{"id":9}', actual: '{"id":6}', score: 0, reason: 'id differs' }],
};

describe('the dashboard API', () => {
  let harness: TestGateway;
  let store: Store;

  const admin = async <Body>(path: string, init: RequestInit = {}): Promise<{ status: number; body: Body }> => {
    const response = await fetch(`http://127.0.0.1:${harness.gateway.port}/admin${path}`, {
      ...init,
      headers: { authorization: `Bearer ${harness.adminToken}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
    });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const putRoute = (task: string, body: unknown) => admin<RoutePolicy & { error?: { message: string; code: string; param: string | null } }>(`/routes/${encodeURIComponent(task)}`, { method: 'PUT', body: JSON.stringify(body) });

  before(async () => {
    harness = await startTestGateway({ routing: { refreshMs: 60_000 } });
    store = harness.gateway.store;
    await store.tasks.upsert([knownTask(extract, 'declared'), knownTask(summarise, 'discovered')]);
    for (const record of [specialist('sp_a', extract), specialist('sp_retired', extract, 'retired'), specialist('sp_other', summarise)]) await store.specialists.register(record);
    const routing = (task: string | null, mode: RoutePolicy['mode']) => ({ task, classifiedBy: 'declared' as const, mode, specialistId: mode === 'off' ? null : 'sp_a', escalationReason: null, escalationDetail: null, confidence: null, specialistLatencyMs: null, comparison: null });
    await store.calls.insertMany([
      call('c1', 0, { task: extract, route: 'shadow', costUsd: 0.002, request: personalRequest, routing: routing(extract, 'shadow') }),
      call('c2', 1, { task: extract, route: 'shadow', costUsd: 0.003, routing: routing(extract, 'shadow') }),
      call('c3', 2, { task: null, route: 'specialist', costUsd: 0, routing: routing(extract, 'live') }),
      call('c4', 3, { task: extract, route: 'escalated', costUsd: 0.004, routing: { ...routing(extract, 'live'), escalationReason: 'low_confidence' } }),
      call('c5', 65, { task: summarise, route: 'llm', costUsd: 0.01 }),
      call('c6', 66, { task: null, route: 'llm', costUsd: 0.005, status: 'error', httpStatus: 500, errorClass: 'upstream_5xx' }),
    ]);
    await store.observations.append([
      observation('o1', 'c1', { agreed: true, at: start }),
      observation('o2', 'c2', { agreed: false, at: start + 60_000 }),
      observation('o3', 'c3', { kind: 'served', mode: 'live', at: start + 120_000 }),
      observation('o4', 'c3', { kind: 'audit', mode: 'live', agreed: true, at: start + 120_001 }),
      observation('o5', 'c4', { kind: 'escalated', mode: 'live', valid: true, confidence: 0.2, escalationReason: 'low_confidence', at: start + 180_000 }),
      observation('o6', 'c4', { kind: 'shadow', specialistId: 'sp_retired', agreed: false, at: start + 180_001 }),
    ]);
    await store.routes.put(
      { task: extract, mode: 'shadow', canaryShare: 0, specialistId: 'sp_a', confidenceThreshold: 0.7, timeoutMs: 1500, auditShare: 0.05, automatic: true, updatedAt: start, reason: 'trained' },
      { actor: 'loop', reason: 'trained' },
    );
    await store.evaluations.put(evaluation);
    await store.settings.set(
      latestReportSettingKey,
      JSON.stringify({
        version: 1,
        tasks: [{ taskId: extract, verdict: 'specialise', reasons: ['fixed JSON output'], outputShape: { kind: 'json' }, templates: [{ text: 'user: Order {{slot_1}} for {{slot_2}}', calls: 4 }] }],
      }),
    );
    const running = await store.jobs.enqueue({ kind: 'train', spec: { task: extract } });
    await store.jobs.claimNext({ workerId: 'w1', kinds: ['train'], staleAfterMs: 60_000 });
    await store.jobs.heartbeat(running.id, 'w1', { phase: 'train', step: 20, totalSteps: 100, loss: 1.5, etaSeconds: 80, lossHistory: [{ step: 10, loss: 2 }, { step: 20, loss: 1.5 }] });
  });
  after(async () => {
    await harness?.close();
  });

  it('refuses every dashboard route without the admin token', async () => {
    for (const path of ['/overview', '/tasks', `/tasks/${encodeURIComponent(extract)}`, '/jobs', '/specialists', '/models', '/escalations']) {
      const response = await fetch(`http://127.0.0.1:${harness.gateway.port}/admin${path}`);
      assert.equal(response.status, 401, path);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_admin_token');
    }
    const put = await fetch(`http://127.0.0.1:${harness.gateway.port}/admin/routes/${encodeURIComponent(extract)}`, { method: 'PUT', body: '{}' });
    assert.equal(put.status, 401);
  });

  it('overview: the economics of the stored calls and observations, with an automatic bucket', async () => {
    const { status, body } = await admin<DashboardOverview>('/overview');
    assert.equal(status, 200);
    const expected = computeEconomics({ calls: await loadCalls(store, {}), observations: await store.observations.list(), pricing: createPricingTable({}), usdPerHour: 0.0816, bucketMs: 60_000 });
    assert.equal(body.bucketMs, 60_000, '66 minutes of calls fit in minute buckets');
    assert.equal(body.totals.calls, await store.calls.count());
    assert.equal(body.totals.okCalls, await store.calls.count({ status: 'ok' }));
    assert.equal(body.totals.costUsd, expected.overall.totalUsd);
    assert.equal(body.totals.baselineUsd, expected.overall.baselineUsd);
    assert.equal(body.totals.slmShare, expected.overall.slmShare);
    assert.equal(body.totals.slmShare, 1 / 6);
    assert.equal(body.totals.escalationRate, 0.5);
    assert.equal(body.totals.tasks, (await store.tasks.list()).length);
    assert.equal(body.totals.routedTasks, (await store.routes.list()).filter((route) => route.mode !== 'off').length);
    assert.equal(body.series.length, expected.overall.series.length);
    assert.equal(body.series.reduce((sum, bucket) => sum + bucket.calls, 0), 6);
    assert.equal(body.empty, false);
    assert.equal(body.basis.usdPerHour, 0.0816);

    const windowed = await admin<DashboardOverview>(`/overview?since=${start + 60 * 60_000}&bucket=hour`);
    assert.equal(windowed.body.totals.calls, await store.calls.count({ since: start + 60 * 60_000 }));
    assert.equal(windowed.body.bucketMs, 3_600_000);
    assert.deepEqual(windowed.body.window, { since: start + 60 * 60_000, until: null });
  });

  it('overview: bad query parameters are OpenAI-style 400s', async () => {
    const bucket = await admin<{ error: { code: string; param: string; message: string } }>('/overview?bucket=week');
    assert.equal(bucket.status, 400);
    assert.equal(bucket.body.error.code, 'invalid_request');
    assert.equal(bucket.body.error.param, 'bucket');
    const order = await admin<{ error: { message: string } }>('/overview?since=10&until=5');
    assert.equal(order.status, 400);
    assert.match(order.body.error.message, /since must be before until/);
  });

  it('tasks: calls, spend share, route, live and offline agreement and the report verdict per task', async () => {
    const { status, body } = await admin<{ object: string; data: DashboardTaskRow[] }>('/tasks');
    assert.equal(status, 200);
    assert.equal(body.object, 'list');
    const calls = await loadCalls(store, {});
    const totalCost = calls.reduce((sum, record) => sum + (record.costUsd ?? 0), 0);
    const row = body.data.find((entry) => entry.id === extract)!;
    const extractCalls = calls.filter((record) => (record.routing?.task ?? record.task) === extract);
    assert.equal(row.calls, extractCalls.length);
    assert.equal(row.calls, 4, 'c3 is classified to the task by the router although it declared none');
    assert.equal(row.spendShare, extractCalls.reduce((sum, record) => sum + (record.costUsd ?? 0), 0) / totalCost);
    assert.deepEqual(row.route, { mode: 'shadow', canaryShare: 0, specialistId: 'sp_a' });
    assert.equal(row.agreement, 2 / 3, 'sp_a: shadow agreed, shadow disagreed, audit agreed; the retired specialist does not count');
    assert.equal(row.evalAgreement, (await store.evaluations.latest('sp_a'))?.agreement);
    assert.equal(row.escalationRate, 0.5);
    assert.equal(row.verdict, 'replace');
    const other = body.data.find((entry) => entry.id === summarise)!;
    assert.equal(other.calls, 1);
    assert.equal(other.verdict, 'unknown');
    assert.equal(other.route, null);
    assert.equal(other.agreement, null);
  });

  it('task detail: templates as segments, redacted examples, route history and the latest evaluation', async () => {
    const { status, body } = await admin<DashboardTaskDetail>(`/tasks/${encodeURIComponent(extract)}`);
    assert.equal(status, 200);
    assert.equal(body.task.id, extract);
    assert.deepEqual(body.templates, [
      {
        calls: 4,
        segments: [
          { text: 'user: Order ', slot: false },
          { text: '{{slot_1}}', slot: true },
          { text: ' for ', slot: false },
          { text: '{{slot_2}}', slot: true },
        ],
      },
    ]);
    assert.deepEqual(body.reasons, ['fixed JSON output']);
    assert.deepEqual(body.outputShape, { kind: 'json' });
    assert.deepEqual(body.evaluation, await store.evaluations.latest('sp_a'));
    assert.deepEqual(body.events, await store.routes.events({ task: extract }));
    assert.deepEqual(body.route, await store.routes.get(extract));
    assert.deepEqual(body.examples.map((example) => example.callId), ['c4', 'c3', 'c2', 'c1']);
    const personal = body.examples.find((example) => example.callId === 'c1')!;
    assert.match(personal.request, /^user: Order 1234/);
    assert.doesNotMatch(JSON.stringify(body.examples), /maria\.lopez@example\.com|Maria Lopez/);
    assert.match(personal.request, /<EMAIL_\d+>/);

    const raw = await admin<DashboardTaskDetail>(`/tasks/${extract}`);
    assert.equal(raw.body.task.id, extract, 'an unencoded slash in the id works too');
    const missing = await admin<{ error: { code: string } }>('/tasks/no-such-task');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
  });

  it('PUT route: validates the body and the specialist, then writes the route and its event and the router follows', async () => {
    const noConfirm = await putRoute(extract, { mode: 'canary', canaryShare: 0.3 });
    assert.equal(noConfirm.status, 400);
    assert.equal(noConfirm.body.error?.param, 'confirm');
    assert.match(noConfirm.body.error?.message ?? '', /confirm/);
    const zeroShare = await putRoute(extract, { mode: 'canary', canaryShare: 0, confirm: true });
    assert.equal(zeroShare.status, 400);
    assert.equal(zeroShare.body.error?.param, 'canaryShare');
    const foreign = await putRoute(extract, { mode: 'live', specialistId: 'sp_other', confirm: true });
    assert.equal(foreign.status, 400);
    assert.match(foreign.body.error?.message ?? '', /trained for 't-summarise'/);
    const retired = await putRoute(extract, { mode: 'live', specialistId: 'sp_retired', confirm: true });
    assert.equal(retired.status, 400);
    assert.match(retired.body.error?.message ?? '', /retired/);
    const unknownSpecialist = await putRoute(extract, { mode: 'live', specialistId: 'sp_nope', confirm: true });
    assert.equal(unknownSpecialist.status, 400);
    const noSpecialist = await putRoute(summarise, { mode: 'live', confirm: true, specialistId: undefined });
    assert.equal(noSpecialist.status, 200, 'the task has a ready specialist of its own, taken by default');
    const unknownTask = await putRoute('no-such-task', { mode: 'off', confirm: true });
    assert.equal(unknownTask.status, 404);
    assert.equal(unknownTask.body.error?.code, 'not_found');
    const badJson = await admin<{ error: { code: string } }>(`/routes/${encodeURIComponent(extract)}`, { method: 'PUT', body: '{"mode":' });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error.code, 'invalid_json');
    assert.equal((await store.routes.get(extract))?.mode, 'shadow', 'refused changes wrote nothing');

    const changed = await putRoute(extract, { mode: 'canary', canaryShare: 0.25, confirm: true, reason: 'trying it on a quarter' });
    assert.equal(changed.status, 200);
    const stored = await store.routes.get(extract);
    assert.deepEqual(changed.body, stored);
    assert.equal(stored?.mode, 'canary');
    assert.equal(stored?.canaryShare, 0.25);
    assert.equal(stored?.specialistId, 'sp_a');
    assert.equal(stored?.automatic, false);
    assert.equal(stored?.confidenceThreshold, 0.7, 'same specialist: its calibrated threshold stays');
    const [event] = await store.routes.events({ task: extract, limit: 1 });
    assert.deepEqual([event?.fromMode, event?.toMode, event?.actor, event?.reason], ['shadow', 'canary', 'operator', 'trying it on a quarter']);
    assert.equal(harness.gateway.router?.routes().find((route) => route.task === extract)?.mode, 'canary', 'the running router reread its routes');
  });

  it('jobs: progress in the list, the loss curve in the detail', async () => {
    const finished = await store.jobs.enqueue({ kind: 'train', spec: { task: summarise } });
    await store.jobs.claimNext({ workerId: 'w2', kinds: ['train'], staleAfterMs: 60_000 });
    await store.jobs.finish(finished.id, 'w2', { status: 'succeeded', result: { specialistId: 'sp_other', steps: 30, reportPath: '/nonexistent/report.html', lossCurve: [{ step: 1, loss: 3 }, { step: 30, loss: 0.5 }] } });

    const { status, body } = await admin<{ data: DashboardJob[] }>('/jobs');
    assert.equal(status, 200);
    const stored = await store.jobs.list({ limit: 100 });
    assert.deepEqual(body.data.map((job) => [job.id, job.status]), stored.map((job) => [job.id, job.status]));
    const running = body.data.find((job) => job.status === 'running')!;
    assert.deepEqual([running.step, running.totalSteps, running.loss, running.etaSeconds, running.task, running.lossCurve], [20, 100, 1.5, 80, extract, []]);

    const detail = await admin<DashboardJob>(`/jobs/${running.id}`);
    assert.deepEqual(detail.body.lossCurve, [{ step: 10, loss: 2 }, { step: 20, loss: 1.5 }]);
    const done = await admin<DashboardJob>(`/jobs/${finished.id}`);
    assert.deepEqual([done.body.status, done.body.specialistId, done.body.step], ['succeeded', 'sp_other', 30]);
    assert.deepEqual(done.body.lossCurve, [{ step: 1, loss: 3 }, { step: 30, loss: 0.5 }]);
    const filtered = await admin<{ data: DashboardJob[] }>('/jobs?status=succeeded');
    assert.deepEqual(filtered.body.data.map((job) => job.id), [finished.id]);
    assert.equal((await admin<unknown>('/jobs/job_missing')).status, 404);
  });

  it('specialists, models and escalations', async () => {
    const specialists = await admin<{ data: DashboardSpecialist[] }>('/specialists');
    assert.deepEqual(specialists.body.data.map((entry) => entry.id).sort(), (await store.specialists.list({ includeRetired: true })).map((entry) => entry.id).sort());
    const a = specialists.body.data.find((entry) => entry.id === 'sp_a')!;
    assert.equal(a.evalAgreement, evaluation.agreement);
    assert.equal(a.routedIn, (await store.routes.get(extract))?.mode);
    assert.equal(specialists.body.data.find((entry) => entry.id === 'sp_retired')?.routedIn, null);

    const models = await admin<{ data: DashboardModel[] }>('/models');
    const catalog = loadModelCatalog();
    assert.deepEqual(models.body.data.map((model) => model.id), catalog.models.map((model) => model.id));
    assert.ok(models.body.data.every((model) => typeof model.cached === 'boolean' && (model.memoryMiB === null || model.memoryMiB > 0)));

    const escalations = await admin<DashboardEscalations>('/escalations');
    const escalated = (await store.observations.list()).filter((entry) => entry.kind === 'escalated');
    assert.equal(escalations.body.total, escalated.length);
    assert.deepEqual(escalations.body.byReason, { low_confidence: 1 });
    assert.deepEqual(escalations.body.data, [{ callId: 'c4', task: extract, specialistId: 'sp_a', reason: 'low_confidence', confidence: 0.2, at: start + 180_000 }]);
    assert.equal((await admin<DashboardEscalations>('/escalations?reason=timeout')).body.total, 0);
    assert.equal((await admin<unknown>('/escalations?reason=bored')).status, 400);
  });

  it('the escalations call panel: the call behind an escalation comes back redacted, raw only when asked', async () => {
    const email = 'maria.lopez@example.com';
    const phone = '+44 20 7946 0958';
    await store.calls.insertMany([
      call('c7', 70, {
        task: extract,
        route: 'escalated',
        endUserId: email,
        request: { model: 'gpt-4.1-mini', user: email, messages: [{ role: 'user', content: `Order 77 for Maria Lopez, call ${phone} or write to ${email}` }] },
        response: { id: 'chatcmpl-7', object: 'chat.completion', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: `{"name":"Maria Lopez","email":"${email}"}` } }] },
        routing: { task: extract, classifiedBy: 'declared', mode: 'live', specialistId: 'sp_a', escalationReason: 'invalid_output', escalationDetail: `answer {"email":"${email}"} does not match the schema`, confidence: null, specialistLatencyMs: 30, comparison: null },
      }),
    ]);
    await store.observations.append([observation('o7', 'c7', { kind: 'escalated', mode: 'live', valid: false, escalationReason: 'invalid_output', at: start + 70 * 60_000 })]);

    // The panel opens what the explorer lists, through the endpoint and query it uses (ui/src/pages/call-panel.tsx).
    const listed = await admin<DashboardEscalations>('/escalations?reason=invalid_output');
    assert.deepEqual(listed.body.data.map((row) => row.callId), ['c7']);
    const planted = /maria\.lopez@example\.com|Maria Lopez|7946/;
    for (const path of ['/calls/c7?redact=true', '/calls/c7']) {
      const { status, body } = await admin<CallRecord>(path);
      assert.equal(status, 200, path);
      assert.doesNotMatch(JSON.stringify(body), planted, `${path}: nothing personal reaches the page`);
      const message = (body.request.messages as Array<{ content: string }>)[0]!.content;
      assert.match(message, /^Order 77 for <PERSON_\d+>, call <PHONE_\d+> or write to <EMAIL_\d+>$/);
      assert.match(body.routing?.escalationDetail ?? '', /<EMAIL_\d+>/);
      assert.deepEqual([body.id, body.route, body.routing?.escalationReason, body.costUsd], ['c7', 'escalated', 'invalid_output', (await store.calls.get('c7'))?.costUsd]);
    }
    const raw = await admin<CallRecord>('/calls/c7?redact=false');
    assert.deepEqual(raw.body, await store.calls.get('c7'), 'the stored record, for tools that ask for it');
    assert.equal((await admin<unknown>('/calls/c7?redact=maybe')).status, 400);
  });

  it('PUT route: each mode audits at its configured share, the canary share does not stick (as the governor does)', async () => {
    const routing = parseConfig({}, 'defaults').routing;
    assert.notEqual(routing.canaryAuditShare, routing.auditShare, 'the two shares differ, so the test can tell them apart');
    const auditShareAfter = async (body: Record<string, unknown>) => {
      const { status, body: route } = await putRoute(summarise, { confirm: true, ...body });
      assert.equal(status, 200, JSON.stringify(route));
      assert.equal((await store.routes.get(summarise))?.auditShare, route.auditShare);
      return route.auditShare;
    };
    assert.equal(await auditShareAfter({ mode: 'canary', canaryShare: 0.5 }), routing.auditShare, 'stored: the steady share (the router audits a canary at canaryAuditShare)');
    assert.equal(await auditShareAfter({ mode: 'live' }), routing.auditShare, 'canary → live');
    await auditShareAfter({ mode: 'canary' });
    assert.equal(await auditShareAfter({ mode: 'shadow' }), routing.auditShare, 'canary → shadow: what the governor keeps on a rollback');

    // A canary the dashboard wrote before this fix, with the canary share stored: leaving canary repairs it.
    const current = (await store.routes.get(summarise))!;
    await store.routes.put({ ...current, mode: 'canary', canaryShare: 0.5, auditShare: routing.canaryAuditShare, updatedAt: current.updatedAt + 1 }, { actor: 'operator', reason: 'old dashboard' });
    assert.equal(await auditShareAfter({ mode: 'live' }), routing.auditShare);
    // A route's own share (`routes set --audit-share`) is kept across mode changes, as the governor keeps it.
    const live = (await store.routes.get(summarise))!;
    await store.routes.put({ ...live, auditShare: 0.3, updatedAt: live.updatedAt + 1 }, { actor: 'operator', reason: 'own share' });
    await auditShareAfter({ mode: 'canary' });
    assert.equal(await auditShareAfter({ mode: 'live' }), 0.3);
  });
});
