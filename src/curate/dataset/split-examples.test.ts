import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dedupExamples, type SlottedExample } from './dedup-examples.ts';
import { tokeniseValue } from './extract-variable-slots.ts';
import { createSimulatedTaskRecords } from './internal/simulated-task-records.ts';
import { filterCalls } from './filter-calls.ts';
import { createValueMatcher, splitExamples, splitGroupOf } from './split-examples.ts';
import { readTrainingExample } from './training-example.ts';

async function slottedTask(task: string, agents: string, episodes: number): Promise<SlottedExample[]> {
  const byTask = await createSimulatedTaskRecords({ agents, episodesPerAgent: episodes, seed: 'split' });
  const examples = filterCalls(byTask.get(task) ?? []).kept.map((record) => {
    const read = readTrainingExample(record);
    assert.ok(read.ok);
    return read.example;
  });
  return dedupExamples(examples).kept;
}

test('episode split: no episode in two splits, test held out on values, counts add up', async () => {
  // The tool loop's episodes have many calls each: the case where a per-call split would leak.
  const slotted = await slottedTask('toolloop/next-step', 'toolloop', 120);
  assert.ok(slotted.length > 300);
  const result = splitExamples(slotted, { seed: 'seed-1' });

  const splitOfGroup = new Map<string, string>();
  for (const [name, list] of Object.entries({ train: result.train, validation: result.validation, test: result.test })) {
    for (const item of list) {
      const group = splitGroupOf(item);
      assert.equal(splitOfGroup.get(group) ?? name, name, `${group} straddles splits`);
      splitOfGroup.set(group, name);
    }
  }
  const removed = result.removedForValueOverlap.train + result.removedForValueOverlap.validation;
  assert.equal(result.train.length + result.validation.length + result.test.length + removed, slotted.length);
  assert.ok(result.test.length > 0 && result.validation.length > 0);
  assert.ok(result.train.length > slotted.length * 0.6, `train ${result.train.length} of ${slotted.length}`);

  const heldOutValues = new Set(result.test.flatMap((item) => item.slots.values));
  assert.equal(result.heldOutValueCount, heldOutValues.size);
  assert.ok(heldOutValues.size > 0);
  // No held-out value occurs in any training or validation example's variable parts, whole or inside a longer run.
  for (const item of [...result.train, ...result.validation]) {
    for (const value of item.slots.values) assert.ok(!heldOutValues.has(value), `held-out value ${value} in training`);
    const variableText = ` ${item.slots.runs.map((run) => run.join(' ')).join(' | ')} `;
    for (const value of heldOutValues) assert.ok(!variableText.includes(` ${tokeniseValue(value).join(' ')} `), `held-out value ${value} inside ${item.example.id}`);
  }
});

test('the split is a pure function of the seed', async () => {
  const slotted = await slottedTask('support/extract-order', 'support', 150);
  const ids = (result: ReturnType<typeof splitExamples>) => result.test.map((item) => item.example.id).join(',');
  assert.equal(ids(splitExamples(slotted, { seed: 'a' })), ids(splitExamples([...slotted].reverse(), { seed: 'a' })).split(',').reverse().join(','));
  assert.notEqual(ids(splitExamples(slotted, { seed: 'a' })), ids(splitExamples(slotted, { seed: 'b' })));
  const allTrain = splitExamples(slotted, { seed: 'a', shares: { train: 1, validation: 0, test: 0 } });
  assert.equal(allTrain.train.length, slotted.length);
  assert.throws(() => splitExamples(slotted, { seed: 'a', shares: { train: 0, validation: 0, test: 0 } }), { code: 'invalid_request' });
});

test('calls without an episode are split on their own, named by content rather than call id', () => {
  assert.equal(splitGroupOf({ dedupKey: 'k1', example: { episodeId: null } }), 'call:k1');
  assert.equal(splitGroupOf({ dedupKey: 'k1', example: { episodeId: '' } }), 'call:k1');
  assert.equal(splitGroupOf({ dedupKey: 'k1', example: { episodeId: 'e1' } }), 'episode:e1');
});

test('a held-out value is found inside a longer run of variable tokens', () => {
  const matches = createValueMatcher(['k4g-7078-20', 'mathieu rodríguez']);
  assert.equal(matches(['ref', 'k4g', '7078', '20']), true);
  assert.equal(matches(['k4g', '7078']), false);
  assert.equal(matches(['mathieu', 'dupont']), false);
});
