import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameTasks, type NameableTask } from './name-task.ts';

const codeTask = (templates: Array<[string, number]>, extra: Partial<NameableTask> = {}): NameableTask => ({
  templates: templates.map(([text, calls]) => ({ text, calls })),
  calls: templates.reduce((sum, [, calls]) => sum + calls, 0),
  tools: [],
  responseFormat: null,
  agency: 'code',
  ...extra,
});

describe('nameTasks', () => {
  it('names tasks whose prompts open with payload by the words that set them apart, not by their slots', () => {
    // Support tasks of one agent: each opens with the company's own system prompt (payload, a slot) and shares
    // the customer boilerplate; only their instructions differ, and each comes in wordings.
    const boilerplate = 'you work for the customer support team of an online shop.';
    const [summary, reply] = nameTasks([
      codeTask([
        [`system:\n{{slot_1}}\n${boilerplate}\nsummarise the thread for the next agent.\n---\nuser:\n{{slot_2}}`, 40],
        [`system:\n{{slot_1}}\n${boilerplate}\nplease summarise this thread briefly.\n---\nuser:\n{{slot_2}}`, 35],
        [`system:\n{{slot_1}}\n---\nuser:\n{{slot_2}}`, 25],
      ]),
      codeTask([
        [`system:\n{{slot_1}}\n${boilerplate}\ndraft a polite reply to the customer.\n---\nuser:\n{{slot_2}}`, 50],
        [`system:\n{{slot_1}}\n${boilerplate}\nwrite a short reply we can send.\n---\nuser:\n{{slot_2}}`, 30],
      ]),
    ]);
    assert.match(summary!, /summarise-thread/);
    assert.match(reply!, /reply/);
    for (const name of [summary!, reply!]) {
      assert.doesNotMatch(name, /slot|support|online|shop/, `${name} is named after what every task shares`);
      assert.match(name, /^[a-z][a-z-]*[a-z]$/);
    }
  });

  it('ignores table rows, code and identifiers, which say what the data is rather than what the task does', () => {
    const [research, other] = nameTasks([
      codeTask([
        ['system:\nexplain the result set to business stakeholders in plain words.\n---\nuser:\nselect products.category, sum(quantity) from order_items join products on products.id = order_items.product_id\ncategory | revenue_cents\napparel | #\n{{slot_1}}', 60],
      ]),
      codeTask([['system:\nlist the tables a question needs.\n---\nuser:\n{{slot_1}}', 60]]),
    ]);
    assert.doesNotMatch(research!, /select|apparel|category|revenue|products/);
    assert.match(research!, /stakeholders|result|plain|explain/);
    assert.match(other!, /tables|question|list/);
  });

  it('reads language-model agency as the next step, and ends structured output with its schema keys', () => {
    const [loop, extraction] = nameTasks([
      codeTask([['system:\nyou are a travel assistant that books trains and hotels with the tools.', 90]], { agency: 'language-model', tools: ['book_train', 'search_hotels'] }),
      codeTask([['system:\npull the order details out of the customer email.\n---\nuser:\n{{slot_1}}', 90]], { responseFormat: 'json_schema:order_id,quantity,product' }),
    ]);
    assert.match(loop!, /^next-step-/);
    assert.match(loop!, /travel|trains|hotels|books|assistant/);
    assert.match(extraction!, /-order-id-quantity$|order-id-quantity$/);
  });

  it('keeps names short and cut at a word boundary', () => {
    const [name] = nameTasks([codeTask([['system:\nreconcile intercompany settlements accurately against counterparty acknowledgements meticulously.', 10]])]);
    assert.ok(name!.length <= 48, name);
    assert.doesNotMatch(name!, /-$/);
  });
});
