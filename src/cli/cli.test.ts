/**
 * The CLI as users run it: a real process per command. Help and usage errors, keys, import, bad config and
 * simulation — each failure is one line on stderr with a non-zero exit.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const binPath = fileURLToPath(new URL('../../bin/understudy.js', import.meta.url));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('understudy CLI', () => {
  let workDir: string;

  before(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'understudy-cli-'));
  });
  after(() => rmSync(workDir, { recursive: true, force: true }));

  function run(args: string[], environment: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [binPath, ...args], {
        cwd: workDir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...environment },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  // Help on every command, usage errors and bad input are walked in cli-contract.test.ts.
  it('shows help and exits 0', async () => {
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['demo', 'serve', 'keys', 'import', 'calls', 'admin-token']) assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
  });

  it('creates, lists and revokes keys; secrets are shown once and never listed', async () => {
    const created = await run(['keys', 'create', '--project', 'cli-test', '--name', 'ci', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const key = JSON.parse(created.stdout) as { id: string; secret: string; prefix: string };
    assert.match(key.secret, /^usk_/);
    const listed = await run(['keys', 'list', '--json']);
    assert.equal(listed.code, 0);
    assert.ok(!listed.stdout.includes(key.secret), 'list never shows the secret');
    assert.ok((JSON.parse(listed.stdout) as Array<{ id: string }>).some((entry) => entry.id === key.id));
    const revoked = await run(['keys', 'revoke', key.prefix]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /Revoked/);
    const again = await run(['keys', 'revoke', 'usk_nothing_like_this']);
    assert.equal(again.code, 1);
    assert.equal(again.stderr.trim().split('\n').length, 1, 'one line');
    assert.match(again.stderr, /^understudy: No active key matches/);
    const badProject = await run(['keys', 'create', '--project', 'bad project!']);
    assert.equal(badProject.code, 1);
  });

  it('imports a JSONL log idempotently and reports invalid lines', async () => {
    const file = path.join(workDir, 'calls.jsonl');
    const line = (index: number) =>
      JSON.stringify({
        request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${index}` }] },
        response: {
          id: `chatcmpl-${index}`,
          object: 'chat.completion',
          created: 1_700_000_000,
          model: 'gpt-4o-mini-2024-07-18',
          choices: [{ index: 0, message: { role: 'assistant', content: `answer ${index}` }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
        },
        metadata: { task: 'qa', episode_id: `episode-${index}` },
      });
    writeFileSync(file, [line(1), line(2), '{"request": broken', line(3)].join('\n') + '\n');
    const first = await run(['import', file, '--project', 'imported', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as { imported: number; invalid: number; duplicates: number; errors: Array<{ line: number }> };
    assert.equal(summary.imported, 3);
    assert.equal(summary.invalid, 1);
    assert.equal(summary.errors[0]?.line, 3);
    const second = JSON.parse((await run(['import', file, '--project', 'imported', '--json'])).stdout) as typeof summary;
    assert.equal(second.imported, 0);
    assert.equal(second.duplicates, 3);
    const calls = JSON.parse((await run(['calls', '--project', 'imported', '--json'])).stdout) as { summary: { calls: number; tokensIn: number } };
    assert.equal(calls.summary.calls, 3);
    assert.equal(calls.summary.tokensIn, 27);
    const strict = await run(['import', file, '--strict', '--project', 'strict']);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /line 3/);
    const missing = await run(['import', path.join(workDir, 'nope.jsonl')]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
  });

  it('rejects an invalid config file with one line', async () => {
    const configPath = path.join(workDir, 'bad.config.json');
    writeFileSync(configPath, JSON.stringify({ gateway: { port: 1, colour: 'blue' } }));
    const result = await run(['keys', 'list', '--config', configPath]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^understudy: Invalid config .*colour/);
    writeFileSync(configPath, '{ not json');
    assert.match((await run(['calls', '--config', configPath])).stderr, /not valid JSON/);
  });

  it('simulates agents through an embedded gateway, reproducibly, with ground truth kept apart', async () => {
    const args = (file: string) => ['simulate', '--agents', 'query,support,toolloop', '--episodes', '9', '--seed', 'cli', '--latency-scale', '0', '--error-rate', '0', '--ground-truth', path.join(workDir, file), '--json'];
    const first = await run(args('truth-1.jsonl'));
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as { calls: number; failures: number; byAgent: Record<string, { episodes: number }>; teacherCorrectRate: number };
    assert.deepEqual(Object.keys(summary.byAgent).sort(), ['query', 'support', 'toolloop']);
    assert.ok(Object.values(summary.byAgent).every((agent) => agent.episodes === 3));
    assert.equal(summary.failures, 0);
    assert.equal(summary.teacherCorrectRate, 1);
    const second = await run(args('truth-2.jsonl'));
    assert.equal(second.code, 0, second.stderr);
    const truth = readFileSync(path.join(workDir, 'truth-1.jsonl'), 'utf8');
    assert.equal(truth, readFileSync(path.join(workDir, 'truth-2.jsonl'), 'utf8'), 'same seed, same workload');
    assert.equal(truth.trim().split('\n').length, summary.calls);
    const badAgents = await run(['simulate', '--agents', 'query,wizard']);
    assert.equal(badAgents.code, 1);
    assert.equal(badAgents.stderr.trim().split('\n').length, 1);
  });

  it('pulls model weights from a source into the data directory, with one-line errors', async () => {
    const local = path.join(workDir, 'tiny.gguf');
    writeFileSync(local, Buffer.from('GGUF'));
    const pulled = await run(['models', 'pull', local, '--json']);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(JSON.parse(pulled.stdout), { kind: 'file', path: local });
    const missing = await run(['models', 'pull', path.join(workDir, 'absent.gguf')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^understudy: .*absent\.gguf/);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    const unknown = await run(['models', 'pull', 'ftp://example.invalid/model.gguf']);
    assert.equal(unknown.code, 1);
  });
});
