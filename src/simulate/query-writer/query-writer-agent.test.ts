import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatCompletion } from '../../contracts/chat-completion.ts';
import { createRandom } from '../random.ts';
import type { DataSplit, EpisodeContext, GeneratedCall } from '../simulated-task.ts';
import { queryWriterAgent } from './query-writer-agent.ts';

/** A stand-in for the teacher: answers with the recognising skill, wrong at `errorRate`. */
function teacherSend(calls: GeneratedCall[], errorRate: number, seed: string): EpisodeContext['send'] {
  const random = createRandom(`teacher/${seed}`);
  return async (call) => {
    calls.push(call);
    const recognising = queryWriterAgent.skills.filter((skill) => skill.recognise(call.request));
    assert.deepEqual(recognising.map((skill) => skill.task), [call.task]);
    const skill = recognising[0]!;
    const reply = random.chance(errorRate) ? skill.respondWrongly(call.request, random) : skill.respond(call.request, random);
    const completion: ChatCompletion = {
      id: `chatcmpl-${calls.length}`,
      object: 'chat.completion',
      created: 0,
      model: call.request.model,
      choices: [{ index: 0, message: { role: 'assistant', content: reply.kind === 'content' ? reply.content : null }, finish_reason: 'stop' }],
    };
    return completion;
  };
}

async function runEpisodes(seed: string, count: number, split: DataSplit, errorRate: number, openEndedShare = 0.3): Promise<GeneratedCall[]> {
  const calls: GeneratedCall[] = [];
  for (let index = 0; index < count; index += 1) {
    await queryWriterAgent.runEpisode({
      episodeId: `${seed}-${index}`,
      random: createRandom(`${seed}/${index}`),
      split,
      openEndedShare,
      send: teacherSend(calls, errorRate, `${seed}/${index}`),
    });
  }
  return calls;
}

test('the same seed gives the same workload byte for byte', async () => {
  const first = await runEpisodes('determinism', 30, 'train', 0.2);
  const second = await runEpisodes('determinism', 30, 'train', 0.2);
  assert.equal(JSON.stringify(first), JSON.stringify(second));
  const other = await runEpisodes('determinism-other', 30, 'train', 0.2);
  assert.notEqual(JSON.stringify(first), JSON.stringify(other));
});

test('episodes run to completion and use all five tasks', async () => {
  const calls = await runEpisodes('coverage', 200, 'train', 0.25);
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call.task, (counts.get(call.task) ?? 0) + 1);
  for (const skill of queryWriterAgent.skills) assert.ok((counts.get(skill.task) ?? 0) > 10, `${skill.task}: ${counts.get(skill.task)}`);
  const openShare = calls.filter((call) => call.openEnded).length / calls.length;
  assert.ok(Math.abs(openShare - 0.3) < 0.06, `open-ended share ${openShare}`);
  assert.ok(calls.every((call) => call.request.model === 'gpt-4o-mini'));
});

test('a perfect teacher still sees fix-sql calls (saved queries broken by migrations)', async () => {
  const calls = await runEpisodes('perfect', 100, 'train', 0);
  assert.ok(calls.some((call) => call.task === 'query/fix-sql'));
  assert.ok(calls.every((call) => call.task !== 'query/research' || call.openEnded));
});

test('openEndedShare steers the open-ended calls', async () => {
  const none = await runEpisodes('share-none', 40, 'eval', 0.1, 0);
  assert.ok(none.every((call) => !call.openEnded));
  const half = await runEpisodes('share-half', 120, 'eval', 0.1, 0.5);
  const share = half.filter((call) => call.openEnded).length / half.length;
  assert.ok(Math.abs(share - 0.5) < 0.08, `open-ended share ${share}`);
});

test('the held-out schema appears only in eval episodes', async () => {
  const train = await runEpisodes('held-out-train', 80, 'train', 0.1);
  assert.ok(train.every((call) => !JSON.stringify(call.request).includes('patients')));
  assert.ok(train.every((call) => call.expected.kind !== 'sql' || call.expected.database.includes(':train:')));
  const evaluation = await runEpisodes('held-out-eval', 80, 'eval', 0.1);
  assert.ok(evaluation.some((call) => JSON.stringify(call.request).includes('patients')));
  assert.ok(evaluation.every((call) => call.expected.kind !== 'sql' || call.expected.database.includes(':eval:')));
});
