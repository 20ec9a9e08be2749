import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FineTuneLine } from '../curate/dataset/training-example.ts';
import { answerAsText, splitDatasetLine, withFewShotExamples } from './few-shot-prompt.ts';

const line = (question: string, answer: FineTuneLine['messages'][number]): FineTuneLine => ({ messages: [{ role: 'system', content: 'Extract.' }, { role: 'user', content: question }, answer] });

describe('few-shot prompts', () => {
  it('splits a dataset line into prompt and answer, and refuses a line without an answer', () => {
    const { prompt, answer } = splitDatasetLine(line('Hi, Ana here', { role: 'assistant', content: '{"name":"Ana"}' }));
    assert.equal(prompt.length, 2);
    assert.equal(answer.content, '{"name":"Ana"}');
    assert.throws(() => splitDatasetLine({ messages: [{ role: 'user', content: 'x' }] }), /must end with the assistant answer/);
  });

  it('writes tool calls as the grammar JSON the model must produce', () => {
    const text = answerAsText({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"A-1"}' } }] });
    assert.deepEqual(JSON.parse(text), { name: 'lookup_order', arguments: { order_id: 'A-1' } });
  });

  it('puts worked examples from training between the system message and the real question', () => {
    const examples = [line('Hi, Bo here', { role: 'assistant', content: '{"name":"Bo"}' }), line('Cy writing', { role: 'assistant', content: '{"name":"Cy"}' })];
    const { prompt } = splitDatasetLine(line('Hi, Ana here', { role: 'assistant', content: '{"name":"Ana"}' }));
    const messages = withFewShotExamples(prompt, examples);
    assert.deepEqual(
      messages.map((message) => [message.role, message.content]),
      [
        ['system', 'Extract.'],
        ['user', 'Hi, Bo here'],
        ['assistant', '{"name":"Bo"}'],
        ['user', 'Cy writing'],
        ['assistant', '{"name":"Cy"}'],
        ['user', 'Hi, Ana here'],
      ],
    );
  });
});
