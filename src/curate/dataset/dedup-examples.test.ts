import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom } from '../../simulate/random.ts';
import { createTestCallRecord } from '../../store/internal/call-record-fixture.ts';
import { dedupExamples } from './dedup-examples.ts';
import { createSimulatedTaskRecords } from './internal/simulated-task-records.ts';
import { filterCalls } from './filter-calls.ts';
import { readTrainingExample, type TrainingExample } from './training-example.ts';

const firstNames = ['Mathieu', 'Ana', 'Oliver', 'Ingrid', 'Jun', 'Chinedu', 'Piotr', 'Manon', 'Emeka', 'Jessica', 'Yuki', 'Sofia'];
const lastNames = ['Rodríguez', 'Silva', 'Johansson', 'Zhang', 'López', 'Müller', 'Fernández', 'Costa', 'Nasser', 'Tanaka', 'Rossi'];
const products = ['Summit Insulated Bottle', 'Volt 65W USB-C Charger', 'Cast Iron Skillet 26cm', 'Breeze Running Shoes', 'Harvest Granola'];
const systemWordings = [
  'Structured extraction (Saffron Route Foods customer care).\nRules:\n- Output valid JSON matching the schema\n- Copy values exactly as written',
  'You are a data extraction service for a support desk. Return only JSON that matches the provided schema.',
  'Extract structured data from customer messages. Return JSON only, exactly matching the schema; never guess.',
];
const userWordings = [
  (message: string) => `Extract the order details (order id, product, quantity) from the message below.\n\n${message}`,
  (message: string) => `Get the order information from the customer text below.\n\nIncoming message:\n---\n${message}\n---`,
  (message: string) => `Pull the order id, the product and the quantity out of this message.\n\n<message>\n${message}\n</message>`,
];

interface Payload {
  name: string;
  orderId: string;
  product: string;
  quantity: number;
}

function orderExample(id: string, payload: Payload, wording: number): TrainingExample {
  const message = `Hi, this is ${payload.name}. Where is my order ${payload.orderId}? It has ${payload.quantity} x ${payload.product} in it.`;
  const record = createTestCallRecord({
    id,
    episodeId: `episode-${id}`,
    startedAt: Number(id.replace(/\D/g, '')),
    finishReason: 'stop',
    request: {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: systemWordings[wording % systemWordings.length] },
        { role: 'user', content: (userWordings[wording % userWordings.length] ?? String)(message) },
      ],
    },
    response: {
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ order_id: payload.orderId, product: payload.product, quantity: payload.quantity }) }, finish_reason: 'stop' }],
    },
  });
  const read = readTrainingExample(record);
  assert.ok(read.ok);
  return read.example;
}

function distinctPayloads(count: number): Payload[] {
  const random = createRandom('dedup-payloads');
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const seen = new Set<string>();
  const payloads: Payload[] = [];
  while (payloads.length < count) {
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random.next() * list.length)] as T;
    const digits = (length: number) => Array.from({ length }, () => Math.floor(random.next() * 10)).join('');
    const payload = {
      name: `${pick(firstNames)} ${pick(lastNames)}`,
      orderId: `${pick([...letters])}${digits(1)}${pick([...letters])}-${digits(4)}-${digits(2)}`,
      product: pick(products),
      quantity: 1 + Math.floor(random.next() * 5),
    };
    const key = JSON.stringify(payload);
    if (seen.has(key)) continue;
    seen.add(key);
    payloads.push(payload);
  }
  return payloads;
}

test('a task with 1,000 distinct payloads keeps at least 95% and loses every true duplicate', () => {
  const payloads = distinctPayloads(1000);
  const originals = payloads.map((payload, index) => orderExample(`call-${index}`, payload, index));
  // The same payload and answer again, asked with another wording, under another call id and episode.
  const duplicates = payloads.slice(0, 150).map((payload, index) => orderExample(`call-${5000 + index}`, payload, index + 1));
  const result = dedupExamples([...duplicates, ...originals]);
  const keepRate = result.kept.length / originals.length;
  assert.ok(keepRate >= 0.95, `keep rate ${keepRate}`);
  assert.equal(result.kept.length, 1000, 'every distinct payload kept once');
  assert.equal(result.removedCount, 150);
  // One call of each pair is kept (the first in content order, not in capture order); the other points at it.
  for (let index = 0; index < 150; index += 1) {
    const [original, duplicate] = [`call-${index}`, `call-${5000 + index}`];
    assert.ok(result.duplicateOf[duplicate] === original || result.duplicateOf[original] === duplicate, `${original} and ${duplicate}: one removed, pointing at the other`);
  }
  const reversed = dedupExamples([...originals, ...duplicates].reverse());
  assert.deepEqual(reversed.duplicateOf, result.duplicateOf, 'the same representatives whatever the input order');
  assert.ok(result.model.skeletonTokens.has('schema'), 'template words are skeleton');
  assert.ok(!result.model.skeletonTokens.has('7078'), 'order-id digits are variable');
});

test('the same payload with a different answer is kept', () => {
  const [payload] = distinctPayloads(1);
  assert.ok(payload);
  const first = orderExample('call-1', payload, 0);
  const second = orderExample('call-2', payload, 1);
  second.completion = { role: 'assistant', content: '{"order_id":"other","product":"x","quantity":1}' };
  assert.equal(dedupExamples([first, second]).kept.length, 2);
});

test('too few calls to learn a template: nothing is skeleton, only identical prompts merge', () => {
  const [payload] = distinctPayloads(1);
  assert.ok(payload);
  const reworded = dedupExamples([orderExample('call-1', payload, 0), orderExample('call-2', payload, 1)]);
  assert.equal(reworded.model.skeletonTokens.size, 0);
  assert.equal(reworded.kept.length, 2);
  assert.equal(dedupExamples([orderExample('call-1', payload, 0), orderExample('call-3', payload, 0)]).kept.length, 1);
});

test('simulated traffic: dedup keeps nearly every call of payload-driven tasks', async () => {
  const byTask = await createSimulatedTaskRecords({ agents: 'support', episodesPerAgent: 300, seed: 'dedup' });
  for (const task of ['support/extract-order', 'support/classify-intent', 'support/choose-tool']) {
    const examples = filterCalls(byTask.get(task) ?? []).kept.map((record) => {
      const read = readTrainingExample(record);
      assert.ok(read.ok);
      return read.example;
    });
    assert.ok(examples.length >= 250, `${task}: ${examples.length} calls`);
    const result = dedupExamples(examples);
    const keepRate = result.kept.length / examples.length;
    assert.ok(keepRate >= 0.95, `${task}: keep rate ${keepRate}`);
  }
});
