/**
 * Faults behind the gateway: the store locked, its disk full, the spool's disk full, PostgreSQL gone and back —
 * the gateway must keep answering while calls wait (in the spool, or in memory when the spool itself is full)
 * and land once the store is back — and a specialist server that dies mid-load (routed calls escalate).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { LogWriterStats } from '../../../capture/call-sink.ts';
import { startFixedUpstream, type FixedUpstream } from '../../../simulate/fixed-upstream.ts';
import { createFaultLoad } from './fault-load.ts';
import {
  check,
  countWhere,
  drainLogWriter,
  makeTempDirectory,
  runPhases,
  skippedReport,
  tallyScenario,
  type FaultPlan,
  type FaultScenario,
  type ScenarioCheck,
  type ScenarioReport,
  type ScenarioRun,
  type Tally,
} from './fault-scenario.ts';
import { mountSmallFilesystem, type SmallFilesystem } from './small-filesystem.ts';
import { startScenarioGateway, type ScenarioGateway } from './start-scenario-gateway.ts';
import { startTcpFaultProxy } from './tcp-fault-proxy.ts';

type SqliteConnection = import('better-sqlite3').Database;
const openSqlite = (file: string): SqliteConnection => {
  const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  return new BetterSqlite3(file, { timeout: 10_000 });
};

interface StoreScenarioSetup {
  dataDir: string;
  databaseUrl?: string;
  plan(harness: ScenarioGateway): FaultPlan;
  checks(input: { tally: Tally; atRecovery: LogWriterStats; final: LogWriterStats }): ScenarioCheck[];
}

/** A gateway over `dataDir`/`databaseUrl` in front of a healthy stand-in LLM; the fault is the store's. */
async function runStoreScenario(scenario: Pick<FaultScenario, 'name' | 'description'>, context: ScenarioRun, setup: StoreScenarioSetup, startedAt: number): Promise<ScenarioReport> {
  const upstream = await startFixedUpstream({ latencyMs: 2 });
  const episode = `faults-${scenario.name}`;
  let harness: ScenarioGateway | undefined;
  let load: ReturnType<typeof createFaultLoad> | undefined;
  try {
    harness = await startScenarioGateway({ dataDir: setup.dataDir, ...(setup.databaseUrl === undefined ? {} : { databaseUrl: setup.databaseUrl }), providers: [{ name: 'stand-in', url: upstream.url, models: ['gpt-4o*'] }] });
    load = createFaultLoad({ baseUrl: harness.gateway.baseUrl, apiKey: harness.apiKey, episode, concurrency: context.scale.concurrency });
    const plan = setup.plan(harness);
    let atRecovery: LogWriterStats | undefined;
    const gateway = harness.gateway;
    await runPhases(load, context.scale, {
      ...plan,
      // The store is healthy and its writer connected (the before-phase calls are in) when the fault begins.
      inject: async () => {
        await drainLogWriter(gateway);
        await plan.inject();
      },
      recover: async () => {
        atRecovery = gateway.logWriter.stats();
        await plan.recover();
      },
    });
    await drainLogWriter(gateway);
    const tally = await tallyScenario(gateway, episode, load.outcomes);
    const final = gateway.logWriter.stats();
    return {
      name: scenario.name,
      description: scenario.description,
      skipped: null,
      ...tally.figures,
      statuses: tally.statuses,
      checks: [noClientFailures(tally), ...setup.checks({ tally, atRecovery: atRecovery!, final })],
      durationMs: Date.now() - startedAt,
    };
  } finally {
    await load?.close();
    await harness?.close();
    await upstream.close();
  }
}

function noClientFailures(tally: Tally): ScenarioCheck {
  return check('the gateway kept answering (every client got a whole 200)', tally.figures.clientVisibleFailures === 0, `${tally.figures.clientVisibleFailures} of ${tally.figures.sent} saw a failure (${JSON.stringify(tally.statuses)})`);
}

function storeErrorsSeen(atRecovery: LogWriterStats, pattern: RegExp): ScenarioCheck {
  return check(
    'stores failed during the fault and calls waited',
    atRecovery.storeErrors > 0 && atRecovery.pending > 0 && pattern.test(atRecovery.lastError ?? ''),
    `at recovery: ${atRecovery.storeErrors} failed stores, ${atRecovery.pending} calls waiting, last error: ${atRecovery.lastError}`,
  );
}

function nothingDropped(final: LogWriterStats): ScenarioCheck {
  return check('every waiting call landed', final.pending === 0 && final.dropped === 0 && final.unspooled === 0, `pending ${final.pending}, dropped ${final.dropped}, unspooled ${final.unspooled}`);
}

/** SQLite's busy timeout is 5 s: the lock must outlast it for a store to fail at all. */
const sqliteBusyTimeoutMs = 5_000;

export const sqliteLocked: FaultScenario = {
  name: 'sqlite-locked',
  description: 'another connection holds BEGIN EXCLUSIVE on the SQLite database',
  async run(context) {
    const startedAt = Date.now();
    const temp = makeTempDirectory(this.name);
    let holder: SqliteConnection | undefined;
    try {
      return await runStoreScenario(this, context, {
        dataDir: temp.directory,
        plan: () => ({
          inject: () => {
            holder = openSqlite(path.join(temp.directory, 'understudy.db'));
            holder.exec('BEGIN EXCLUSIVE');
          },
          recover: () => {
            holder?.exec('COMMIT');
            holder?.close();
            holder = undefined;
          },
          minFaultMs: Math.max(context.scale.outageMs, sqliteBusyTimeoutMs + 1_500),
        }),
        checks: ({ atRecovery, final }) => [storeErrorsSeen(atRecovery, /locked|busy/i), nothingDropped(final)],
      }, startedAt);
    } finally {
      if (holder?.inTransaction) holder.exec('ROLLBACK');
      holder?.close();
      temp.remove();
    }
  },
};

export const sqliteDiskFull: FaultScenario = {
  name: 'sqlite-disk-full',
  description: 'the disk under the SQLite database fills up (a real ENOSPC on a small tmpfs)',
  async run(context) {
    const startedAt = Date.now();
    const temp = makeTempDirectory(this.name);
    const dataDir = path.join(temp.directory, 'data');
    const spoolDirectory = path.join(dataDir, 'spool');
    mkdirSync(dataDir, { mode: 0o700 });
    const database = mountSmallFilesystem(dataDir, 32 * 1024 * 1024);
    if (typeof database === 'string') {
      temp.remove();
      return skippedReport(this, database);
    }
    // The spool lives on its own filesystem here, so only the database's disk is full.
    mkdirSync(spoolDirectory, { mode: 0o700 });
    const spool = mountSmallFilesystem(spoolDirectory, 64 * 1024 * 1024);
    try {
      if (typeof spool === 'string') return skippedReport(this, spool);
      return await runStoreScenario(this, context, {
        dataDir,
        plan: () => ({
          inject: () => {
            // An emptied WAL must grow for the next write, so the full disk bites at once.
            const connection = openSqlite(path.join(dataDir, 'understudy.db'));
            try {
              connection.pragma('wal_checkpoint(TRUNCATE)');
            } finally {
              connection.close();
            }
            database.fill();
          },
          recover: () => database.free(),
          minFaultMs: context.scale.outageMs,
        }),
        checks: ({ atRecovery, final }) => [storeErrorsSeen(atRecovery, /full/i), nothingDropped(final)],
      }, startedAt);
    } finally {
      if (typeof spool !== 'string') spool.dispose();
      database.dispose();
      temp.remove();
    }
  },
};

export const spoolDiskFull: FaultScenario = {
  name: 'spool-disk-full',
  description: 'the disk under the spool fills up: calls wait in memory, then spool and land',
  async run(context) {
    const startedAt = Date.now();
    const temp = makeTempDirectory(this.name);
    const spoolDirectory = path.join(temp.directory, 'spool');
    mkdirSync(spoolDirectory, { mode: 0o700 });
    const spool: SmallFilesystem | string = mountSmallFilesystem(spoolDirectory, 4 * 1024 * 1024);
    try {
      if (typeof spool === 'string') return skippedReport(this, spool);
      return await runStoreScenario(this, context, {
        dataDir: temp.directory,
        plan: () => ({ inject: () => spool.fill(), recover: () => spool.free(), minFaultMs: Math.max(2_000, context.scale.outageMs / 2) }),
        checks: ({ atRecovery, final }) => [
          check('the spool refused calls and they waited in memory', atRecovery.spoolErrors > 0 && atRecovery.unspooled > 0, `at recovery: ${atRecovery.spoolErrors} spool errors, ${atRecovery.unspooled} calls in memory`),
          nothingDropped(final),
        ],
      }, startedAt);
    } finally {
      if (typeof spool !== 'string') spool.dispose();
      temp.remove();
    }
  },
};

export const postgresDown: FaultScenario = {
  name: 'postgres-down',
  description: 'PostgreSQL goes away (every connection cut, new ones refused) and comes back',
  async run(context) {
    const startedAt = Date.now();
    if (context.postgresUrl === undefined || context.postgresUrl === '') return skippedReport(this, 'no PostgreSQL URL given (set UNDERSTUDY_TEST_DATABASE_URL)');
    const adminUrl = new URL(context.postgresUrl);
    if (adminUrl.hostname === '') return skippedReport(this, 'the PostgreSQL URL has no TCP host to put a proxy in front of');
    const databaseName = `understudy_faults_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withAdminClient(context.postgresUrl, (client) => client.query(`create database ${databaseName}`));
    const proxy = await startTcpFaultProxy({ host: adminUrl.hostname, port: Number(adminUrl.port || 5432) });
    const proxiedUrl = new URL(context.postgresUrl);
    proxiedUrl.hostname = '127.0.0.1';
    proxiedUrl.port = String(proxy.port);
    proxiedUrl.pathname = `/${databaseName}`;
    const temp = makeTempDirectory(this.name);
    try {
      return await runStoreScenario(this, context, {
        dataDir: temp.directory,
        databaseUrl: proxiedUrl.toString(),
        plan: () => ({ inject: () => proxy.cut(), recover: () => proxy.restore(), minFaultMs: context.scale.outageMs }),
        checks: ({ atRecovery, final }) => [
          storeErrorsSeen(atRecovery, /./),
          check('connections were refused while down', proxy.refused > 0, `${proxy.refused} refused, ${proxy.accepted} accepted`),
          nothingDropped(final),
        ],
      }, startedAt);
    } finally {
      await proxy.close();
      temp.remove();
      await withAdminClient(context.postgresUrl, (client) => client.query(`drop database if exists ${databaseName} with (force)`));
    }
  },
};

async function withAdminClient<T>(url: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

const specialistTask = 'faults-echo';

/** A live route to a specialist on an OpenAI-compatible server that dies mid-load: routed calls escalate. */
export const specialistCrash: FaultScenario = {
  name: 'specialist-crash',
  description: 'the server behind a live specialist dies mid-load; routed calls escalate to the LLM',
  async run(context) {
    const startedAt = Date.now();
    const llm = await startFixedUpstream({ latencyMs: 2 });
    const specialist: FixedUpstream = await startFixedUpstream({ latencyMs: 20, replyText: 'Hello from the specialist.' });
    const temp = makeTempDirectory(this.name);
    const episode = `faults-${this.name}`;
    const harness = await startScenarioGateway({
      dataDir: temp.directory,
      providers: [{ name: 'stand-in', url: llm.url, models: ['gpt-4o*'] }],
      routing: { refreshMs: 60_000, timeoutMs: 5_000, auditShare: 0, circuitBreaker: { failures: 3, cooldownMs: 60_000 } },
    });
    const load = createFaultLoad({ baseUrl: harness.gateway.baseUrl, apiKey: harness.apiKey, episode, concurrency: context.scale.concurrency, task: specialistTask });
    try {
      const store = harness.gateway.store;
      const now = Date.now();
      await store.tasks.upsert([
        { id: specialistTask, name: specialistTask, source: 'declared', agency: 'code', signature: { anchors: [], optional: [], structure: [] }, tools: [], responseFormat: null, callCount: 100, openEnded: false, updatedAt: now },
      ]);
      await store.specialists.register({
        id: 'spec-faults',
        task: specialistTask,
        name: 'served-stand-in',
        status: 'ready',
        baseModel: `${specialist.url}#faults-specialist`,
        adapterPath: null,
        adapterHfDir: null,
        promptFormat: 'chat-template', promptContext: null,
        datasetVersion: null,
        jobId: null,
        metrics: null,
        createdAt: now,
      });
      await store.routes.put(
        { task: specialistTask, mode: 'live', canaryShare: 0, specialistId: 'spec-faults', confidenceThreshold: null, timeoutMs: 5_000, auditShare: 0, automatic: false, updatedAt: now, reason: 'fault suite' },
        { actor: 'operator', reason: 'fault suite' },
      );
      await harness.gateway.router!.warm();
      await runPhases(load, context.scale, {
        inject: () => specialist.close(),
        recover: () => undefined,
        injectMidPhaseAfter: Math.max(1, Math.floor(context.scale.during / 4)),
      });
      await drainLogWriter(harness.gateway);
      const tally = await tallyScenario(harness.gateway, episode, load.outcomes);
      const before = load.outcomes.filter((outcome) => outcome.phase === 'before');
      const afterCrash = load.outcomes.filter((outcome) => outcome.phase !== 'before');
      const escalated = afterCrash.filter((outcome) => outcome.route === 'escalated');
      const withReason = countWhere(escalated, (outcome) => {
        const reason = tally.storedFor(outcome)?.routing?.escalationReason;
        return reason === 'specialist_error' || reason === 'specialist_down';
      });
      return {
        name: this.name,
        description: this.description,
        skipped: null,
        ...tally.figures,
        statuses: tally.statuses,
        checks: [
          noClientFailures(tally),
          check('the specialist answered before the crash', before.every((outcome) => outcome.route === 'specialist'), `${countWhere(before, (outcome) => outcome.route === 'specialist')} of ${before.length}`),
          check('after the crash, routed calls escalated to the LLM', escalated.length > 0 && llm.requests.length >= escalated.length, `${escalated.length} of ${afterCrash.length} escalated; the LLM saw ${llm.requests.length}`),
          check('escalations logged with their reason', withReason === escalated.length, `${withReason} of ${escalated.length} logged as specialist_error/specialist_down`),
        ],
        durationMs: Date.now() - startedAt,
      };
    } finally {
      await load.close();
      await harness.close();
      await specialist.close();
      await llm.close();
      temp.remove();
    }
  },
};
