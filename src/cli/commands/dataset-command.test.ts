import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isUnderstudyError } from '../../contracts/errors.ts';
import { buildDataset } from '../../curate/dataset/build-dataset.ts';
import { readDataset } from '../../curate/dataset/read-dataset.ts';
import { createRedactor } from '../../curate/redact/create-redactor.ts';
import { createSimulatedTraffic } from '../../discover/report/internal/simulated-call-records.ts';
import { simulatedAgents } from '../../simulate/driver/simulated-agents.ts';
import { startTeacherServer, type TeacherServer } from '../../simulate/teacher/start-teacher-server.ts';
import { createDatasetCommand } from './dataset-command.ts';

const task = 'support/extract-contact';

/**
 * Runs `understudy dataset …` in-process. What it prints goes to this test's stdout: swallowing it would swallow
 * the test runner's own report, which shares the stream; the tests check what the command wrote to disk instead.
 */
async function runDataset(args: string[]): Promise<void> {
  await createDatasetCommand().exitOverride().parseAsync(args, { from: 'user' });
}

describe('understudy dataset augment', () => {
  let root: string;
  let configPath: string;
  let teacher: TeacherServer;
  let parentVersion: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'understudy-augment-cli-'));
    teacher = await startTeacherServer({ skills: simulatedAgents.support!.skills, seed: 2, errorRate: 0, latency: { scale: 0 } });
    configPath = path.join(root, 'understudy.config.json');
    await writeFile(configPath, JSON.stringify({ store: { dataDir: path.join(root, 'data') }, providers: [{ name: 'teacher', baseUrl: teacher.url, models: ['gpt-4.1'] }] }));
    const traffic = await createSimulatedTraffic({ episodesPerAgent: 30, seed: 'augment-cli', agents: [simulatedAgents.support!] });
    const redactor = createRedactor({ mode: 'surrogate', scope: `test/${task}`, secretKey: Buffer.alloc(32, 3) });
    const built = await buildDataset({ task, calls: traffic.callsOf(task), redactor, outDir: path.join(root, 'data', 'datasets') });
    parentVersion = built.manifest.version;
  });

  after(async () => {
    await teacher.close();
    await rm(root, { recursive: true, force: true });
  });

  test('writes a new version through the configured provider', async () => {
    await runDataset(['augment', task, '--teacher', 'gpt-4.1', '--count', '3', '--config', configPath]);
    const latest = await readDataset(path.join(root, 'data', 'datasets', 'support-extract-contact'));
    assert.notEqual(latest.manifest.version, parentVersion);
    assert.equal(latest.manifest.augmentation?.parentVersion, parentVersion);
    assert.equal(latest.manifest.augmentation?.teacherModel, 'gpt-4.1');
    assert.equal(latest.manifest.augmentation?.requested, 3);
    assert.ok((latest.manifest.augmentation?.accepted ?? 0) >= 1);
    assert.equal(teacher.stats().byTask['understudy/vary-input'], 3);
  });

  test('bad input is a one-line UnderstudyError before any teacher call', async () => {
    const before = teacher.stats().requests;
    const cases: Array<[string[], string, RegExp]> = [
      [['--count', '0'], 'invalid_request', /Invalid --count '0'/],
      [['--count', 'many'], 'invalid_request', /Invalid --count 'many'/],
      [['--concurrency', '-1'], 'invalid_request', /Invalid --concurrency/],
      [['--teacher', 'claude-unknown'], 'invalid_request', /No configured provider serves --teacher model 'claude-unknown'/],
      [['--dataset', path.join(root, 'missing')], 'not_found', /No dataset at/],
    ];
    for (const [extra, code, message] of cases) {
      await assert.rejects(
        runDataset(['augment', task, '--teacher', 'gpt-4.1', '--config', configPath, ...extra]),
        (error: unknown) => isUnderstudyError(error) && error.code === code && message.test(error.message) && !error.message.includes('\n'),
        extra.join(' '),
      );
    }
    assert.equal(teacher.stats().requests, before);
  });
});
