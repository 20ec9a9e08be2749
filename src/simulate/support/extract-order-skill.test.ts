import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import { scoreAnswer } from '../driver/score-answer.ts';
import { createRandom } from '../random.ts';
import type { EpisodeContext, GeneratedCall } from '../simulated-task.ts';
import { answerAsTeacher } from '../teacher/answer-as-teacher.ts';
import { createExtractOrderCall, extractOrderTask, type OrderDetails } from './extract-order-skill.ts';
import { allSimulatedSkills } from './internal/all-skills-for-tests.ts';
import { deliverySentences } from './internal/customer-phrasings.ts';
import type { SupportThread } from './internal/support-request.ts';
import { completionFromReply, teacherAnswer } from './internal/teacher-for-tests.ts';
import { readCustomerMessage } from './read-customer-message.ts';
import { renderCustomerMessage } from './render-customer-message.ts';
import { supportAgent } from './support-agent.ts';
import { createSupportCase } from './support-case.ts';

const seedCount = 300;
const allDeliverySentences = Object.values(deliverySentences).flat();

function threadFor(seed: string, withDelivery: boolean): SupportThread {
  const random = createRandom(seed);
  const supportCase = createSupportCase(random.fork('case'), 'train', { withDelivery });
  return { supportCase, customerMessage: renderCustomerMessage(supportCase, random.fork('message')) };
}

function orderCallFor(seed: string, drifted: boolean): GeneratedCall {
  return createExtractOrderCall(threadFor(seed, drifted), createRandom(`${seed}/extract`), { drifted });
}

function schemaOf(request: ChatCompletionRequest): { name: string; properties: string[]; required: unknown } {
  const format = request.response_format;
  assert.equal(format?.type, 'json_schema');
  if (format?.type !== 'json_schema') throw new Error('unreachable');
  const schema = format.json_schema.schema as { properties: Record<string, unknown>; required: unknown };
  return { name: format.json_schema.name, properties: Object.keys(schema.properties), required: schema.required };
}

function userText(call: GeneratedCall): string {
  return call.request.messages[1]!.content as string;
}

function expectedValue(call: GeneratedCall): OrderDetails {
  assert.equal(call.expected.kind, 'json');
  return (call.expected as { value: OrderDetails }).value;
}

describe('support/extract-order without drift', () => {
  it('keeps the original schema, answer and message: no delivery anywhere', () => {
    for (let seed = 0; seed < seedCount; seed += 1) {
      const call = orderCallFor(`o${seed}`, false);
      assert.deepEqual(schemaOf(call.request), { name: 'order_details', properties: ['order_id', 'product', 'quantity'], required: ['order_id', 'product', 'quantity'] });
      assert.deepEqual(Object.keys(expectedValue(call)), ['order_id', 'product', 'quantity']);
      assert.equal(call.drifted, undefined);
      assert.ok(!allDeliverySentences.some((sentence) => userText(call).includes(sentence)), `o${seed}: delivery sentence without drift`);
      assert.equal(readCustomerMessage(userText(call))?.delivery, null);
      const answer = teacherAnswer(allSimulatedSkills, call.request, createRandom(`o${seed}/teacher`));
      assert.deepEqual(JSON.parse(answer.choices[0]!.message.content as string), expectedValue(call));
    }
  });

  it('is the request an unchanged caller gets: the default options send the original shape', () => {
    const thread = threadFor('default', false);
    assert.equal(
      JSON.stringify(createExtractOrderCall(thread, createRandom('default/extract'))),
      JSON.stringify(createExtractOrderCall(thread, createRandom('default/extract'), { drifted: false })),
    );
  });
});

describe('support/extract-order with drift', () => {
  it('adds a required delivery field the message states, and the teacher reads it back', () => {
    const seen = new Map<string, number>();
    for (let seed = 0; seed < seedCount; seed += 1) {
      const context = `d${seed}`;
      const thread = threadFor(context, true);
      const call = createExtractOrderCall(thread, createRandom(`${context}/extract`), { drifted: true });
      assert.deepEqual(schemaOf(call.request), {
        name: 'order_details',
        properties: ['order_id', 'product', 'quantity', 'delivery'],
        required: ['order_id', 'product', 'quantity', 'delivery'],
      });
      assert.equal(call.task, extractOrderTask);
      assert.equal(call.drifted, true);
      const delivery = thread.supportCase.order.delivery!;
      seen.set(delivery, (seen.get(delivery) ?? 0) + 1);
      assert.deepEqual(expectedValue(call), {
        order_id: thread.supportCase.order.id,
        product: thread.supportCase.order.product,
        quantity: thread.supportCase.order.quantity,
        delivery,
      });
      // The message states the option in one of its phrasings, and never one of the other option's.
      assert.ok(deliverySentences[delivery].some((sentence) => userText(call).includes(sentence)), context);
      const other = delivery === 'express' ? 'standard' : 'express';
      assert.ok(!deliverySentences[other].some((sentence) => userText(call).includes(sentence)), context);

      // The teacher: exactly one skill recognises it (same task), and its answer scores correct.
      const answer = answerAsTeacher(call.request, allSimulatedSkills, { errorRate: 0, random: createRandom(`${context}/teacher`) });
      assert.equal(answer.recognition, 'one', context);
      assert.equal(answer.task, extractOrderTask, context);
      const completion = completionFromReply(answer.reply);
      assert.deepEqual(JSON.parse(completion.choices[0]!.message.content as string), expectedValue(call), context);
      assert.deepEqual(scoreAnswer(call.expected, completion), { correct: true }, context);

      // A deliberately wrong answer scores wrong.
      const wrong = answerAsTeacher(call.request, allSimulatedSkills, { errorRate: 1, random: createRandom(`${context}/wrong`) });
      assert.equal(scoreAnswer(call.expected, completionFromReply(wrong.reply)).correct, false, context);
    }
    assert.ok((seen.get('standard') ?? 0) > seedCount / 4 && (seen.get('express') ?? 0) > seedCount / 4, JSON.stringify([...seen]));
  });

  it('uses every delivery phrasing, so the field is learnt from varied wording', () => {
    const used = new Set<string>();
    for (let seed = 0; seed < seedCount; seed += 1) {
      const text = threadFor(`v${seed}`, true).customerMessage.text;
      for (const sentence of allDeliverySentences) if (text.includes(sentence)) used.add(sentence);
    }
    assert.equal(used.size, allDeliverySentences.length);
  });

  it('changes only the schema and adds one sentence: same case, same prompt, same other readings', () => {
    for (let seed = 0; seed < 100; seed += 1) {
      const original = threadFor(`c${seed}`, false);
      const drifted = threadFor(`c${seed}`, true);
      const { delivery, ...driftedOrder } = drifted.supportCase.order;
      assert.ok(delivery !== undefined);
      assert.deepEqual({ ...drifted.supportCase, order: driftedOrder }, original.supportCase);
      assert.deepEqual(drifted.customerMessage.planted, original.customerMessage.planted);
      const before = readCustomerMessage(original.customerMessage.text);
      const after = readCustomerMessage(drifted.customerMessage.text);
      assert.deepEqual({ ...after, delivery: null }, before, `c${seed}`);

      const originalCall = createExtractOrderCall(original, createRandom(`c${seed}/extract`));
      const driftedCall = createExtractOrderCall(drifted, createRandom(`c${seed}/extract`), { drifted: true });
      // Same system phrasing and instruction: the router's classification keeps seeing one task.
      assert.equal(driftedCall.request.messages[0]!.content, originalCall.request.messages[0]!.content);
      assert.equal(userText(driftedCall).split('\n')[0], userText(originalCall).split('\n')[0]);
    }
  });

  it('refuses a drifted call for a case drawn without a delivery option', () => {
    assert.throws(() => createExtractOrderCall(threadFor('x', false), createRandom('x'), { drifted: true }), /withDelivery/);
  });
});

describe('support agent episodes with drift', () => {
  async function episodeCalls(seed: string, drift?: ReadonlySet<string>): Promise<GeneratedCall[]> {
    const sent: GeneratedCall[] = [];
    const context: EpisodeContext = {
      episodeId: seed,
      random: createRandom(seed),
      split: 'train',
      openEndedShare: 0.3,
      send: async (call) => {
        sent.push(call);
        return teacherAnswer(supportAgent.skills, call.request, createRandom(`${seed}/${sent.length}`));
      },
      ...(drift ? { drift } : {}),
    };
    await supportAgent.runEpisode(context);
    return sent;
  }

  it('declares extract-order as its driftable task', () => {
    assert.deepEqual(supportAgent.driftableTasks, [extractOrderTask]);
  });

  it('sends the drifted extract-order only when the context asks for it; other tasks keep their answers', async () => {
    for (let seed = 0; seed < 60; seed += 1) {
      const plain = await episodeCalls(`e${seed}`);
      const unrelated = await episodeCalls(`e${seed}`, new Set(['query/write-sql']));
      const drifted = await episodeCalls(`e${seed}`, new Set([extractOrderTask]));
      assert.equal(JSON.stringify(unrelated), JSON.stringify(plain), `e${seed}: an id the agent does not own changed its traffic`);
      assert.ok(plain.every((call) => call.drifted === undefined));
      const driftedOrder = drifted.filter((call) => call.task === extractOrderTask);
      assert.equal(driftedOrder.length, 1);
      assert.equal(driftedOrder[0]!.drifted, true);
      assert.ok(schemaOf(driftedOrder[0]!.request).properties.includes('delivery'));
      assert.ok(drifted.filter((call) => call.task !== extractOrderTask).every((call) => call.drifted === undefined));
      // The same flow: the classification, contact and tool answers do not depend on the added sentence.
      assert.deepEqual(
        drifted.map((call) => [call.task, call.task === extractOrderTask ? null : call.expected]),
        plain.map((call) => [call.task, call.task === extractOrderTask ? null : call.expected]),
        `e${seed}`,
      );
    }
  });
});
