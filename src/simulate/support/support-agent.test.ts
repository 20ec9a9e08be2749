import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../random.ts';
import type { DataSplit, EpisodeContext, ExpectedAnswer, GeneratedCall, TeacherReply } from '../simulated-task.ts';
import { valuePools } from '../world/value-pools.ts';
import { createChatCall, startChatConversation } from './chat-skill.ts';
import { createChooseToolCall } from './choose-tool-skill.ts';
import { createClassifyIntentCall } from './classify-intent-skill.ts';
import { createDraftReplyCall } from './draft-reply-skill.ts';
import { createExtractContactCall } from './extract-contact-skill.ts';
import { createExtractOrderCall } from './extract-order-skill.ts';
import { allSimulatedSkills } from './internal/all-skills-for-tests.ts';
import type { SupportThread } from './internal/support-request.ts';
import { completionFromReply, recognisingSkills, teacherAnswer } from './internal/teacher-for-tests.ts';
import { renderCustomerMessage } from './render-customer-message.ts';
import { supportAgent } from './support-agent.ts';
import { createSupportCase } from './support-case.ts';
import { runSupportTool, toolCallForCase } from './support-tools.ts';
import { createSummarizeThreadCall } from './summarize-thread-skill.ts';

const seedCount = 300;

function threadFor(seed: string, split: DataSplit = 'train'): SupportThread {
  const random = createRandom(seed);
  const supportCase = createSupportCase(random.fork('case'), split);
  return { supportCase, customerMessage: renderCustomerMessage(supportCase, random.fork('message')) };
}

/** Every kind of call the support agent makes, for one case. */
function callsFor(seed: string, split: DataSplit = 'train'): GeneratedCall[] {
  const thread = threadFor(seed, split);
  const random = createRandom(`${seed}/calls`);
  const expectedTool = toolCallForCase(thread.supportCase);
  const argumentsJson = JSON.stringify(expectedTool.arguments);
  const exchange = {
    callId: 'call_0',
    name: expectedTool.name,
    argumentsJson,
    result: runSupportTool(thread.supportCase, expectedTool.name, argumentsJson, random.fork('tool')),
  };
  const conversation = startChatConversation(thread.supportCase, random);
  const firstChat = createChatCall(conversation, thread.supportCase, random);
  conversation.messages.push({ role: 'assistant', content: 'We ship to most countries.' });
  const secondChat = createChatCall(conversation, thread.supportCase, random);
  return [
    createClassifyIntentCall(thread, random),
    createExtractOrderCall(thread, random),
    createExtractContactCall(thread, random),
    createChooseToolCall(thread, random),
    createDraftReplyCall(thread, exchange, random),
    createDraftReplyCall(thread, null, random),
    createSummarizeThreadCall(thread, 'Dear customer, done.', random),
    createSummarizeThreadCall(thread, null, random),
    firstChat,
    secondChat,
  ];
}

function assertReplyMatches(expected: ExpectedAnswer, reply: TeacherReply, context: string): void {
  switch (expected.kind) {
    case 'text':
      assert.equal(reply.kind, 'content', context);
      if (reply.kind === 'content') assert.equal(reply.content.trim(), expected.text, context);
      return;
    case 'json':
      assert.equal(reply.kind, 'content', context);
      if (reply.kind === 'content') assert.deepEqual(JSON.parse(reply.content), expected.value, context);
      return;
    case 'tool_calls':
      assert.equal(reply.kind, 'tool_calls', context);
      if (reply.kind === 'tool_calls') {
        assert.deepEqual(
          reply.calls.map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) as unknown })),
          expected.calls,
          context,
        );
      }
      return;
    default:
      return;
  }
}

function replyEquals(left: TeacherReply, right: TeacherReply): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

describe('support agent', () => {
  it('renders the same requests for the same seed', () => {
    assert.equal(JSON.stringify(callsFor('same')), JSON.stringify(callsFor('same')));
    assert.notEqual(JSON.stringify(callsFor('same')), JSON.stringify(callsFor('other')));
  });

  it('sends byte-identical episodes for the same seed', async () => {
    async function episodeRequests(seed: string): Promise<string> {
      const bodies: string[] = [];
      await supportAgent.runEpisode({
        episodeId: seed,
        random: createRandom(seed),
        split: 'train',
        openEndedShare: 0.6,
        send: async (call) => {
          bodies.push(JSON.stringify(call.request));
          return teacherAnswer(supportAgent.skills, call.request, createRandom(`${seed}/${bodies.length}`));
        },
      });
      return bodies.join('\n');
    }
    for (const seed of ['one', 'two', 'three']) assert.equal(await episodeRequests(seed), await episodeRequests(seed));
  });

  it('has exactly one recognising skill per request, and the teacher answers with the ground truth', () => {
    for (let seed = 0; seed < seedCount; seed += 1) {
      for (const call of callsFor(`s${seed}`)) {
        const context = `seed s${seed}, ${call.task}`;
        const matching = recognisingSkills(allSimulatedSkills, call.request);
        assert.deepEqual(matching.map((skill) => skill.task), [call.task], context);
        const skill = matching[0]!;
        assert.equal(call.openEnded, call.expected.kind === 'open', context);
        const reply = skill.respond(call.request, createRandom(`${seed}/teacher`));
        assertReplyMatches(call.expected, reply, context);
        const wrong = skill.respondWrongly(call.request, createRandom(`${seed}/wrong`));
        assert.ok(!replyEquals(reply, wrong), `${context}: wrong answer equals the right one`);
      }
    }
  });

  it('records every planted value with exact offsets, in content and tool arguments', () => {
    const locations = new Set<string>();
    for (let seed = 0; seed < seedCount; seed += 1) {
      for (const call of callsFor(`p${seed}`)) {
        for (const span of call.pii) {
          const message = call.request.messages[span.messageIndex]!;
          const text =
            span.location === 'content'
              ? (message.content as string)
              : message.tool_calls![span.toolCallIndex!]!.function!.arguments;
          assert.equal(text.slice(span.start, span.end), span.value, `p${seed} ${call.task} ${span.kind}`);
          locations.add(`${span.kind}/${span.location}`);
          if (span.value.includes('\\n')) locations.add('json-escaped');
        }
        const body = JSON.stringify(call.request);
        const thread = threadFor(`p${seed}`);
        const { email } = thread.supportCase.customer;
        if (email !== null && body.includes(email)) {
          assert.ok(call.pii.some((span) => span.kind === 'email'), `p${seed} ${call.task}: email not recorded`);
        }
      }
    }
    for (const expected of ['person_name/content', 'email/content', 'phone/content', 'date_of_birth/content', 'iban/content', 'street_address/content', 'card_number/content', 'api_key/content', 'email/tool_arguments', 'iban/tool_arguments', 'street_address/tool_arguments', 'json-escaped']) {
      assert.ok(locations.has(expected), `no ${expected} span in ${seedCount} cases`);
    }
  });

  it('keeps training values out of evaluation requests', () => {
    const train = valuePools('train');
    const trainFirst = new Set(train.firstNames);
    const trainLast = new Set(train.lastNames);
    for (let seed = 0; seed < 100; seed += 1) {
      for (const call of callsFor(`e${seed}`, 'eval')) {
        const body = JSON.stringify(call.request);
        for (const product of train.products) assert.ok(!body.includes(product.name), `train product ${product.name} in eval`);
        for (const span of call.pii.filter((item) => item.kind === 'person_name')) {
          const [first, ...rest] = span.value.split(' ');
          assert.ok(!trainFirst.has(first!) && !trainLast.has(rest.join(' ')), `train name ${span.value} in eval`);
        }
      }
    }
  });

  it('gives both extraction tasks the same system prompt for the same phrasing draw', () => {
    for (let seed = 0; seed < 50; seed += 1) {
      const thread = threadFor(`x${seed}`);
      const order = createExtractOrderCall(thread, createRandom(`x${seed}/draw`));
      const contact = createExtractContactCall(thread, createRandom(`x${seed}/draw`));
      assert.equal(order.request.messages[0]!.content, contact.request.messages[0]!.content);
      assert.notEqual(order.request.messages[1]!.content, contact.request.messages[1]!.content);
    }
  });

  it('runs whole episodes against a teacher that answers with the skills', async () => {
    const tasks = new Map<string, number>();
    let openCalls = 0;
    let calls = 0;
    for (let seed = 0; seed < 60; seed += 1) {
      const sent: GeneratedCall[] = [];
      const context: EpisodeContext = {
        episodeId: `episode-${seed}`,
        random: createRandom(`episode-${seed}`),
        split: 'train',
        openEndedShare: 0.3,
        send: async (call) => {
          sent.push(call);
          return teacherAnswer(supportAgent.skills, call.request, createRandom(`answer-${seed}-${sent.length}`));
        },
      };
      await supportAgent.runEpisode(context);
      assert.ok(sent.length >= 3, `episode ${seed} made ${sent.length} calls`);
      for (const call of sent) {
        tasks.set(call.task, (tasks.get(call.task) ?? 0) + 1);
        calls += 1;
        if (call.openEnded) openCalls += 1;
      }
    }
    assert.equal(tasks.size, supportAgent.skills.length, [...tasks.keys()].join(', '));
    const share = openCalls / calls;
    assert.ok(share > 0.15 && share < 0.45, `open-ended share ${share}`);
  });

  it('finishes episodes when the model answers wrongly, with exact spans throughout', async () => {
    for (let seed = 0; seed < 60; seed += 1) {
      const errors = createRandom(`errors-${seed}`);
      const sent: GeneratedCall[] = [];
      await supportAgent.runEpisode({
        episodeId: `wrong-${seed}`,
        random: createRandom(`wrong-${seed}`),
        split: 'eval',
        openEndedShare: 0.5,
        send: async (call) => {
          sent.push(call);
          const random = createRandom(`wrong-answer-${seed}-${sent.length}`);
          if (!errors.chance(0.4)) return teacherAnswer(supportAgent.skills, call.request, random);
          const skill = recognisingSkills(supportAgent.skills, call.request)[0]!;
          return completionFromReply(skill.respondWrongly(call.request, random));
        },
      });
      assert.ok(sent.length >= 2, `episode ${seed}`);
      for (const call of sent) {
        for (const span of call.pii) {
          const message = call.request.messages[span.messageIndex]!;
          const text =
            span.location === 'content'
              ? (message.content as string)
              : message.tool_calls![span.toolCallIndex!]!.function!.arguments;
          assert.equal(text.slice(span.start, span.end), span.value);
        }
      }
    }
  });
});
