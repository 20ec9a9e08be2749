/**
 * The whole simulated world in one process: the scripted teacher as the only LLM provider, a real gateway
 * in front of it (the configured store, or embedded SQLite in a fresh temp directory), and a gateway key
 * for the simulated agents. The CLI's `simulate`, the benchmark and the end-to-end tests share it, so they
 * all measure the same path a real agent's traffic takes. The driver itself (`runSimulation`) only speaks
 * HTTP and can aim at any gateway; this harness is what composes a local one.
 *
 * @example
 * const stack = await startSimulationStack({ skills: agents.flatMap((agent) => agent.skills), teacher: { latency: { scale: 0 } } });
 * await runSimulation({ agents, episodes: 100, gatewayBaseUrl: stack.gateway.baseUrl, apiKey: stack.apiKey });
 * await stack.close();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type LoadedConfig } from '../../contracts/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/start-gateway.ts';
import type { TaskSkill } from '../simulated-task.ts';
import { startTeacherServer, type TeacherServer, type TeacherServerOptions } from '../teacher/start-teacher-server.ts';

export interface SimulationStackOptions {
  skills: readonly TaskSkill[];
  teacher?: Omit<TeacherServerOptions, 'skills'>;
  /**
   * The configuration whose store and log writer the gateway uses; its providers are replaced by the
   * teacher. Omitted: the embedded defaults over SQLite in a temp directory, removed on close.
   */
  loaded?: LoadedConfig;
  /** Gateway port; 0 (default) picks a free one. */
  port?: number;
  /** Project the simulated agents' key belongs to. Default `simulation`. */
  projectId?: string;
}

export interface SimulationStack {
  teacher: TeacherServer;
  gateway: RunningGateway;
  /** A gateway key for `projectId`. */
  apiKey: string;
  projectId: string;
  dataDir: string;
  /** Closes the gateway (flushing every logged call into the store), then the teacher. */
  close(): Promise<void>;
}

export const teacherProviderName = 'teacher';

export async function startSimulationStack(options: SimulationStackOptions): Promise<SimulationStack> {
  const teacher = await startTeacherServer({ ...options.teacher, skills: options.skills });
  const temporaryDir = options.loaded ? null : mkdtempSync(path.join(tmpdir(), 'understudy-simulate-'));
  const loaded: LoadedConfig = options.loaded ?? {
    config: parseConfig({ gateway: { port: 0 } }, 'embedded defaults'),
    dataDir: temporaryDir ?? '',
    databaseUrl: undefined,
    configPath: null,
    environment: {},
  };
  loaded.config.providers = [{ name: teacherProviderName, baseUrl: teacher.url, models: ['*'], headers: {} }];
  loaded.config.defaultProvider = teacherProviderName;
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ loaded, port: options.port ?? 0 });
  } catch (error) {
    await teacher.close();
    if (temporaryDir) rmSync(temporaryDir, { recursive: true, force: true });
    throw error;
  }
  const projectId = options.projectId ?? 'simulation';
  await gateway.store.projects.ensure(projectId, 'Simulated agents');
  const { secret } = await gateway.store.apiKeys.create({ projectId, name: `simulation ${new Date().toISOString()}` });
  return {
    teacher,
    gateway,
    apiKey: secret,
    projectId,
    dataDir: loaded.dataDir,
    async close() {
      await gateway.close();
      await teacher.close();
      if (temporaryDir) rmSync(temporaryDir, { recursive: true, force: true });
    },
  };
}
