import { test } from 'node:test';
import assert from 'node:assert/strict';
// The request under test is the one `dataset augment` sends: the teacher must recognise exactly that wording.
import { buildVariationRequest } from '../../../curate/dataset/internal/variation-prompt.ts';
import { createRandom } from '../../random.ts';
import { readCustomerMessage } from '../../support/read-customer-message.ts';
import { supportAgent } from '../../support/support-agent.ts';
import { answerAsTeacher } from '../answer-as-teacher.ts';
import { inputVariationTask, varyInputValues } from './input-variation-skill.ts';

// Customer messages in the support agent's own phrasings (customer-phrasings.ts), as a dataset holds them.
const inputs = [
  "Extract the customer's contact details (name, email, phone) from the message below.\n\nhey - Elio Queiroz speaking. I returned order Q7X-4873-22 with 1 x Trailblazer Hiking Boots in it two weeks ago and I'm still waiting for my money back. It cost me EUR 129.99. Thanks in advance for your help. You can call me on +33 6 18 48 35 18.",
  'Fill in the contact record for the following customer message.\n\nHello,\n\nQuick question regarding the 1 x Harvest Granola (1 kg) from order U9B-7991-42 - does it come with a warranty? I already checked my spam folder.\n\nI would appreciate a quick answer. Write back to anastasia.dvorak@icloud.com, please.\n\nKind regards,\nAnastasia Dvorak',
];

function reply(seed: string): { text: string; task: string | null; recognition: string; wrong: boolean } {
  const answer = answerAsTeacher(buildVariationRequest('gpt-4.1', inputs), supportAgent.skills, { errorRate: 1, random: createRandom(seed) });
  assert.equal(answer.reply.kind, 'content');
  return { text: answer.reply.kind === 'content' ? answer.reply.content : '', task: answer.task, recognition: answer.recognition, wrong: answer.wrong };
}

test('every teacher recognises the variation request, once, and never answers it wrongly', () => {
  const answer = reply('a');
  assert.equal(answer.task, inputVariationTask);
  assert.equal(answer.recognition, 'one');
  assert.equal(answer.wrong, false);
});

test('the new input is one of the shown inputs with every value replaced, still readable as the same kind of message', () => {
  const seen = new Set<string>();
  for (const seed of ['a', 'b', 'c', 'd', 'e', 'f']) {
    const { text } = reply(seed);
    const base = inputs.find((input) => input.split('\n')[0] === text.split('\n')[0]);
    assert.ok(base !== undefined, `not based on a shown input: ${text}`);
    const before = readCustomerMessage(base)!;
    const after = readCustomerMessage(text);
    assert.ok(after !== undefined, `the support skills cannot read: ${text}`);
    assert.equal(after.intent, before.intent);
    assert.equal(after.product, before.product);
    for (const field of ['name', 'email', 'phone', 'orderId', 'amountCents'] as const) {
      assert.equal(after[field] === null, before[field] === null, `${field} present in one and not the other`);
      if (before[field] !== null) assert.notEqual(after[field], before[field], `${field} kept its value`);
    }
    if (before.name !== null) assert.ok(!text.includes(before.name), 'the old name is still somewhere in the text');
    seen.add(text);
  }
  assert.ok(seen.size >= 5, 'different requests give different variations');
});

test('the same request and seed give the same variation', () => {
  assert.equal(reply('same').text, reply('same').text);
  assert.equal(varyInputValues('nothing to vary here', createRandom(1)), 'nothing to vary here');
});
