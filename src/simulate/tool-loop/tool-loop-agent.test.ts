import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../random.ts';
import type { DataSplit, EpisodeContext, GeneratedCall } from '../simulated-task.ts';
import { allSimulatedSkills } from '../support/internal/all-skills-for-tests.ts';
import { completionFromReply, recognisingSkills, teacherAnswer } from '../support/internal/teacher-for-tests.ts';
import { valuePools } from '../world/value-pools.ts';
import { toolLoopNextStepSkill } from './next-step-skill.ts';
import { readGoal } from './tool-loop-goal.ts';
import { toolLoopAgent, toolLoopStepBudget } from './tool-loop-agent.ts';

/**
 * Runs one episode against an in-test teacher, returning every call sent. With `errorRate`, the teacher
 * answers that share of calls with the skill's plausible mistake, as the real teacher's error knob does.
 */
async function runEpisode(seed: string, split: DataSplit = 'train', errorRate = 0): Promise<GeneratedCall[]> {
  const sent: GeneratedCall[] = [];
  const errors = createRandom(`${seed}/errors`);
  const context: EpisodeContext = {
    episodeId: seed,
    random: createRandom(seed),
    split,
    openEndedShare: 0.3,
    send: async (call) => {
      sent.push(call);
      const random = createRandom(`${seed}/answer/${sent.length}`);
      if (errors.chance(errorRate)) return completionFromReply(toolLoopNextStepSkill.respondWrongly(call.request, random));
      return teacherAnswer(allSimulatedSkills, call.request, random);
    },
  };
  await toolLoopAgent.runEpisode(context);
  return sent;
}

describe('tool-loop agent', () => {
  it('produces the same conversation for the same seed', async () => {
    assert.equal(JSON.stringify(await runEpisode('same')), JSON.stringify(await runEpisode('same')));
  });

  it('is recognised, answered with the ground truth, and ends with an open reply', async () => {
    const locations = new Set<string>();
    let open = 0;
    let total = 0;
    for (let seed = 0; seed < 300; seed += 1) {
      const calls = await runEpisode(`t${seed}`);
      assert.ok(calls.length >= 2 && calls.length <= 4, `t${seed}: ${calls.length} calls`);
      assert.equal(calls[calls.length - 1]!.expected.kind, 'open', `t${seed}: last call is not the reply`);
      for (const [index, call] of calls.entries()) {
        const context = `t${seed} step ${index}`;
        const matching = recognisingSkills(allSimulatedSkills, call.request);
        assert.deepEqual(matching.map((skill) => skill.task), ['toolloop/next-step'], context);
        const skill = matching[0]!;
        const reply = skill.respond(call.request, createRandom(context));
        if (call.expected.kind === 'tool_calls') {
          assert.equal(reply.kind, 'tool_calls', context);
          if (reply.kind === 'tool_calls') {
            assert.deepEqual(
              reply.calls.map((item) => ({ name: item.name, arguments: JSON.parse(item.arguments) as unknown })),
              call.expected.calls,
              context,
            );
          }
        } else {
          assert.equal(reply.kind, 'content', context);
          open += 1;
        }
        total += 1;
        assert.equal(call.openEnded, call.expected.kind === 'open', context);
        const wrong = skill.respondWrongly(call.request, createRandom(`${context}/wrong`));
        assert.notEqual(JSON.stringify(wrong), JSON.stringify(reply), context);
        for (const span of call.pii) {
          const message = call.request.messages[span.messageIndex]!;
          const text =
            span.location === 'content'
              ? (message.content as string)
              : message.tool_calls![span.toolCallIndex!]!.function!.arguments;
          assert.equal(text.slice(span.start, span.end), span.value, `${context} ${span.kind}`);
          locations.add(`${span.kind}/${span.location}/${message.role}`);
        }
      }
    }
    for (const expected of ['person_name/content/user', 'email/content/user', 'card_number/content/user', 'person_name/tool_arguments/assistant', 'email/tool_arguments/assistant', 'card_number/tool_arguments/assistant', 'person_name/content/tool', 'email/content/tool']) {
      assert.ok(locations.has(expected), `no ${expected} span`);
    }
    const share = open / total;
    assert.ok(share > 0.2 && share < 0.5, `open share ${share}`);
  });

  it('keeps training values out of evaluation conversations', async () => {
    const train = valuePools('train');
    const trainCities = new Set(train.cities.map((entry) => entry.city));
    const trainFirst = new Set(train.firstNames);
    for (let seed = 0; seed < 100; seed += 1) {
      const calls = await runEpisode(`ev${seed}`, 'eval');
      const goal = readGoal(calls[0]!.request.messages[1]!.content as string);
      assert.ok(goal, `ev${seed}: goal unreadable`);
      for (const value of Object.values(goal)) assert.ok(typeof value !== 'string' || !trainCities.has(value), `ev${seed}: ${String(value)}`);
      for (const call of calls) {
        for (const span of call.pii.filter((item) => item.kind === 'person_name')) {
          assert.ok(!trainFirst.has(span.value.split(' ')[0]!), `ev${seed}: train name ${span.value}`);
        }
      }
    }
  });

  it('keeps ground truth and the teacher in step after the model makes mistakes', async () => {
    let retried = 0;
    for (let seed = 0; seed < 200; seed += 1) {
      const calls = await runEpisode(`w${seed}`, 'train', 0.35);
      assert.ok(calls.length <= toolLoopStepBudget, `w${seed}: ${calls.length} calls`);
      if (calls.length > 4) retried += 1;
      for (const [index, call] of calls.entries()) {
        const reply = toolLoopNextStepSkill.respond(call.request, createRandom('check'));
        if (call.expected.kind === 'tool_calls' && reply.kind === 'tool_calls') {
          const parsed = reply.calls.map((item) => ({ name: item.name, arguments: JSON.parse(item.arguments) as unknown }));
          assert.deepEqual(parsed, call.expected.calls, `w${seed} step ${index}`);
        } else {
          assert.equal(reply.kind === 'content', call.expected.kind === 'open', `w${seed} step ${index}`);
        }
      }
    }
    assert.ok(retried > 0, 'no episode needed a retry');
  });
});
