/**
 * `understudy login-link` as a real process against a real gateway on loopback: the link it prints logs a browser
 * in once; a missing or wrong admin token is one line on stderr and exit code 1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../../gateway/testing/start-test-gateway.ts';
import { runCli } from '../internal/cli-test-process.ts';

describe('understudy login-link', () => {
  let harness: TestGateway;
  let workDir: string;
  let gatewayUrl: string;

  before(async () => {
    harness = await startTestGateway({ routing: { enabled: false } });
    gatewayUrl = `http://127.0.0.1:${harness.gateway.port}`;
    workDir = mkdtempSync(path.join(tmpdir(), 'understudy-login-link-'));
  });
  after(async () => {
    await harness?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('prints a one-time link from the running gateway; a missing or wrong token fails in one line', async () => {
    // Each process start costs seconds on a busy machine: three, at once.
    const [minted, wrong, missing] = await Promise.all([
      runCli(workDir, ['login-link', '--url', `${gatewayUrl}/`, '--json'], { UNDERSTUDY_ADMIN_TOKEN: harness.adminToken }),
      runCli(workDir, ['login-link', '--url', gatewayUrl], { UNDERSTUDY_ADMIN_TOKEN: 'usa_wrong' }),
      runCli(workDir, ['login-link', '--url', gatewayUrl]),
    ]);
    assert.equal(minted.code, 0, minted.stderr);
    const link = JSON.parse(minted.stdout) as { url: string; expiresAt: number };
    assert.match(link.url, new RegExp(`^${gatewayUrl}/ui/login\\?token=[A-Za-z0-9_-]{20,}$`));
    assert.equal(typeof link.expiresAt, 'number');
    const login = await fetch(link.url, { redirect: 'manual' });
    assert.equal(login.status, 302, 'the printed link logs in');
    assert.match(login.headers.get('set-cookie') ?? '', /^understudy_session=/);
    assert.equal((await fetch(link.url, { redirect: 'manual' })).status, 401, 'once');

    for (const [result, pattern] of [
      [wrong, /^understudy: The gateway at http:\/\/127\.0\.0\.1:\d+ refused UNDERSTUDY_ADMIN_TOKEN/],
      [missing, /^understudy: Set UNDERSTUDY_ADMIN_TOKEN/],
    ] as const) {
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, pattern);
      assert.equal(result.stdout, '');
    }
  });
});
