import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { withCrossProcessLock } from './cross-process-lock.ts';

const lockModule = fileURLToPath(new URL('./cross-process-lock.ts', import.meta.url));

describe('withCrossProcessLock', async () => {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'understudy-lock-test-'));
  after(() => rm(directory, { recursive: true, force: true }));

  it('lets one process at a time through: read-modify-write from two processes loses no update', async () => {
    const counter = path.join(directory, 'counter.txt');
    await writeFile(counter, '0');
    const script = `
      import { readFile, writeFile } from 'node:fs/promises';
      const { withCrossProcessLock } = await import(${JSON.stringify(lockModule)});
      for (let i = 0; i < 15; i++) {
        await withCrossProcessLock(${JSON.stringify(path.join(directory, 'counter.lock'))}, async () => {
          const value = Number(await readFile(${JSON.stringify(counter)}, 'utf8'));
          await new Promise((resolve) => setTimeout(resolve, 5));
          await writeFile(${JSON.stringify(counter)}, String(value + 1));
        });
      }`;
    const run = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'inherit' });
        child.on('close', resolve);
      });
    assert.deepEqual(await Promise.all([run(), run()]), [0, 0]);
    assert.equal(await readFile(counter, 'utf8'), '30');
  });

  it('queues callers within one process and releases the lock after a failure', async () => {
    const lockPath = path.join(directory, 'queue.lock');
    const order: string[] = [];
    const first = withCrossProcessLock(lockPath, async () => {
      order.push('first start');
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push('first end');
      throw new Error('boom');
    });
    const second = withCrossProcessLock(lockPath, async () => {
      order.push('second');
      return 2;
    });
    await assert.rejects(first, /boom/);
    assert.equal(await second, 2);
    assert.deepEqual(order, ['first start', 'first end', 'second']);
  });

  it('takes over a lock whose owner died or that nobody touched for staleMs', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadLock = path.join(directory, 'dead.lock');
    await mkdir(deadLock);
    await writeFile(path.join(deadLock, 'owner.json'), JSON.stringify({ pid: Number(dead.stdout), host: os.hostname(), since: Date.now() }));
    let waited = false;
    assert.equal(await withCrossProcessLock(deadLock, async () => 'mine', { onWait: () => (waited = true) }), 'mine');
    assert.equal(waited, false);

    const staleLock = path.join(directory, 'stale.lock');
    await mkdir(staleLock);
    await writeFile(path.join(staleLock, 'owner.json'), JSON.stringify({ pid: process.ppid, host: 'another-host', since: 0 }));
    const old = new Date(Date.now() - 120_000);
    await utimes(staleLock, old, old);
    assert.equal(await withCrossProcessLock(staleLock, async () => 'taken over', { staleMs: 60_000 }), 'taken over');
  });

  it('gives up with a message naming the lock and its holder', async () => {
    const heldLock = path.join(directory, 'held.lock');
    await mkdir(heldLock);
    await writeFile(path.join(heldLock, 'owner.json'), JSON.stringify({ pid: process.ppid, host: 'another-host', since: Date.now() }));
    const waits: unknown[] = [];
    await assert.rejects(
      withCrossProcessLock(heldLock, async () => 'never', { timeoutMs: 300, onWait: (owner) => waits.push(owner) }),
      (error: Error) => error.message.includes(heldLock) && error.message.includes('another-host'),
    );
    assert.equal(waits.length, 1);
  });
});
