import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChatCompletion, ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import { createSimulatedTraffic } from '../../discover/report/internal/simulated-call-records.ts';
import { simulatedAgents } from '../../simulate/driver/simulated-agents.ts';
import { startTeacherServer, type TeacherServer } from '../../simulate/teacher/start-teacher-server.ts';
import { createRedactor } from '../redact/create-redactor.ts';
import { augmentDataset, type AugmentDatasetResult } from './augment-dataset.ts';
import { buildDataset } from './build-dataset.ts';
import { datasetFileNames } from './dataset-manifest.ts';
import { createSlotModel, extractVariableSlots } from './extract-variable-slots.ts';
import { checkJsonSchema } from './internal/check-json-schema.ts';
import { readDatasetSources } from './internal/dataset-sources.ts';
import { readDataset, type LoadedDataset } from './read-dataset.ts';
import { createValueMatcher } from './split-examples.ts';
import type { FineTuneLine, TrainingExample } from './training-example.ts';

const task = 'support/extract-contact';
const teacherModel = 'gpt-4.1';

function lastUserText(line: FineTuneLine): string {
  const prompt = line.messages.slice(0, -1);
  const last = prompt[prompt.length - 1];
  assert.equal(last?.role, 'user');
  return String(last.content);
}

function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

function asExample(line: FineTuneLine, id: string): TrainingExample {
  return { id, episodeId: null, startedAt: 0, prompt: line.messages.slice(0, -1), completion: line.messages[line.messages.length - 1]!, tools: line.tools ?? null, parallelToolCalls: null, responseFormat: null };
}

describe('augmentDataset', () => {
  let root: string;
  let parent: LoadedDataset;
  let server: TeacherServer;
  /** The loopback teacher over plain HTTP, as any OpenAI-compatible client reaches it. */
  let teacher: { complete: (request: ChatCompletionRequest) => Promise<ChatCompletion> };
  let first: AugmentDatasetResult;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'understudy-augment-'));
    const traffic = await createSimulatedTraffic({ episodesPerAgent: 40, seed: 'augment', agents: [simulatedAgents.support!] });
    const redactor = createRedactor({ mode: 'surrogate', scope: `test/${task}`, secretKey: Buffer.alloc(32, 7) });
    const built = await buildDataset({ task, calls: traffic.callsOf(task), redactor, outDir: path.join(root, 'datasets'), seed: 'augment' });
    parent = await readDataset(built.dir);
    // The teacher stands in for the agent's LLM: only the support agent's skills, plus what every teacher can do.
    server = await startTeacherServer({ skills: simulatedAgents.support!.skills, seed: 5, errorRate: 0, latency: { scale: 0 } });
    teacher = {
      async complete(request) {
        const response = await fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
        assert.equal(response.status, 200);
        return (await response.json()) as ChatCompletion;
      },
    };
    first = await augmentDataset({ dataset: parent, count: 12, teacher: teacher.complete, teacherModel, seed: 's1', concurrency: 3 });
  });

  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  test('writes a new version: train grows by the accepted lines, validation and test are byte-identical', async () => {
    assert.ok(parent.train.length >= 5, `parent train has ${parent.train.length} lines`);
    assert.equal(first.requested, 12);
    assert.ok(first.accepted >= 8, `accepted ${first.accepted}: ${JSON.stringify(first.dropped)}`);
    const droppedTotal = Object.values(first.dropped).reduce((sum, count) => sum + (count ?? 0), 0);
    assert.equal(first.accepted + droppedTotal, first.requested);
    assert.equal(first.generated, first.accepted + (first.dropped.duplicate_input ?? 0) + (first.dropped.held_out_value ?? 0));
    assert.equal(first.reused, false);
    assert.notEqual(first.dir, parent.dir);
    assert.equal(path.dirname(first.dir), path.dirname(parent.dir));

    const child = await readDataset(path.dirname(parent.dir)); // through `latest`, verified against its manifest
    assert.equal(child.dir, first.dir);
    assert.deepEqual(child.train, [...parent.train, ...first.lines]);
    assert.equal(child.train.length, parent.train.length + first.accepted);
    for (const fileName of ['validation.jsonl', 'test.jsonl'] as const) {
      assert.deepEqual(await readFile(path.join(child.dir, fileName)), await readFile(path.join(parent.dir, fileName)), fileName);
    }
    // The parent is untouched and still loads.
    assert.equal((await readDataset(parent.dir)).train.length, parent.train.length);
    assert.deepEqual(await readDatasetSources(child.dir), await readDatasetSources(parent.dir));
  });

  test('the manifest records the parent, the teacher and the counts', async () => {
    const { manifest } = await readDataset(first.dir);
    assert.deepEqual(manifest.augmentation, {
      method: 'teacher-variation',
      parentVersion: parent.manifest.version,
      teacherModel,
      seed: 's1',
      requested: 12,
      generated: first.generated,
      accepted: first.accepted,
      dropped: first.dropped,
    });
    assert.equal(manifest.split.counts.train, parent.manifest.split.counts.train + first.accepted);
    assert.deepEqual(manifest.split.counts.test, parent.manifest.split.counts.test);
    assert.equal(manifest.outputShape.signature, parent.manifest.outputShape.signature);
    assert.equal(parent.manifest.augmentation, undefined);
    for (const fileName of datasetFileNames) assert.equal(manifest.files[fileName].lines, (await readFile(path.join(first.dir, fileName), 'utf8')).split('\n').length - 1);
  });

  test('every accepted line has a new input, no held-out value, and the answer the teacher gives for it', async () => {
    const existing = new Set([...parent.train, ...parent.validation, ...parent.test].map((line) => normalise(lastUserText(line))));
    const heldOutLines = [...parent.validation, ...parent.test];
    const heldOutText = heldOutLines.map((line) => line.messages.map((message) => String(message.content ?? '')).join('\n')).join('\n');
    // Held-out values as the split defines them, less those train already carries (validation is not value-disjoint).
    const all = [...parent.train, ...heldOutLines].map((line, index) => asExample(line, String(index)));
    const model = createSlotModel(all, { skeletonShare: 0, minSkeletonCalls: parent.manifest.dedup.skeletonThreshold, minValueLength: parent.manifest.dedup.minValueLength, maxValueShare: 0, minValueCalls: parent.manifest.dedup.maxValueCalls });
    const trainRuns = all.slice(0, parent.train.length).flatMap((example) => extractVariableSlots(example, model).runs);
    const heldOutValues = all.slice(parent.train.length).flatMap((example) => extractVariableSlots(example, model).values).filter((value) => !trainRuns.some(createValueMatcher([value])));
    assert.ok(heldOutValues.length > 0);
    const sharesHeldOut = createValueMatcher(heldOutValues);
    const [responseFormat] = parent.manifest.outputShape.responseFormats;
    assert.equal(parent.manifest.outputShape.responseFormats.length, 1);
    const format = responseFormat!.value as { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown> } };

    for (const line of first.lines) {
      const input = lastUserText(line);
      assert.ok(!existing.has(normalise(input)), `input repeats an existing example: ${input.slice(0, 80)}`);
      existing.add(normalise(input));
      assert.ok(!extractVariableSlots(asExample(line, 'new'), model).runs.some(sharesHeldOut), `input shares a held-out value: ${input.slice(0, 80)}`);

      const answer = line.messages[line.messages.length - 1]!;
      assert.equal(answer.role, 'assistant');
      const details = JSON.parse(String(answer.content)) as { name: string | null; email: string | null; phone: string | null };
      assert.ok(checkJsonSchema(details, format.json_schema.schema).valid);
      // The extraction skill read the new input (not a generic reply): its values are in it, and none is a held-out person's.
      assert.ok(details.name !== null || details.email !== null, JSON.stringify(details));
      for (const value of [details.name, details.email, details.phone]) {
        if (value === null) continue;
        assert.ok(input.includes(value), `${value} is not in the input`);
        assert.ok(!heldOutText.includes(value), `${value} comes from a held-out example`);
      }
      const request: ChatCompletionRequest = { model: teacherModel, messages: line.messages.slice(0, -1) as ChatCompletionRequest['messages'], response_format: format };
      const again = await teacher.complete(request);
      assert.equal(again.choices[0]?.message.content, answer.content);
    }
    assert.ok((server.stats().byTask['understudy/vary-input'] ?? 0) >= 12);
  });

  test('the same seed and teacher give the same lines and so the same version', async () => {
    const second = await augmentDataset({ dataset: parent, count: 12, teacher: teacher.complete, teacherModel, seed: 's1', concurrency: 1 });
    assert.equal(second.dir, first.dir);
    assert.equal(second.reused, true);
    assert.deepEqual(second.lines, first.lines);
    assert.deepEqual(second.dropped, first.dropped);
  });

  test('inputs the teacher copies or fills with held-out values, empty inputs and refusals are dropped by reason', async () => {
    const testInput = lastUserText(parent.test[0]!);
    const trainInput = lastUserText(parent.train[0]!);
    let variations = 0;
    // A teacher that misbehaves the way LLMs do, in turn; the rest it leaves to the real (simulated) teacher.
    const misbehaving = async (request: ChatCompletionRequest): Promise<ChatCompletion> => {
      const reply = (content: string): ChatCompletion => ({ id: 'x', object: 'chat.completion', created: 0, model: teacherModel, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });
      const isVariation = request.response_format === undefined;
      if (isVariation) {
        variations += 1;
        switch (variations % 5) {
          case 1:
            return reply(testInput);
          case 2:
            // A train example with a held-out customer's whole message pasted under it.
            return reply(`${trainInput}\n\n${testInput}`);
          case 3:
            return reply('   ');
          case 4:
            return reply(`<input>\n${trainInput.replace(/\.$/, '')} REFUSE\n</input>`);
          default:
            return teacher.complete(request);
        }
      }
      const user = request.messages[request.messages.length - 1]!;
      if (String(user.content).includes('REFUSE')) return reply("I'm sorry, but I can't help with that.");
      return teacher.complete(request);
    };
    const result = await augmentDataset({ dataset: parent, count: 10, teacher: misbehaving, teacherModel, seed: 'drops', concurrency: 1 });
    assert.deepEqual(result.dropped, { duplicate_input: 2, held_out_value: 2, empty_input: 2, refusal: 2 });
    assert.equal(result.accepted, 2);
    assert.equal(result.generated, 6);
    for (const line of result.lines) assert.ok(!lastUserText(line).includes(testInput));
  });

  test('a teacher that fails every request is an error, not an empty dataset', async () => {
    const failing = async (): Promise<ChatCompletion> => {
      throw new Error('connection refused');
    };
    await assert.rejects(augmentDataset({ dataset: parent, count: 2, teacher: failing, teacherModel }), /failed on every request: connection refused/);
    await assert.rejects(augmentDataset({ dataset: parent, count: 0, teacher: failing, teacherModel }), /count must be a whole number of at least 1/);
  });
});
