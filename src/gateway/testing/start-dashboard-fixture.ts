/**
 * Test support for the dashboard's browser tests: a real gateway over a real SQLite store that a short
 * simulation filled, with everything the pages show written through the store's own repositories — no mocks.
 *
 * How the store is filled, in order:
 *  1. The simulated support agent runs through a routing gateway in front of the scripted teacher (phase one).
 *  2. Discovery runs on the logged calls (`buildReplaceabilityReport`): the tasks go to `store.tasks`, the report
 *     to `store.settings` under `latestReportSettingKey`, as `understudy report` does.
 *  3. Three specialists are registered and routed: one served by the teacher itself through the
 *     OpenAI-compatible engine (`<base URL>#<model>`) in canary, one likewise in shadow, and one pointing at a
 *     closed port in live, so every call routed to it escalates (`specialist_error`, then `specialist_down` once
 *     its circuit breaker opens). A second simulation phase then makes the router write real routed calls,
 *     served answers, audits, shadow comparisons and escalations (`store.observations.append` in the router).
 *  4. Stored evaluations, a retired specialist and training jobs (queued, running with progress via
 *     `claimNext` + `heartbeat`, succeeded) are added.
 *  5. The routing gateway closes and a second gateway starts on the same data directory with routing disabled:
 *     the pages read the store, and the route controls write routes a router would otherwise try to serve
 *     (loading specialists is not what these tests are about, and the dead one would only log load errors).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type LoadedConfig } from '../../contracts/config.ts';
import { latestReportSettingKey } from '../../contracts/dashboard-api.ts';
import type { RoutePolicy } from '../../contracts/route-policy.ts';
import { buildReplaceabilityReport } from '../../discover/build-replaceability-report.ts';
import { knownTaskFromDiscovered } from '../../discover/known-task-from-discovered.ts';
import { runSimulation } from '../../simulate/driver/run-simulation.ts';
import { startSimulationStack } from '../../simulate/driver/start-simulation-stack.ts';
import { supportAgent } from '../../simulate/support/support-agent.ts';
import { loadCalls } from '../../store/load-calls.ts';
import type { SpecialistRecord, Store } from '../../store/store.ts';
import { trainJobKind, type TrainJobProgress, type TrainJobResult } from '../../train/training-job.ts';
import { startGateway, type RunningGateway } from '../start-gateway.ts';

export interface DashboardFixture {
  /** The gateway the browser talks to (routing disabled; see the file comment). */
  gateway: RunningGateway;
  store: Store;
  /** Origin of the gateway, e.g. `http://127.0.0.1:40123`. */
  origin: string;
  adminToken: string;
  loaded: LoadedConfig;
  /** Task ids by the role the fixture gave them. */
  tasks: { canary: string; shadow: string; live: string; unrouted: string | null };
  specialists: { canary: string; shadow: string; live: string; retired: string };
  jobs: { running: string; queued: string; succeeded: string };
  close(): Promise<void>;
}

/** Episodes before discovery and after routing: 28 in all, about 130 calls, a few seconds with the teacher's latency off. */
const episodes = { discover: 18, routed: 10 };

export async function startDashboardFixture(): Promise<DashboardFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'understudy-dashboard-'));
  const adminToken = `usa_dashboard_test_${Math.random().toString(36).slice(2)}`;
  try {
    const simulationConfig = parseConfig({ gateway: { port: 0 }, logWriter: { flushIntervalMs: 20 }, routing: { refreshMs: 60_000 } }, 'dashboard fixture');
    const simulationLoaded: LoadedConfig = { config: simulationConfig, dataDir, databaseUrl: undefined, configPath: null, environment: {} };
    const stack = await startSimulationStack({ skills: supportAgent.skills, loaded: simulationLoaded, teacher: { seed: 11, errorRate: 0, latency: { scale: 0 } } });
    let roles: { tasks: DashboardFixture['tasks']; specialists: DashboardFixture['specialists'] };
    try {
      const router = stack.gateway.router;
      if (router === undefined) throw new Error('the dashboard fixture needs the simulation gateway to route');
      const store = stack.gateway.store;
      const drive = async (seed: string, count: number) => {
        const summary = await runSimulation({ agents: [supportAgent], episodes: count, concurrency: 4, seed, gatewayBaseUrl: stack.gateway.baseUrl, apiKey: stack.apiKey });
        if (summary.failures > 0) throw new Error(`simulation failed: ${summary.failureSamples.join('; ')}`);
        await stack.gateway.logWriter.flush();
        await router.idle();
        await stack.gateway.logWriter.flush();
      };

      await drive('dashboard-1', episodes.discover);
      const calls = await loadCalls(store, {});
      const { report, discovery } = await buildReplaceabilityReport(calls);
      const verdicts = new Map(report.tasks.map((task) => [task.taskId, task.verdict]));
      await store.tasks.upsert(discovery.tasks.map((task) => knownTaskFromDiscovered(task, { openEnded: verdicts.get(task.id) === 'keep-on-llm', now: Date.now() })));
      await store.settings.set(latestReportSettingKey, JSON.stringify(report));

      const closed = (await store.tasks.list()).filter((task) => !task.openEnded);
      const [canaryTask, shadowTask, liveTask] = closed;
      if (canaryTask === undefined || shadowTask === undefined || liveTask === undefined) {
        throw new Error(`discovery found ${closed.length} closed tasks; the fixture needs three`);
      }
      const deadUrl = `http://127.0.0.1:${await findClosedPort()}/v1`;
      const now = Date.now();
      const specialist = (id: string, task: string, baseModel: string, createdAt: number): SpecialistRecord => ({
        id,
        task,
        name: `${task}-fixture`,
        status: 'ready',
        baseModel,
        adapterPath: null,
        adapterHfDir: null,
        promptFormat: 'chat-template', promptContext: null,
        datasetVersion: null,
        jobId: null,
        metrics: null,
        createdAt,
      });
      const specialists = { canary: 'sp_dash_canary', shadow: 'sp_dash_shadow', live: 'sp_dash_dead', retired: 'sp_dash_retired' };
      await store.specialists.register(specialist(specialists.retired, canaryTask.id, `${stack.teacher.url}#teacher-old`, now - 60_000));
      await store.specialists.setStatus(specialists.retired, 'retired');
      await store.specialists.register(specialist(specialists.canary, canaryTask.id, `${stack.teacher.url}#teacher`, now));
      await store.specialists.register(specialist(specialists.shadow, shadowTask.id, `${stack.teacher.url}#teacher`, now));
      await store.specialists.register(specialist(specialists.live, liveTask.id, `${deadUrl}#nothing-listens-here`, now));
      const route = (task: string, mode: RoutePolicy['mode'], specialistId: string, canaryShare: number): RoutePolicy => ({
        task,
        mode,
        canaryShare,
        specialistId,
        confidenceThreshold: null,
        timeoutMs: 5_000,
        auditShare: 0.5,
        automatic: false,
        updatedAt: Date.now(),
        reason: `dashboard fixture: ${mode}`,
      });
      await store.routes.put(route(canaryTask.id, 'shadow', specialists.canary, 0.5), { actor: 'loop', reason: 'fixture: trained, into shadow' });
      await store.routes.put(route(canaryTask.id, 'canary', specialists.canary, 0.5), { actor: 'promotion', reason: 'fixture: shadow agreement held', figures: { agreement: 0.97 } });
      await store.routes.put(route(shadowTask.id, 'shadow', specialists.shadow, 0.25), { actor: 'loop', reason: 'fixture: trained, into shadow' });
      await store.routes.put(route(liveTask.id, 'live', specialists.live, 1), { actor: 'operator', reason: 'fixture: a specialist nobody serves' });
      await router.warm();
      await drive('dashboard-2', episodes.routed);

      for (const [specialistId, task, agreement] of [
        [specialists.canary, canaryTask.id, 0.94],
        [specialists.shadow, shadowTask.id, 0.81],
      ] as const) {
        await store.evaluations.put({
          id: `ev_${specialistId}`,
          specialistId,
          task,
          createdAt: Date.now(),
          examples: 50,
          agreement,
          validRate: 1,
          metric: 'exact',
          passed: agreement >= 0.9,
          threshold: null,
          coverage: null,
          failures: [{ input: 'Where is order ORD-1234?', expected: '{"order_id":"ORD-1234"}', actual: '{"order_id":"ORD-1243"}', score: 0, reason: 'order_id differs' }],
        });
      }
      const unrouted = closed.find((task) => ![canaryTask.id, shadowTask.id, liveTask.id].includes(task.id))?.id ?? null;
      roles = { tasks: { canary: canaryTask.id, shadow: shadowTask.id, live: liveTask.id, unrouted }, specialists };
    } finally {
      await stack.close();
    }

    const loaded: LoadedConfig = {
      config: parseConfig({ gateway: { port: 0 }, logWriter: { flushIntervalMs: 20 }, routing: { enabled: false } }, 'dashboard fixture (ui)'),
      dataDir,
      databaseUrl: undefined,
      configPath: null,
      environment: {},
    };
    const gateway = await startGateway({ loaded, environment: { UNDERSTUDY_ADMIN_TOKEN: adminToken } });
    try {
      const jobs = await enqueueJobs(gateway.store, roles.tasks.canary, dataDir);
      return {
        gateway,
        store: gateway.store,
        origin: new URL(gateway.baseUrl).origin,
        adminToken,
        loaded,
        ...roles,
        jobs,
        async close() {
          await gateway.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await gateway.close();
      throw error;
    }
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Three training jobs through the real queue: one succeeded, one running with progress, one queued. */
async function enqueueJobs(store: Store, task: string, dataDir: string): Promise<DashboardFixture['jobs']> {
  const spec = (name: string) => ({
    formatVersion: 1,
    task,
    datasetDir: path.join(dataDir, 'datasets', task, 'v1'),
    datasetVersion: 'v1',
    backend: 'lora',
    base: 'default',
    hyperparameters: { steps: 120 },
    device: 'cpu',
    name,
    verifyExamples: 0,
  });
  const workerId = 'dashboard-fixture-worker';
  const claim = async (expected: string) => {
    const claimed = await store.jobs.claimNext({ workerId, kinds: [trainJobKind], staleAfterMs: 60_000 });
    if (claimed?.id !== expected) throw new Error(`claimed ${claimed?.id ?? 'nothing'}, expected ${expected}`);
  };
  const succeeded = await store.jobs.enqueue({ kind: trainJobKind, spec: spec('fixture-done') });
  await claim(succeeded.id);
  const doneProgress: TrainJobProgress = { phase: 'train', step: 120, totalSteps: 120, loss: 0.21, etaSeconds: 0 };
  await store.jobs.heartbeat(succeeded.id, workerId, doneProgress);
  const result: TrainJobResult = {
    specialistId: 'sp_dash_canary',
    adapterPath: null,
    modelPath: null,
    served: null,
    steps: 120,
    trainSeconds: 240,
    verification: { examples: 0, agreement: 0, validRate: 0, metric: 'exact' },
    reportPath: path.join(dataDir, 'reports', 'train.md'),
  };
  await store.jobs.finish(succeeded.id, workerId, { status: 'succeeded', result });

  const running = await store.jobs.enqueue({ kind: trainJobKind, spec: spec('fixture-running') });
  await claim(running.id);
  const progress: TrainJobProgress = { phase: 'train', message: 'step 48/120', step: 48, totalSteps: 120, loss: 0.734, etaSeconds: 95 };
  const beat = await store.jobs.heartbeat(running.id, workerId, progress);
  if (!beat.owned) throw new Error('the fixture lost its running job');

  const queued = await store.jobs.enqueue({ kind: trainJobKind, spec: spec('fixture-queued') });
  return { running: running.id, queued: queued.id, succeeded: succeeded.id };
}

/** A loopback port nothing listens on (bound, then released). */
function findClosedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
