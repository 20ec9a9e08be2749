// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
/**
 * `understudy eval TASK SPECIALIST` as a user runs it, on the shared trained specialist (a real LoRA on
 * SmolLM2, built once per CI run by src/train/testing/shared-test-specialist.ts) and, beside it, the untrained
 * base registered as a specialist of the same task: the trained one must agree with the teacher more often on
 * the value-disjoint test split, the report carries its failures side by side and the gates, `--require-pass`
 * turns a failed gate into a one-line error and a non-zero exit, and an unknown specialist is named as such.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readDataset } from '../../curate/dataset/read-dataset.ts';
import { openStore } from '../../store/open-store.ts';
import { sharedTestSpecialist, type SharedTestSpecialist } from '../../train/testing/shared-test-specialist.ts';
import { runCli } from '../internal/cli-test-process.ts';

const shared = await sharedTestSpecialist({ onProgress: (line) => process.stderr.write(`${line}\n`) });

interface EvalJson {
  examples: number;
  metric: string;
  agreement: { correct: number; rate: number };
  validRate: number;
  failures: Array<{ input: string; expected: string; got: string; reason: string }>;
  gates: Array<{ gate: string; passed: boolean }>;
  passed: boolean;
  file: string;
}

describe('understudy eval', { skip: shared.verdict === 'missing' ? shared.reason : false, timeout: 15 * 60_000 }, () => {
  let cwd: string;
  let specialist: SharedTestSpecialist;

  before(async () => {
    assert.ok(shared.verdict === 'found');
    specialist = shared;
    cwd = await mkdtemp(path.join(os.tmpdir(), 'understudy-eval-'));
    const store = await openStore({ dataDir: path.join(cwd, '.understudy') });
    try {
      await store.specialists.register(specialist.record({ id: 'sp_trained', name: 'contact-lora' }));
      await store.specialists.register({ ...specialist.record({ id: 'sp_base', name: 'contact-base' }), adapterPath: null, promptContext: null });
    } finally {
      await store.close();
    }
  });
  after(async () => {
    if (cwd !== undefined) await rm(cwd, { recursive: true, force: true });
  });

  const evaluate = async (name: string, extra: string[] = []) => {
    const result = await runCli(cwd, ['eval', specialist.task, name, '--dataset', specialist.datasetDir, '--limit', '12', '--json', ...extra]);
    return result;
  };

  it('scores the trained specialist above the untrained base on held-out calls, with failures side by side', async () => {
    const trained = await evaluate('contact-lora');
    assert.equal(trained.code, 0, trained.stderr);
    const lora = JSON.parse(trained.stdout) as EvalJson;
    const untrained = await evaluate('contact-base');
    assert.equal(untrained.code, 0, untrained.stderr);
    const base = JSON.parse(untrained.stdout) as EvalJson;

    assert.equal(lora.examples, Math.min(12, (await readDataset(specialist.datasetDir)).test.length));
    assert.equal(lora.metric, base.metric);
    assert.ok(lora.agreement.rate > base.agreement.rate, `trained ${lora.agreement.correct}/${lora.examples} against the base's ${base.agreement.correct}/${base.examples}`);
    assert.ok(lora.validRate >= 0.9, `valid ${lora.validRate}`);
    assert.equal(base.failures.length, base.examples - base.agreement.correct, 'every disagreement of the base is listed');
    for (const failure of base.failures) assert.ok(failure.expected.length > 0 && failure.got !== undefined && failure.reason.length > 0);
    assert.ok(existsSync(lora.file), 'the evaluation is saved');
  });

  it('--require-pass fails with one line when a gate fails (at most 12 examples, under the 30 the gates ask for)', async () => {
    const result = await evaluate('contact-lora', ['--require-pass']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr.trim(), /fails its promotion gates: .*minExamples \d+ < 30/);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  });

  it('an unknown specialist is not_found, listing the known ones', async () => {
    const result = await evaluate('no-such-specialist');
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /No specialist 'no-such-specialist'.*sp_trained \(contact-lora\)/);
  });
});
